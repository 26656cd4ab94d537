// What `lab up` will make for a topology, computed before anything is made (pure: no I/O), so the
// naming and wiring rules can be tested without root. Two modes:
//  - loopback: each router is a process in our namespace; its WAN addresses are mapped onto
//    loopback addresses (127.0.0.2, .3, ...) each with its own UDP port; LAN ports are UDP wires;
//  - netns: one namespace per router and per host, plus one lab namespace holding a bridge per WAN
//    link and per LAN segment. A router's namespace has Linux interfaces named after its RTX
//    interfaces (lan2 with the WAN address, lan1 read/written by the router with libpcap).
// Every namespace name starts with the lab's prefix: `lab down` deletes by that prefix only.
import type { Topology } from '../../topologies/schema/index.ts';

export type LabMode = 'loopback' | 'netns';

export interface PlannedWan {
  /** the RTX interface name (lan2, pp1) and the Linux name used in the router's namespace */
  rtxInterface: string;
  ifname: string;
  link: string;
  /** addresses with prefix length, as configured (netns mode puts them on the interface) */
  cidrs: string[];
  /** `ipv4: dhcp`: the address comes from the link's DHCP server (netns mode), prefix as the link's */
  dhcp4?: boolean;
  /** `ipv6: ra`: the prefix comes from the link's router advertisements (netns mode) */
  ra6?: boolean;
  /** the veth end in the lab namespace, and the link bridge it joins */
  labEnd: string;
  bridge: string;
}

export interface PlannedLan {
  port: string;
  segment: string;
  ifname: string;
  labEnd: string;
  bridge: string;
}

export interface PlannedRouter {
  name: string;
  role: string;
  model: string;
  firmware: string;
  netns?: string;
  wan: PlannedWan[];
  lan: PlannedLan[];
  /** addresses the L2TP socket binds (config addresses in netns mode) */
  wanAddresses: string[];
}

export interface PlannedHost {
  name: string;
  netns: string;
  iface: string;
  labEnd: string;
  bridge: string;
  segment: string;
  vlan?: number;
  ipv4?: string;
  ipv6?: string;
  gateway4?: string;
  /** `ipv4: dhcp` with a DHCP stand-in on its segment: lab up takes a lease for it */
  dhcp4?: boolean;
  /** what lab up does not do for this host, and why */
  notes: string[];
}

export interface PlannedBridge {
  name: string;
  /** `link NAME` or `segment NAME` */
  carries: string;
  /** gateway addresses the lab answers on this link (so routers in other subnets can route) */
  addresses: string[];
  /** the link's DHCP server (a link with `dhcp_pool` and a router WAN `ipv4: dhcp`; netns mode) */
  dhcp?: PlannedDhcpServer;
  /** the link's router advertisements (a router WAN `ipv6: ra`; netns mode): the link prefix, sent from `address` */
  ra?: { prefix: string; address: string };
}

export interface PlannedDhcpServer {
  rangeStart: string;
  rangeEnd: string;
  netmask: string;
  /** the server's own address on the bridge (with prefix): a gateway address, or the subnet's last host */
  address: string;
}

/**
 * A site's DHCP server (a router LAN with `dhcp_server`, seed 設定例8) played by dnsmasq in its own
 * namespace on the site's segment, serving the router's pool: the emulated router has no DHCP server.
 */
export interface PlannedDhcpStandin {
  router: string;
  segment: string;
  netns: string;
  ifname: string;
  labEnd: string;
  bridge: string;
  /** its address with prefix: the segment subnet's last host, minus the router's index */
  address: string;
  rangeStart: string;
  rangeEnd: string;
  netmask: string;
  gateway?: string;
}

/**
 * A home gateway's NAT (a link with `nat`, netns mode): the lab namespace, which already routes
 * between the link bridges, masquerades IPv4 from `insideSubnet` leaving by `outsideBridge` as its
 * address there (`outsideAddress`), and lets in from outside only replies (drivers/lab/lab-nat.ts).
 */
export interface PlannedNat {
  link: string;
  insideBridge: string;
  insideSubnet: string;
  outsideBridge: string;
  outsideAddress: string;
  /** TCP/UDP source ports mapped into this range (N-M) */
  ports?: string;
}

export interface LabPlan {
  id: string;
  prefix: string;
  mode: LabMode;
  topology: string;
  labNetns?: string;
  bridges: PlannedBridge[];
  routers: PlannedRouter[];
  hosts: PlannedHost[];
  dhcpStandins: PlannedDhcpStandin[];
  /** links behind a NAT (netns mode) */
  nats?: PlannedNat[];
}

export class LabPlanError extends Error {}

/** Namespace prefix of lab `id` (id: 6 hex digits): `l2lab-ID-`. */
export function labPrefix(id: string): string {
  if (!/^[0-9a-f]{6}$/.test(id)) throw new LabPlanError(`lab id '${id}' is not 6 hex digits`);
  return `l2lab-${id}-`;
}

const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');
const isCidr = (s: string | undefined): s is string => s !== undefined && s.includes('/');
const linuxName = (rtx: string) => rtx.replace(/\//g, '_');

export function planLab(t: Topology, o: { id: string; mode: LabMode; topologyFile: string }): LabPlan {
  const prefix = labPrefix(o.id);
  const netns = o.mode === 'netns';
  const ns = (name: string, fallback: string) => (prefix.length + name.length <= 64 ? `${prefix}${name}` : `${prefix}${fallback}`);
  const bridges: PlannedBridge[] = [];
  const linkBridge = new Map<string, string>();
  const segBridge = new Map<string, string>();
  t.links.forEach((l, i) => {
    linkBridge.set(l.name, `w${i}`);
    bridges.push({ name: `w${i}`, carries: `link ${l.name}`, addresses: [] });
  });
  t.segments.forEach((s, i) => {
    segBridge.set(s.name, `s${i}`);
    bridges.push({ name: `s${i}`, carries: `segment ${s.name}`, addresses: [] });
  });
  const where = (what: string) => `topology ${o.topologyFile}: ${what}`;

  const routers: PlannedRouter[] = t.routers.map((r, ri) => {
    const wan: PlannedWan[] = r.wan.map((w) => {
      const cidrs = [w.ipv4, w.ipv6].filter(isCidr);
      const bridge = linkBridge.get(w.link);
      if (!bridge) throw new LabPlanError(where(`router ${r.name} ${w.interface}: link '${w.link}' is not defined`));
      const b = bridges.find((x) => x.name === bridge)!;
      const link = t.links.find((l) => l.name === w.link)!;
      const dhcp4 = netns && w.ipv4 === 'dhcp' && link.dhcp_pool !== undefined && link.ipv4 !== undefined;
      if (dhcp4) b.dhcp ??= dhcpServerFor(link.ipv4!, link.dhcp_pool!);
      const ra6 = netns && w.ipv6 === 'ra' && link.ipv6 !== undefined && /::\/\d+$/.test(link.ipv6);
      if (ra6) b.ra ??= { prefix: link.ipv6!, address: link.ipv6!.replace(/::\/(\d+)$/, '::fffe/$1') };
      if (netns && cidrs.length === 0 && !dhcp4 && !ra6) throw new LabPlanError(where(`router ${r.name} ${w.interface}: lab up --netns needs a fixed address, ipv4 dhcp from a link with dhcp_pool, or ipv6 ra on a link with an ipv6 prefix written X::/LEN (dhcpv6-pd WANs are not emulated yet)`));
      for (const [gw, addr] of [[w.gateway4, w.ipv4], [w.gateway6, w.ipv6]] as const) {
        // the gateway on the link's bridge, with the router's prefix length
        if (gw && isCidr(addr) && !cidrs.some((c) => bare(c) === gw)) {
          const g = `${gw}/${addr.split('/')[1]}`;
          if (!b.addresses.includes(g)) b.addresses.push(g);
        }
      }
      return { rtxInterface: w.interface, ifname: linuxName(w.interface), link: w.link, cidrs, ...(dhcp4 ? { dhcp4 } : {}), ...(ra6 ? { ra6 } : {}), labEnd: `r${ri}-${linuxName(w.interface)}`.slice(0, 15), bridge };
    });
    const lanByPort = new Map<string, PlannedLan>();
    for (const l of r.lan) {
      const m = /^lan\d+/.exec(l.port);
      if (!m) throw new LabPlanError(where(`router ${r.name} LAN port ${l.port}: only lanN ports (and their lanN/M, lanN.M forms) can be wired by lab up`));
      const port = m[0];
      const prev = lanByPort.get(port);
      if (prev && prev.segment !== l.segment) throw new LabPlanError(where(`router ${r.name} ${port} is on segments '${prev.segment}' and '${l.segment}': one port, one wire`));
      const bridge = segBridge.get(l.segment);
      if (!bridge) throw new LabPlanError(where(`router ${r.name} ${l.port}: segment '${l.segment}' is not defined`));
      if (!prev) lanByPort.set(port, { port, segment: l.segment, ifname: port, labEnd: `r${ri}-${port}`.slice(0, 15), bridge });
    }
    return {
      name: r.name, role: r.role, model: r.model, firmware: r.firmware,
      ...(netns ? { netns: ns(r.name, `r${ri}`) } : {}),
      wan, lan: [...lanByPort.values()],
      wanAddresses: wan.flatMap((w) => w.cidrs.map(bare)),
    };
  });

  const dhcpStandins: PlannedDhcpStandin[] = [];
  if (netns) {
    t.routers.forEach((r, ri) => {
      for (const l of r.lan) {
        // untagged only: a tagged site (tagvlan1's VLAN scopes) would need the stand-in on that VLAN
        if (!l.dhcp_server || !isCidr(l.ipv4) || l.vlan !== undefined || l.port !== l.port.replace(/[./]\d+$/, '')) continue;
        const server = dhcpServerFor(l.ipv4, l.dhcp_server.pool);
        const [base, bits] = server.address.split('/');
        dhcpStandins.push({
          router: r.name, segment: l.segment, netns: ns(`${r.name}-dhcp`, `d${ri}`), ifname: 'eth0', labEnd: `d${ri}`, bridge: segBridge.get(l.segment)!,
          address: `${toDotted(toInt(base) - ri)}/${bits}`, rangeStart: server.rangeStart, rangeEnd: server.rangeEnd, netmask: server.netmask,
          gateway: l.dhcp_server.gateway ?? bare(l.ipv4),
        });
      }
    });
  }

  const hosts: PlannedHost[] = netns
    ? (t.hosts ?? []).map((h, hi) => {
        const bridge = segBridge.get(h.segment);
        if (!bridge) throw new LabPlanError(where(`host ${h.name}: segment '${h.segment}' is not defined`));
        const notes: string[] = [];
        if (h.kind !== 'pc') notes.push(`kind ${h.kind}: made as a plain Linux host`);
        const standin = h.vlan === undefined ? dhcpStandins.find((d) => d.segment === h.segment) : undefined;
        if (h.ipv4 === 'dhcp') notes.push(standin ? `ipv4 dhcp: leased from ${standin.router}'s DHCP pool, served by a dnsmasq stand-in (the emulated router has no DHCP server)` : 'ipv4 dhcp: not requested (run NamespaceHost.dhcp when a DHCP server is on the segment)');
        if (h.ipv6 === 'slaac') notes.push('ipv6 slaac: left to the kernel');
        if (h.dhcp_server) notes.push('dhcp_server: not started by lab up');
        const dhcp4 = h.ipv4 === 'dhcp' && standin !== undefined;
        return {
          name: h.name, netns: ns(h.name, `h${hi}`), iface: 'eth0', labEnd: `h${hi}`, bridge, segment: h.segment,
          ...(h.vlan !== undefined ? { vlan: h.vlan } : {}),
          ...(isCidr(h.ipv4) ? { ipv4: h.ipv4 } : {}),
          ...(isCidr(h.ipv6) ? { ipv6: h.ipv6 } : {}),
          ...(h.gateway4 ? { gateway4: h.gateway4 } : {}),
          ...(dhcp4 ? { dhcp4 } : {}),
          notes,
        };
      })
    : [];

  // the DHCP server needs an address of its own in the link's subnet: a gateway there, or one chosen
  for (const b of bridges) if (b.dhcp && b.addresses.some((a) => !a.includes(':'))) b.dhcp.address = b.addresses.find((a) => !a.includes(':'))!;
  for (const b of bridges) if (b.dhcp && !b.addresses.includes(b.dhcp.address)) b.addresses.push(b.dhcp.address);
  for (const b of bridges) if (b.ra && !b.addresses.includes(b.ra.address)) b.addresses.push(b.ra.address);
  const nats: PlannedNat[] = [];
  for (const l of t.links) {
    if (!l.nat) continue;
    if (!netns) throw new LabPlanError(where(`link ${l.name}: a NAT needs lab up --netns (the lab namespace masquerades between the link bridges)`));
    const outside = bridges.find((b) => b.name === linkBridge.get(l.nat!.outside));
    const outsideAddress = outside?.addresses.find((a) => !a.includes(':'));
    if (!outsideAddress) throw new LabPlanError(where(`link ${l.name}: the NAT's outside link '${l.nat.outside}' has no lab IPv4 address to masquerade as (give a router there a gateway4, or the link a dhcp_pool)`));
    if (!l.ipv4) throw new LabPlanError(where(`link ${l.name}: a NAT needs the link's ipv4 subnet`));
    nats.push({ link: l.name, insideBridge: linkBridge.get(l.name)!, insideSubnet: l.ipv4, outsideBridge: outside!.name, outsideAddress: bare(outsideAddress), ...(l.nat.ports ? { ports: l.nat.ports } : {}) });
  }
  return { id: o.id, prefix, mode: o.mode, topology: o.topologyFile, ...(netns ? { labNetns: `${prefix}lab` } : {}), bridges: netns ? bridges : [], routers, hosts, dhcpStandins, ...(nats.length > 0 ? { nats } : {}) };
}

const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toDotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

/** The DHCP server of a link (subnet `a.b.c.d/len`, pool `first-last`): its own address is the subnet's last host. */
function dhcpServerFor(subnet: string, pool: string): PlannedDhcpServer {
  const [net, len] = subnet.split('/');
  const bits = Number(len);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const last = ((toInt(net) & mask) | (~mask >>> 0)) - 1;
  const [rangeStart, rangeEnd] = pool.split('-');
  return { rangeStart, rangeEnd, netmask: toDotted(mask), address: `${toDotted(last >>> 0)}/${bits}` };
}
