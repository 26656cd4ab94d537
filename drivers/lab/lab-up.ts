// `lab up`: makes what planLab() describes and starts one emulated router process per topology
// router (never imported: `l2tpv3-conformance router ...`, see DESIGN.md). The state file is written
// before each step, so whatever happens `labDown(state)` removes exactly what was made.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatDiagnostic, loadTopology } from '../../topologies/schema/index.ts';
import { mustRun } from '../hosts/command.ts';
import { NamespaceHost } from '../hosts/namespace-host.ts';
import { addAddress, attachToBridge, createBridge, createNetns, createVethPair, ipIn, netnsExists, setSysctl, setSysctls } from '../hosts/netns.ts';
import { labDown } from './lab-down.ts';
import { planLab, type LabMode, type LabPlan, type PlannedRouter } from './lab-plan.ts';
import { freePort, startDetached, waitForReadyLine, waitForTcp, type Started } from './lab-processes.ts';
import { routerLaunch } from './router-launch.ts';
import { keyLogFile, prepareKeyLogDir, startLinkCaptures } from './lab-capture.ts';
import { obtainLease, startDhcpServer } from './lab-dhcp.ts';
import { setNetnsResolver, startLabDns } from './lab-dns.ts';
import { raWanAddress, startRaServer } from './lab-ra.ts';
import { DEFAULT_STATE_FILE, isOurProcess, readLabState, writeLabState, type LabState, type RouterAccess } from './lab-state.ts';
import { mapERouterArgs, planRelays, startRelays } from './relay-launch.ts';
import { applyNat } from './lab-nat.ts';

export interface LabUpOptions {
  mode?: LabMode;
  stateFile?: string;
  /** bound on each router's start (process start-up included; through tsx when the bundle cannot be built) */
  readyTimeoutMs?: number;
  /** extra arguments for every router process (e.g. `--time-scale 10`) */
  routerArgs?: string[];
  log?: (line: string) => void;
  /** `--key-log DIR`: each router writes its IPsec SA keys to DIR/ROUTER.keys (0600; DIR 0700) */
  keyLogDir?: string;
  /** `--capture DIR` (netns only): dumpcap on each WAN link's bridge from before the first router, DIR/LINK.pcapng */
  captureDir?: string;
  /**
   * 'none': no userspace relay process on relay links (issue 19 point 3): the caller puts its own ISP
   * gateway on the link's bridge (tests/labs/underlay-qemu-ip6tnl.spec.ts: a real kernel's ip6tnl)
   */
  relay?: 'userspace' | 'none';
}

export class LabError extends Error {}

/** SSH port of the emulated router inside its namespace (a device's usual port). */
const NETNS_SSH_PORT = 22;

function refuseIfRunning(stateFile: string): void {
  if (!existsSync(stateFile)) return;
  let s: LabState;
  try {
    s = readLabState(stateFile);
  } catch {
    return; // unreadable: nothing we could clean up from it anyway
  }
  if (s.processes.some(isOurProcess)) throw new LabError(`a lab (${s.id}, ${s.topology}) is already up according to ${stateFile}: run 'lab down --state ${stateFile}' first, or give another --state`);
}

export async function labUp(topologyFile: string, o: LabUpOptions = {}): Promise<LabState> {
  const stateFile = o.stateFile ?? DEFAULT_STATE_FILE;
  const log = o.log ?? (() => {});
  refuseIfRunning(stateFile);
  const loaded = loadTopology(topologyFile);
  if (!loaded.value) throw new LabError(`cannot use topology ${topologyFile}:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  const mode = o.mode ?? 'loopback';
  if (mode === 'netns' && process.getuid?.() !== 0) throw new LabError('lab up --netns needs root (network namespaces, libpcap on the router LAN ports)');
  const id = randomBytes(3).toString('hex');
  let plan: LabPlan;
  try {
    plan = planLab(loaded.value, { id, mode, topologyFile });
  } catch (e) {
    throw new LabError((e as Error).message);
  }
  const tempDir = mkdtempSync(path.join(tmpdir(), plan.prefix));
  const state: LabState = {
    version: 1, id, prefix: plan.prefix, mode, topology: topologyFile, tempDir, createdAt: new Date().toISOString(),
    processes: [], namespaces: [], routers: [], hosts: [],
  };
  const save = () => writeLabState(stateFile, state);
  save();
  try {
    const configFiles = new Map<string, string>();
    for (const c of loaded.configs) {
      const f = path.join(tempDir, `${c.router}.conf`);
      writeFileSync(f, c.text, { mode: 0o600 }); // configs hold secrets: readable by us only
      configFiles.set(c.router, f);
    }
    if (mode === 'netns') await wireNamespaces(plan, state, save, log);
    if (mode === 'netns') await applyNat(plan.labNetns!, plan.nats ?? [], log);
    if (o.captureDir !== undefined) {
      if (mode !== 'netns') throw new LabError('lab up --capture needs --netns (it captures on the link bridges in the lab namespace)');
      const caps = await startLinkCaptures(plan, o.captureDir, tempDir, (s) => (state.processes.push(s.proc), save()));
      for (const c of caps) log(`capturing link ${c.link} (bridge ${c.bridge} in ${plan.labNetns}) to ${c.file}`);
    }
    const keyLogDir = o.keyLogDir === undefined ? undefined : prepareKeyLogDir(o.keyLogDir);
    if (mode === 'netns') await wanDhcp(plan, state, save, log);
    if (mode === 'netns') await wanRa(plan, loaded.configs, state, save, log);
    if (mode === 'netns' && (loaded.value.dns ?? []).length > 0) await labDns(plan, loaded.value.dns ?? [], state, save, log);
    if (mode === 'netns') await siteDhcp(plan, state, save, namespaceTracker(state, save), log);
    // IPIP / MAP-E underlays (issue 19): the ISP's relay on its link, the MAP-E rule to each CE
    const topo = loaded.value;
    const relays = planRelays(topo, plan); // refuses loopback mode for a topology with a relay (no bridge to run it on)
    if (mode === 'netns' && o.relay !== 'none') await startRelays(plan, relays, tempDir, (s) => (state.processes.push(s.proc), save()), log);
    const args = mode === 'netns' ? plan.routers.map((r) => [...netnsRouterArgs(r), ...mapERouterArgs(topo, r.name)]) : await loopbackRouterArgs(plan);
    // built (or found in the cache) once, before any router starts: all of them run the same file
    const launch = await routerLaunch();
    const started: { r: PlannedRouter; s: Started; logFile: string }[] = [];
    plan.routers.forEach((r, i) => {
      const logFile = path.join(tempDir, `${r.name}.log`);
      const argv = [
        ...launch.argv, '--model', r.model, '--firmware', r.firmware, '--config', configFiles.get(r.name)!,
        '--console-pty', 'auto', ...args[i], ...(keyLogDir ? ['--key-log', keyLogFile(keyLogDir, r.name)] : []), ...(o.routerArgs ?? []),
      ];
      const s = startDetached(`router ${r.name}`, r.netns ? ['ip', 'netns', 'exec', r.netns, ...argv] : argv, logFile);
      state.processes.push(s.proc);
      started.push({ r, s, logFile });
      log(`started router ${r.name} (pid ${s.proc.pid})${keyLogDir ? `, IPsec keys to ${keyLogFile(keyLogDir, r.name)}` : ''}`);
    });
    save();
    const ready = await Promise.all(started.map(({ s, logFile }) => waitForReadyLine(logFile, s, o.readyTimeoutMs ?? 30_000)));
    for (let i = 0; i < started.length; i++) {
      const { r, logFile } = started[i];
      const rd = ready[i] as { ssh: { host: string; port: number }; consolePty?: string; l2tp: { address: string; port: number }[]; lan: Record<string, string> };
      let ssh = rd.ssh;
      if (r.netns) ssh = await sshForwarder(r, state, save);
      const access: RouterAccess = {
        name: r.name, role: r.role, model: r.model, firmware: r.firmware, ...(r.netns ? { netns: r.netns } : {}), ssh,
        ...(rd.consolePty ? { consolePty: rd.consolePty } : {}),
        wan: rd.l2tp.map((a) => `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`), lan: rd.lan, log: logFile,
      };
      state.routers.push(access);
    }
    save();
    return state;
  } catch (e) {
    await labDown(state, { stateFile });
    throw e instanceof LabError ? e : new LabError((e as Error).message);
  }
}

function netnsRouterArgs(r: PlannedRouter): string[] {
  return [
    '--ssh', `127.0.0.1:${NETNS_SSH_PORT}`,
    ...r.wanAddresses.flatMap((a) => ['--wan', a]),
    ...r.lan.flatMap((l) => ['--lan', `${l.port}=if:${l.ifname}`]),
  ];
}

/**
 * Loopback mode: router i's IPv4 WAN addresses become 127.0.0.(2+i) and its IPv6 ones ::1, each
 * router on its own UDP port; every router maps the others' config addresses there (--underlay).
 * LAN ports are UDP wires whose far end (127.0.0.1:Q) is where a harness may listen.
 * Known limit: with IPv6 underlays, three or more routers share ::1, and the router maps a source
 * address back to one config address only.
 */
async function loopbackRouterArgs(plan: LabPlan): Promise<string[][]> {
  if (plan.routers.length > 250) throw new LabError('loopback mode: at most 250 routers');
  const ports = await Promise.all(plan.routers.map(() => freePort('udp')));
  const sock = (i: number, a: string) => (a.includes(':') ? `[::1]:${ports[i]}` : `127.0.0.${2 + i}:${ports[i]}`);
  const out: string[][] = [];
  for (let i = 0; i < plan.routers.length; i++) {
    const r = plan.routers[i];
    const binds = [...new Set(r.wanAddresses.map((a) => (a.includes(':') ? '::1' : `127.0.0.${2 + i}`)))];
    const underlay = plan.routers.flatMap((o, j) => (j === i ? [] : o.wanAddresses.map((a) => `${a}=${sock(j, a)}`)));
    const lans: string[] = [];
    for (const l of r.lan) lans.push('--lan', `${l.port}=udp:0:127.0.0.1:${await freePort('udp')}`);
    out.push(['--ssh', '127.0.0.1:0', '--l2tp-port', String(ports[i]), ...binds.flatMap((b) => ['--wan', b]), ...underlay.flatMap((u) => ['--underlay', u]), ...lans]);
  }
  return out;
}

/** Records namespace `ns` in the state file, then makes it (so lab down removes it whatever happens). */
function namespaceTracker(state: LabState, save: () => void) {
  return async (ns: string, make: () => Promise<unknown>) => {
    if (await netnsExists(ns)) throw new LabError(`network namespace ${ns} already exists`);
    state.namespaces.push(ns);
    save();
    await make();
  };
}

async function wireNamespaces(plan: LabPlan, state: LabState, save: () => void, log: (l: string) => void): Promise<void> {
  const lab = plan.labNetns!;
  const track = namespaceTracker(state, save);
  await track(lab, () => createNetns(lab, { ipv6: false }));
  if (plan.bridges.some((b) => b.addresses.length)) {
    await setSysctls(lab, { 'net.ipv6.conf.all.disable_ipv6': '0', 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '1' });
  }
  for (const b of plan.bridges) {
    await createBridge(lab, b.name);
    for (const a of b.addresses) await addAddress(lab, b.name, a);
  }
  for (const r of plan.routers) {
    const ns = r.netns!;
    const v6 = r.wan.some((w) => w.ra6 || w.cidrs.some((c) => c.includes(':')));
    await track(ns, () => createNetns(ns, { ipv6: v6 }));
    for (const w of r.wan) {
      await createVethPair({ name: w.ifname, netns: ns }, { name: w.labEnd, netns: lab });
      await attachToBridge(lab, w.labEnd, w.bridge);
      for (const c of w.cidrs) await addAddress(ns, w.ifname, c);
    }
    // (a DHCP WAN has no address yet: its route is set once it has its lease, wanDhcp)
    const routes = plan.bridges.flatMap((b) => (r.wan.some((w) => w.bridge === b.name && w.cidrs.length > 0) ? b.addresses : []));
    for (const g of routes) await mustRun(ipIn(ns, ...(g.includes(':') ? ['-6'] : []), 'route', 'replace', 'default', 'via', g.replace(/\/\d+$/, '')));
    for (const l of r.lan) {
      await createVethPair({ name: l.ifname, netns: ns }, { name: l.labEnd, netns: lab });
      await attachToBridge(lab, l.labEnd, l.bridge);
      // the router's LAN port is a wire read with libpcap: the namespace's own kernel stays silent on it
      if (v6) await setSysctl(ns, `net.ipv6.conf.${l.ifname}.disable_ipv6`, '1');
    }
    log(`namespace ${ns}: ${[...r.wan.map((w) => w.ifname), ...r.lan.map((l) => l.ifname)].join(', ')}`);
  }
  for (const h of plan.hosts) {
    let host: NamespaceHost | undefined;
    await track(h.netns, async () => (host = await NamespaceHost.create({ netns: h.netns, iface: h.iface, peer: { name: h.labEnd, netns: lab }, ipv6: h.ipv6 !== undefined })));
    await attachToBridge(lab, h.labEnd, h.bridge);
    const ifname = h.vlan !== undefined ? await host!.addVlan(h.vlan) : h.iface;
    const addresses = [h.ipv4, h.ipv6].filter((a): a is string => a !== undefined);
    for (const a of addresses) await host!.addAddress(a, ifname);
    if (h.gateway4) await host!.setDefaultRoute(h.gateway4);
    state.hosts.push({ name: h.name, netns: h.netns, iface: ifname, addresses, notes: h.notes });
    save();
  }
}

/** Links with a DHCP pool get their server; routers with `ipv4: dhcp` WANs a lease (plan.wanAddresses gains it). */
async function wanDhcp(plan: LabPlan, state: LabState, save: () => void, log: (l: string) => void): Promise<void> {
  for (const b of plan.bridges) {
    if (!b.dhcp) continue;
    const link = b.carries.replace(/^link /, '');
    const d = b.dhcp;
    const spec = { role: `dhcp server link ${link}`, fileTag: `link-${link}`, netns: plan.labNetns!, ifname: b.name, rangeStart: d.rangeStart, rangeEnd: d.rangeEnd, netmask: d.netmask };
    await startDhcpServer(spec, state.tempDir, (s) => (state.processes.push(s.proc), save()));
    log(`DHCP server on link ${link}: ${b.dhcp.rangeStart}-${b.dhcp.rangeEnd}`);
  }
  for (const r of plan.routers) {
    for (const w of r.wan) {
      if (!w.dhcp4) continue;
      const lease = await obtainLease(r.netns!, w.ifname, r.name, state.tempDir);
      if (lease.proc) state.processes.push(lease.proc);
      save();
      r.wanAddresses.push(lease.address);
      const gw = plan.bridges.find((b) => b.name === w.bridge)?.dhcp?.address.replace(/\/\d+$/, '');
      if (gw) await mustRun(ipIn(r.netns, 'route', 'replace', 'default', 'via', gw));
      log(`router ${r.name} ${w.rtxInterface}: ${lease.address} by DHCP`);
    }
  }
}

/** Links with RA WANs advertise their prefix; those routers get prefix + their config's host part. */
async function wanRa(plan: LabPlan, configs: readonly { router: string; text: string }[], state: LabState, save: () => void, log: (l: string) => void): Promise<void> {
  // no duplicate address detection on RA WANs: the address is usable as soon as it is formed (one lab, no duplicates)
  for (const r of plan.routers) for (const w of r.wan) if (w.ra6) await setSysctl(r.netns!, `net.ipv6.conf.${w.ifname}.accept_dad`, '0');
  for (const b of plan.bridges) {
    if (!b.ra) continue;
    const link = b.carries.replace(/^link /, '');
    await startRaServer(plan.labNetns!, b.name, link, state.tempDir, (s) => (state.processes.push(s.proc), save()));
    log(`router advertisements on link ${link}: ${b.ra.prefix}`);
  }
  for (const r of plan.routers) {
    for (const w of r.wan) {
      if (!w.ra6) continue;
      const address = await raWanAddress(r.netns!, w.ifname, w.rtxInterface, configs.find((c) => c.router === r.name)?.text ?? '');
      r.wanAddresses.push(address);
      log(`router ${r.name} ${w.rtxInterface}: ${address} from the advertised prefix`);
    }
  }
}

/** The lab DNS server answering the topology's names with the routers' WAN addresses; routers use it. */
async function labDns(plan: LabPlan, names: readonly { fqdn: string; router: string; family: 'ipv4' | 'ipv6' }[], state: LabState, save: () => void, log: (l: string) => void): Promise<void> {
  const records = names.map((n) => {
    const r = plan.routers.find((x) => x.name === n.router)!;
    const address = r.wanAddresses.find((a) => a.includes(':') === (n.family === 'ipv6'));
    if (!address) throw new LabError(`dns ${n.fqdn}: router ${n.router} has no ${n.family} WAN address in this lab`);
    return { fqdn: n.fqdn, address };
  });
  const wanBridges = plan.bridges.filter((b) => b.carries.startsWith('link ') && b.addresses.length > 0);
  if (wanBridges.length === 0) throw new LabError('the topology names routers by DNS, but no WAN link has a lab address for a DNS server (give a router a gateway4/gateway6 or the link a dhcp_pool)');
  await startLabDns(plan.labNetns!, wanBridges.map((b) => b.name), records, state.tempDir, (s) => (state.processes.push(s.proc), save()));
  for (const r of plan.routers) {
    const servers = wanBridges.filter((b) => r.wan.some((w) => w.bridge === b.name)).flatMap((b) => b.addresses.map((a) => a.replace(/\/\d+$/, '')));
    if (servers.length > 0) setNetnsResolver(r.netns!, servers);
  }
  log(`DNS server: ${records.map((x) => `${x.fqdn} -> ${x.address}`).join(', ')}`);
}

/** Each site's DHCP stand-in (its own namespace on the segment), then the leases of the DHCP hosts there. */
async function siteDhcp(plan: LabPlan, state: LabState, save: () => void, track: ReturnType<typeof namespaceTracker>, log: (l: string) => void): Promise<void> {
  for (const d of plan.dhcpStandins) {
    await track(d.netns, () => createNetns(d.netns, { ipv6: false }));
    await createVethPair({ name: d.ifname, netns: d.netns }, { name: d.labEnd, netns: plan.labNetns! });
    await attachToBridge(plan.labNetns!, d.labEnd, d.bridge);
    await addAddress(d.netns, d.ifname, d.address);
    const spec = { role: `dhcp server ${d.router} (stand-in)`, fileTag: `${d.router}`, netns: d.netns, ifname: d.ifname, rangeStart: d.rangeStart, rangeEnd: d.rangeEnd, netmask: d.netmask, ...(d.gateway ? { gateway: d.gateway } : {}) };
    await startDhcpServer(spec, state.tempDir, (s) => (state.processes.push(s.proc), save()));
    log(`DHCP stand-in for ${d.router} on segment ${d.segment}: ${d.rangeStart}-${d.rangeEnd} (namespace ${d.netns})`);
  }
  for (const h of plan.hosts) {
    if (!h.dhcp4) continue;
    const access = state.hosts.find((x) => x.name === h.name)!;
    const lease = await obtainLease(h.netns, access.iface, h.name, state.tempDir);
    if (lease.proc) state.processes.push(lease.proc);
    const prefix = plan.dhcpStandins.find((d) => d.segment === h.segment)?.address.split('/')[1] ?? '32';
    access.addresses.push(`${lease.address}/${prefix}`);
    save();
    log(`host ${h.name}: ${lease.address} by DHCP`);
  }
}

/** The router's SSH (inside its namespace) made reachable on 127.0.0.1:PORT of ours, via socat. */
async function sshForwarder(r: PlannedRouter, state: LabState, save: () => void): Promise<{ host: string; port: number }> {
  const port = await freePort('tcp');
  const inner = `ip netns exec ${r.netns} socat STDIO TCP\\:127.0.0.1\\:${NETNS_SSH_PORT}`;
  const s = startDetached(`ssh forwarder ${r.name}`, ['socat', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `EXEC:${inner}`], path.join(state.tempDir, `${r.name}-ssh-forwarder.log`));
  state.processes.push(s.proc);
  save();
  await Promise.race([waitForTcp('127.0.0.1', port, 10_000, `SSH forwarder for ${r.name}`), s.exited.then((why) => Promise.reject(new Error(`SSH forwarder for ${r.name}: socat ${why}`)))]);
  return { host: '127.0.0.1', port };
}
