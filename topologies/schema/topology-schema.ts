// The topology file format (YAML), as a zod schema: routers with their configs and addressing,
// WAN links, LAN segments, hosts, DNS names, tester peers, the pseudowires the configs build,
// and the scenarios run on it. Syntax only: cross-references (a link a router names must exist,
// names unique, addresses inside their subnets) are checked in semantic-checks.ts, with positions.
import { z } from 'zod';
import { ADDRESS_FORMS } from './addresses.ts';
import { EXPECTATION_KINDS, FINDING_KINDS, STIMULUS_KINDS, keysOf } from './scenario-kinds.ts';
import { linkRelaySchema, routerMapESchema } from './underlay-schema.ts';

const addr = (form: keyof typeof ADDRESS_FORMS, ...keywords: string[]) => {
  const f = ADDRESS_FORMS[form];
  const alt = keywords.length ? ` or one of ${keywords.map((k) => `'${k}'`).join(', ')}` : '';
  return z.string().refine((s) => keywords.includes(s) || f.test(s), {
    error: (iss) => `'${String(iss.input)}' ${f.message}${alt}`,
  });
};

export const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, {
  error: (iss) => `'${String(iss.input)}' is not a name (letter, then letters, digits, '-' or '_', up to 63)`,
});

/** 802.1Q VID: 2..4094 (yamaha-platform-facts.md §1.6, `vlan ... 802.1q vid=`). */
export const vid = z.int().min(2, { error: 'VLAN ID must be 2..4094' }).max(4094, { error: 'VLAN ID must be 2..4094' });

/** Model names as the seed's support table prints them (`RTX1210`, `vRX VMware ESXi版`); which exist is
 * the platform matrix's business, checked through SemanticOptions.checkModel. */
export const model = z.string().min(1, { error: 'a model name is required (e.g. RTX1210)' });
/** Firmware revision as `show config` prints it (yamaha-platform-facts.md §3.4): `Rev.15.02.17`. */
export const firmware = z.string().regex(/^Rev\.\d{1,2}\.\d{2}\.\d{2}$/, {
  error: (iss) => `'${String(iss.input)}' is not a firmware revision (Rev.NN.NN.NN, e.g. Rev.15.02.17)`,
});
const iface = (what: string, re: RegExp) =>
  z.string().regex(re, { error: (iss) => `'${String(iss.input)}' is not ${what}` });
const wanIfName = iface('a WAN interface name (lanN, lanN/M, ppN, onuN)', /^(lan\d+(\/\d+)?|pp\d+|onu\d+)$/);
const lanPort = iface('a LAN port name (lanN, lanN/M, lanN.M, vlanN)', /^(lan\d+([./]\d+)?|vlan\d+)$/);
const bridgeName = iface('a bridge interface name (bridgeN)', /^bridge\d+$/);

const dhcpServer = z.strictObject({
  pool: addr('ipv4Range'),
  gateway: addr('ipv4Address').optional(),
});

const wanInterface = z.strictObject({
  interface: wanIfName,
  link: name,
  ipv4: addr('ipv4Interface', 'dhcp').optional(),
  ipv6: addr('ipv6Interface', 'ra', 'dhcpv6-pd').optional(),
  gateway4: addr('ipv4Address').optional(),
  gateway6: addr('ipv6Address').optional(),
  /** a NAT (masquerade) in front of or on this interface: the initiator behind NAT needs NAT-T */
  nat: z.boolean().optional(),
});

const lanInterface = z.strictObject({
  port: lanPort,
  segment: name,
  /** the VID this port tags with, for `lanN/M` 802.1Q sub-interfaces */
  vlan: vid.optional(),
  /** the bridge this port is a member of; the bridge then holds the addresses */
  bridge: bridgeName.optional(),
  ipv4: addr('ipv4Interface').optional(),
  ipv6: addr('ipv6Interface').optional(),
  dhcp_server: dhcpServer.optional(),
});

const router = z.strictObject({
  name,
  /** the lab slot this router fills; a lab inventory maps roles to devices */
  role: name,
  model,
  firmware,
  description: z.string().optional(),
  /** the configuration in `show config` form, inline ... */
  config: z.string().optional(),
  /** ... or in a file, relative to the topology file */
  config_file: z.string().min(1).optional(),
  wan: z.array(wanInterface).min(1, { error: 'a router needs at least one WAN interface' }),
  lan: z.array(lanInterface).min(1, { error: 'a router needs at least one LAN interface' }),
  /** L2MS mode (seed: L2TPv3とL2MS); omitted = not part of an L2MS scenario */
  l2ms: z.enum(['manager', 'agent', 'off']).optional(),
  /** a `tunnel encapsulation map-e` router: its rule and End-user prefix (underlay-schema.ts) */
  map_e: routerMapESchema.optional(),
});

const link = z.strictObject({
  name,
  /** internet: an IPv4/IPv6 routed underlay; ngn: NTT NGN (IPv6, in-network turn-back, seed 設定例7) */
  kind: z.enum(['internet', 'ngn']),
  ipv4: addr('ipv4Subnet').optional(),
  ipv6: addr('ipv6Subnet').optional(),
  /** addresses the lab hands out by DHCP to routers whose WAN is `ipv4: dhcp` */
  dhcp_pool: addr('ipv4Range').optional(),
  /** the ISP's MAP-E border relay / IPIP gateway on this link, a lab process (underlay-schema.ts) */
  relay: linkRelaySchema.optional(),
  /**
   * This (private) link sits behind a home gateway's NAT: the lab masquerades its IPv4 traffic onto
   * link `outside` (netns mode, nftables; drivers/lab/lab-nat.ts). `ports` (N-M): TCP/UDP source
   * ports are mapped into that range, so a translated port is seen even where masquerade would keep it.
   */
  nat: z.strictObject({ outside: name, ports: z.string().regex(/^\d{1,5}-\d{1,5}$/).optional() }).optional(),
  description: z.string().optional(),
});

const segmentVlan = z.strictObject({
  vid,
  name: z.string().optional(),
  ipv4: addr('ipv4Subnet').optional(),
  ipv6: addr('ipv6Subnet').optional(),
});

const segment = z.strictObject({
  name,
  /** which site the wire is at (free text, for people) */
  site: z.string().optional(),
  /** the untagged subnet on this wire */
  ipv4: addr('ipv4Subnet').optional(),
  ipv6: addr('ipv6Subnet').optional(),
  /** tagged VLANs carried on this wire */
  vlans: z.array(segmentVlan).optional(),
  description: z.string().optional(),
});

const host = z.strictObject({
  name,
  /** pc: a traffic host; l2ms-agent: a Yamaha switch/AP managed over L2MS */
  kind: z.enum(['pc', 'l2ms-agent']).default('pc'),
  segment: name,
  /** the host sends and receives 802.1Q frames with this VID */
  vlan: vid.optional(),
  ipv4: addr('ipv4Interface', 'dhcp').optional(),
  ipv6: addr('ipv6Interface', 'slaac').optional(),
  gateway4: addr('ipv4Address').optional(),
  dhcp_server: dhcpServer.optional(),
});

const dnsName = z.strictObject({
  fqdn: z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/, {
    error: (iss) => `'${String(iss.input)}' is not a fully qualified domain name`,
  }),
  router: name,
  family: z.enum(['ipv4', 'ipv6']),
  /** netvolante: Yamaha NetVolante DNS (seed 設定例6); flets-v6-name: FLET'S v6 option name (設定例7) */
  service: z.enum(['netvolante', 'flets-v6-name', 'static']),
});

const tester = z.strictObject({
  name,
  description: z.string().optional(),
  wan: z.array(wanInterface).min(1, { error: 'a tester needs at least one WAN interface' }),
});

const pseudowireEnd = z.strictObject({
  /** a router or tester name */
  node: name,
  /** `tunnel select N` on a router; omitted for testers */
  tunnel: z.int().min(1, { error: 'tunnel numbers start at 1' }).optional(),
  /** the bridge the tunnel is a member of (routers) */
  bridge: bridgeName.optional(),
});

const pseudowire = z.strictObject({
  name,
  /** as `tunnel encapsulation` names it: l2tpv3-raw = plain L2TPv3, l2tpv3 = L2TPv3/IPsec (platform facts §1.2) */
  encapsulation: z.enum(['l2tpv3-raw', 'l2tpv3']),
  underlay: z.enum(['ipv4', 'ipv6']),
  ends: z.tuple([pseudowireEnd, pseudowireEnd], { error: 'a pseudowire has exactly two ends' }),
});

const stimulus = z.strictObject({
  kind: z.enum(keysOf(STIMULUS_KINDS)),
  from: name.optional(),
  to: name.optional(),
  vlan: vid.optional(),
  family: z.enum(['ipv4', 'ipv6']).optional(),
  count: z.int().min(1).optional(),
});

const expectation = z.strictObject({
  kind: z.enum(keysOf(EXPECTATION_KINDS)),
  /** the host or router the expectation is about (lease-from: the DHCP server) */
  node: name.optional(),
  count: z.int().min(0).optional(),
});

const scenario = z.strictObject({
  name,
  description: z.string().optional(),
  stimulus,
  expect: z.array(expectation).min(1, { error: 'a scenario needs at least one expectation' }),
});

const finding = z.strictObject({
  kind: z.enum(keysOf(FINDING_KINDS)),
  nodes: z.array(name).optional(),
  note: z.string().optional(),
});

export const topologySchema = z.strictObject({
  name,
  description: z.string(),
  /** where the topology comes from, e.g. `seed: 【設定例1】` */
  source: z.string(),
  routers: z.array(router).min(1, { error: 'a topology needs at least one router' }),
  links: z.array(link).min(1, { error: 'a topology needs at least one WAN link' }),
  segments: z.array(segment).min(1, { error: 'a topology needs at least one LAN segment' }),
  hosts: z.array(host).optional(),
  testers: z.array(tester).optional(),
  dns: z.array(dnsName).optional(),
  pseudowires: z.array(pseudowire),
  scenarios: z.array(scenario).optional(),
  /** findings the oracle must report: a negative case declares them, a positive one leaves this out */
  expected_findings: z.array(finding).optional(),
});

export type Topology = z.output<typeof topologySchema>;
export type TopologyRouter = Topology['routers'][number];
export type TopologyPseudowire = Topology['pseudowires'][number];
