// `lab readdress`: the WAN address of a router with a DHCP WAN changes while the lab runs, as a
// home line's does when the ISP hands out another address (seed 設定例6, NetVolante DNS: "the
// address changes and the tunnel comes back"). What happens, in the order the real world does it:
//   1. the link's DHCP server (the ISP) is told to give the router's MAC the new address
//      (lab-dhcp.ts reserveAddress), the old lease is released and a fresh DHCP exchange on the
//      router's WAN interface takes the new one: the old address is gone from the interface;
//   2. the emulated router moves to it (see the known gap below);
//   3. the names the topology's `dns:` gives the router are re-registered with the lab DNS server
//      (lab-dns.ts updateLabDns), as the router's NetVolante DNS client does with the service.
// The peer then finds out by itself: its IKE keepalive (DPD) gets no answer at the old address,
// its SAs die, and with `ipsec auto refresh on` it starts key exchange again, resolving the name
// anew (reference-impl/router/ipsec/ipsec-host.ts, assumptions 'auto-refresh-after-loss' and
// 'name-resolved-per-key-exchange').
// Known gap: the emulated router binds its WAN sockets to the address it was started with
// (`router --wan ADDR`) and cannot follow an address change while running, so step 2 restarts
// its process with `--wan NEW` (same arguments otherwise, the state file updated). A real RTX
// keeps running; its L2TP and IPsec state for the old address is lost either way, since its peer
// must negotiate everything again with the new address.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology, formatDiagnostic } from '../../topologies/schema/index.ts';
import { runCommand } from '../hosts/command.ts';
import { planLab } from './lab-plan.ts';
import { obtainLease, releaseLease, reserveAddress } from './lab-dhcp.ts';
import { DNS_SERVER_ROLE, labDnsRecords, updateLabDns } from './lab-dns.ts';
import { startDetached, stopProcess, waitForReadyLine, type Started } from './lab-processes.ts';
import { isOurProcess, writeLabState, type LabProcess, type LabState } from './lab-state.ts';

export class ReaddressError extends Error {
  /** input: the router name or address given is wrong (usage); otherwise the lab failed */
  constructor(message: string, readonly input = false) {
    super(message);
  }
}

export interface ReaddressOptions {
  router: string;
  /** the new address; default: the first address of the link's DHCP pool that no router has */
  address?: string;
  /** written after each step, so `lab down` always finds what runs */
  stateFile: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface ReaddressResult {
  router: string;
  interface: string;
  from: string;
  to: string;
  /** the names re-registered with the lab DNS server */
  names: string[];
}

const toNumber = (a: string) => a.split('.').reduce((v, o) => v * 256 + Number(o), 0) >>> 0;
const toAddress = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** `198.51.100.100:1701` or `[2001:db8::1]:1701` (RouterAccess.wan) -> the address. */
const wanAddress = (w: string) => w.replace(/^\[?([^\]]*?)\]?:\d+$/, '$1');

/** A process of the lab we did not start in this process: waits on it end only by their bound. */
const running = (proc: LabProcess): Started => ({ proc, exited: new Promise<string>(() => {}) });

export async function labReaddress(state: LabState, o: ReaddressOptions): Promise<ReaddressResult> {
  const log = o.log ?? (() => {});
  if (state.mode !== 'netns') throw new ReaddressError('lab readdress needs a lab brought up with --netns (the address is a DHCP lease on the router namespace\'s WAN interface)');
  const access = state.routers.find((r) => r.name === o.router);
  if (!access) throw new ReaddressError(`no router ${o.router} in this lab (routers: ${state.routers.map((r) => r.name).join(', ')})`, true);
  const loaded = loadTopology(state.topology);
  if (!loaded.value) throw new ReaddressError(`cannot read the lab's topology ${state.topology}:\n${loaded.diagnostics.map(formatDiagnostic).join('\n')}`);
  // the plan is a function of the topology and the lab id: the same names lab up made
  const plan = planLab(loaded.value, { id: state.id, mode: 'netns', topologyFile: state.topology });
  const planned = plan.routers.find((r) => r.name === o.router)!;
  const wan = planned.wan.find((w) => w.dhcp4);
  if (!wan) throw new ReaddressError(`router ${o.router} has no WAN with 'ipv4: dhcp' in ${state.topology}: lab readdress moves a DHCP lease (a fixed address is the topology's)`, true);
  const bridge = plan.bridges.find((b) => b.name === wan.bridge);
  if (!bridge?.dhcp) throw new ReaddressError(`link ${wan.link} has no DHCP server in this lab`);
  const from = access.wan.map(wanAddress).find((a) => IPV4.test(a));
  if (!from) throw new ReaddressError(`router ${o.router} has no IPv4 WAN address in the state file`);
  const taken = new Set(state.routers.flatMap((r) => r.wan.map(wanAddress)));
  const to = o.address ?? pickAddress(bridge.dhcp.rangeStart, bridge.dhcp.rangeEnd, taken);
  checkAddress(to, from, taken, bridge.dhcp.address);

  const byRole = (role: string) => state.processes.find((p) => p.role === role && isOurProcess(p));
  const linkServerRole = `dhcp server link ${wan.link}`;
  const server = byRole(linkServerRole);
  if (!server) throw new ReaddressError(`the lab's ${linkServerRole} is not running`);
  const routerProc = byRole(`router ${o.router}`);
  if (!routerProc) throw new ReaddressError(`router ${o.router}'s process is not running (is the lab up?)`);
  const save = () => writeLabState(o.stateFile, state);
  const replace = (old: LabProcess | undefined, next: LabProcess | undefined) => {
    const i = old ? state.processes.indexOf(old) : -1;
    if (i >= 0 && next) state.processes[i] = next;
    else if (i >= 0) state.processes.splice(i, 1);
    else if (next) state.processes.push(next);
    save();
  };

  // 1. the ISP's DHCP server hands the router's MAC the new address; old lease released, new taken
  const ns = planned.netns!;
  const link = await runCommand(['ip', '-n', ns, 'link', 'show', wan.ifname]);
  const mac = /link\/ether ([0-9a-f:]{17})/.exec(link.stdout)?.[1];
  if (!mac) throw new ReaddressError(`no MAC address on ${wan.ifname} in ${ns}: ${link.stderr.trim()}`);
  // its command line as it runs (`ip netns exec` replaced itself by node: put it back in front)
  const argv = readFileSync(`/proc/${routerProc.pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
  if (argv[0] !== 'ip') argv.unshift('ip', 'netns', 'exec', ns);
  await reserveAddress(state.tempDir, `link-${wan.link}`, running(server), mac, to);
  const clientRole = `dhcp client ${o.router} ${wan.ifname}`;
  const oldClient = state.processes.find((p) => p.role === clientRole);
  await releaseLease(ns, wan.ifname, o.router, state.tempDir);
  replace(oldClient, undefined);
  log(`router ${o.router} ${wan.rtxInterface}: lease of ${from} released (the address is gone from the interface)`);
  // stopped only now: its goodbyes (IKE Delete, StopCCN) cannot leave from an address it no
  // longer has, so the peer learns of the change as a real one would, by its keepalives
  await stopProcess(routerProc);
  replace(routerProc, undefined);
  log(`router ${o.router} stopped (it cannot follow an address change while running: restarted with the new address)`);
  const lease = await obtainLease(ns, wan.ifname, o.router, state.tempDir);
  replace(undefined, lease.proc);
  if (lease.address !== to) throw new ReaddressError(`router ${o.router} ${wan.rtxInterface}: the DHCP server offered ${lease.address}, not the reserved ${to}`);
  log(`router ${o.router} ${wan.rtxInterface}: ${to} by DHCP (was ${from})`);

  // 2. the router on its new address: the same command line with --wan NEW
  const wanAt = argv.findIndex((a, i) => a === from && argv[i - 1] === '--wan');
  if (wanAt < 0) throw new ReaddressError(`router ${o.router}'s command line has no --wan ${from}`);
  const next = argv.map((a, i) => (i === wanAt ? to : a));
  const n = readdirSync(state.tempDir).filter((f) => f.startsWith(`${o.router}.readdress-`)).length + 1;
  const logFile = path.join(state.tempDir, `${o.router}.readdress-${n}.log`);
  const s = startDetached(`router ${o.router}`, next, logFile);
  replace(undefined, s.proc);
  const ready = (await waitForReadyLine(logFile, s, o.readyTimeoutMs ?? 30_000)) as { consolePty?: string; l2tp: { address: string; port: number }[] };
  access.wan = ready.l2tp.map((a) => `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`);
  access.log = logFile;
  if (ready.consolePty) access.consolePty = ready.consolePty;
  else delete access.consolePty;
  save();
  log(`router ${o.router} (pid ${s.proc.pid}) on ${to}, log ${logFile}`);

  // 3. NetVolante DNS: the router's names now answer the new address
  const names = (loaded.value.dns ?? []).filter((d) => d.router === o.router && d.family === 'ipv4').map((d) => d.fqdn);
  if (names.length > 0) {
    const dns = byRole(DNS_SERVER_ROLE);
    if (!dns) throw new ReaddressError('the lab DNS server is not running');
    const records = labDnsRecords(state.tempDir).map((r) => (names.includes(r.fqdn) ? { ...r, address: to } : r));
    await updateLabDns(state.tempDir, running(dns), records);
    log(`DNS server: ${names.map((f) => `${f} -> ${to}`).join(', ')}`);
  }
  return { router: o.router, interface: wan.rtxInterface, from, to, names };
}

/** The first address of the pool that no router of the lab has. */
function pickAddress(start: string, end: string, taken: ReadonlySet<string>): string {
  for (let n = toNumber(start); n <= toNumber(end); n++) if (!taken.has(toAddress(n))) return toAddress(n);
  throw new ReaddressError(`the link's DHCP pool ${start}-${end} has no free address`);
}

/** The new address is an IPv4 address on the link's subnet, not the old one, nobody else's. */
function checkAddress(to: string, from: string, taken: ReadonlySet<string>, server: string): void {
  if (!IPV4.test(to) || to.split('.').some((o) => Number(o) > 255)) throw new ReaddressError(`--address ${to} is not an IPv4 address`, true);
  if (to === from) throw new ReaddressError(`the router already has ${to}`, true);
  if (taken.has(to)) throw new ReaddressError(`${to} is another router's address in this lab`, true);
  const [net, len] = server.split('/');
  const mask = Number(len) === 0 ? 0 : (~0 << (32 - Number(len))) >>> 0;
  if (((toNumber(to) & mask) >>> 0) !== ((toNumber(net) & mask) >>> 0)) throw new ReaddressError(`${to} is not on the link's subnet ${toAddress((toNumber(net) & mask) >>> 0)}/${len}`, true);
  if (to === net) throw new ReaddressError(`${to} is the link's DHCP server`, true);
}
