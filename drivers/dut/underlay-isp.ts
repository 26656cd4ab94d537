// The IPv6-only access service around an emulated device under test (issue 19, "What to build" 4):
// the device's WAN is an IPIP or MAP-E tunnel over an IPv6 link to the ISP's gateway / Border Relay,
// and the tester peers are native IPv4 hosts behind that relay's IPv4 uplink, as a head office on
// the IPv4 internet is for a site on v6plus. Three namespaces, all ours by name (`l2u<pid>`):
//   R (the router): its WAN veth `wan0` with the IPv6 WAN address; its loopback holds the router's
//     SSH, syslog collector and LAN link, reached through a socket broker (netns-sockets.ts);
//   I (the ISP): the relay process (drivers/lab/relay-process.ts, userspace: this kernel has no
//     ip6tnl) on `r6` toward R and on its IPv4 uplink `p4` toward P;
//   P (the IPv4 internet): the tester peers' addresses on `eth0`, default route via the relay.
// One per worker process and kind (tests run one at a time in a worker; each test starts its own
// router in R), dropped at the worker's end; namespaces a dead worker left are removed by name
// (prefix and the dead owner's pid) before a new ISP is built.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BorderRelayConfig } from '../../reference-impl/underlay/index.ts';
import { addAddress, createNetns, createVethPair, deleteNetns, listNetns, mustRun, setSysctls } from '../hosts/index.ts';
import { ipIn } from '../hosts/netns.ts';
import { NetnsSockets } from '../hosts/netns-sockets.ts';
import { processStartTime } from '../lab/lab-state.ts';
import { RELAY_PROCESS_FILE } from '../lab/relay-process.ts';
import { UNDERLAY_ISP, underlayPeerAddress, type UnderlayKind } from './underlay-service.ts';
import { WITH_PARENT } from '../hosts/with-parent.ts';

const READY_TIMEOUT_MS = 20_000;
const PREFIX = 'l2u';
const RELAY_LOG_CHARS = 20_000;

function relayConfig(kind: UnderlayKind): BorderRelayConfig {
  return {
    address: UNDERLAY_ISP.relay6,
    mapRules: kind === 'map-e' ? [UNDERLAY_ISP.mapE.rule] : [],
    ipip: kind === 'ipip' ? [{ ipv4Prefix: `${UNDERLAY_ISP.ipip.ipv4}/32`, remote: UNDERLAY_ISP.ipip.tunnelEnd }] : [],
    uplink: { address: UNDERLAY_ISP.uplink.relay4 },
  };
}

export class UnderlayIsp {
  /** The tail of what the relay printed (its dropped packets' reasons), for the report. */
  private relayLog = '';
  /** Characters cut from the front of relayLog so far (it keeps the last RELAY_LOG_CHARS). */
  private relayLogCut = 0;
  private constructor(
    readonly kind: UnderlayKind,
    readonly names: { readonly router: string; readonly isp: string; readonly peers: string },
    private readonly relay: ChildProcess,
    /** Sockets on the router's loopback (syslog collector, LAN link, SSH). */
    readonly routerSide: NetnsSockets,
    /** The tester peers' sockets on the IPv4 internet. */
    readonly peerSide: NetnsSockets,
  ) {
    relay.stdout?.on('data', (b: Buffer) => {
      this.relayLog += b.toString();
      const cut = this.relayLog.length - RELAY_LOG_CHARS;
      if (cut <= 0) return;
      this.relayLog = this.relayLog.slice(cut);
      this.relayLogCut += cut;
    });
  }

  /** Builds the service (bounded); on any failure what was built is removed again. */
  static async open(kind: UnderlayKind): Promise<UnderlayIsp> {
    await removeLeftovers();
    const base = `${PREFIX}${process.pid}${kind === 'ipip' ? 'i' : 'm'}`;
    const names = { router: `${base}-r`, isp: `${base}-i`, peers: `${base}-p` };
    const made: string[] = [];
    let relay: ChildProcess | undefined;
    const brokers: NetnsSockets[] = [];
    try {
      for (const [ns, ipv6] of [[names.router, true], [names.isp, false], [names.peers, false]] as const) {
        await createNetns(ns, { ipv6 });
        made.push(ns);
      }
      // R: the WAN; no router advertisements or autoconfiguration (the lab's addresses are static)
      await setSysctls(names.router, { 'net.ipv6.conf.all.accept_ra': '0', 'net.ipv6.conf.default.accept_ra': '0', 'net.ipv6.conf.default.autoconf': '0' });
      await createVethPair({ name: 'wan0', netns: names.router }, { name: 'r6', netns: names.isp });
      await addAddress(names.router, 'wan0', `${UNDERLAY_ISP.routerWan6}/64`);
      await createVethPair({ name: 'p4', netns: names.isp }, { name: 'eth0', netns: names.peers });
      await mustRun(ipIn(names.peers, 'link', 'set', 'eth0', 'address', UNDERLAY_ISP.macs.peers));
      for (let i = 0; i < UNDERLAY_ISP.peerCount; i++) await addAddress(names.peers, 'eth0', `${underlayPeerAddress(i)}/${UNDERLAY_ISP.uplink.prefixLength}`);
      // the relay holds its IPv4 address in userspace: a permanent neighbour entry, then the route
      await mustRun(ipIn(names.peers, 'neigh', 'replace', UNDERLAY_ISP.uplink.relay4, 'lladdr', UNDERLAY_ISP.macs.relay4, 'dev', 'eth0', 'nud', 'permanent'));
      await mustRun(ipIn(names.peers, 'route', 'add', 'default', 'via', UNDERLAY_ISP.uplink.relay4, 'dev', 'eth0'));
      relay = await startRelay(kind, names.isp, base);
      brokers.push(await NetnsSockets.open(names.router), await NetnsSockets.open(names.peers));
      return new UnderlayIsp(kind, names, relay, brokers[0], brokers[1]);
    } catch (e) {
      for (const b of brokers) await b.close();
      relay?.kill('SIGKILL');
      for (const ns of made) await deleteNetns(ns);
      throw new Error(`underlay lab (${kind}): ${(e as Error).message}`);
    }
  }

  /** A mark in the relay's output: what it prints from now on is relayLogSince(mark). */
  relayLogMark(): number {
    return this.relayLogCut + this.relayLog.length;
  }

  relayLogSince(mark: number): string {
    return this.relayLog.slice(Math.max(0, mark - this.relayLogCut));
  }

  /** The relay's process id (tests: it must end with close() or with this process). */
  get relayPid(): number | undefined {
    return this.relay.pid;
  }

  /** Whether the relay still runs (a dead relay fails the next test's lab, named). */
  get relayRunning(): boolean {
    return this.relay.exitCode === null && this.relay.signalCode === null;
  }

  /** Stops the relay and the brokers, removes the namespaces. */
  async close(): Promise<void> {
    await this.routerSide.close();
    await this.peerSide.close();
    if (this.relayRunning) {
      const exited = new Promise<void>((r) => this.relay.once('exit', () => r()));
      this.relay.kill('SIGTERM');
      const t = setTimeout(() => this.relay.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
    for (const ns of Object.values(this.names)) await deleteNetns(ns);
  }
}

async function startRelay(kind: UnderlayKind, netns: string, lab: string): Promise<ChildProcess> {
  const argv = [
    ...WITH_PARENT, 'ip', 'netns', 'exec', netns, process.execPath, '--import', fileURLToPath(import.meta.resolve('tsx')), RELAY_PROCESS_FILE,
    '--if', 'r6', '--mac', UNDERLAY_ISP.macs.relay6, '--config', JSON.stringify(relayConfig(kind)),
    '--uplink', 'p4', '--uplink-mac', UNDERLAY_ISP.macs.relay4, '--uplink-next-hop-mac', UNDERLAY_ISP.macs.peers, '--uplink-address', UNDERLAY_ISP.uplink.relay4,
    '--lab', lab,
  ];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`relay ${why}: ${out.trim().slice(-600)}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (!out.split('\n').some((l) => l.startsWith('{"ready"'))) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null, signal: string | null) => fail(`exited (${signal ?? code}) before ready`);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', onExit);
  });
  return child;
}

/** Namespaces `l2u<pid>…` whose owner process has ended (a killed worker's): ours by name, removed. */
async function removeLeftovers(): Promise<void> {
  for (const ns of await listNetns()) {
    const m = new RegExp(`^${PREFIX}(\\d+)[im]-[rip]$`).exec(ns);
    if (m && Number(m[1]) !== process.pid && processStartTime(Number(m[1])) === undefined) await deleteNetns(ns);
  }
}

/** This process's ISPs, one per kind, built on first use (a worker runs one test at a time). */
const shared = new Map<UnderlayKind, Promise<UnderlayIsp>>();

export async function underlayIsp(kind: UnderlayKind): Promise<UnderlayIsp> {
  let p = shared.get(kind);
  if (p) {
    const isp = await p.catch(() => undefined);
    if (isp?.relayRunning) return isp;
    shared.delete(kind);
    await isp?.close();
  }
  p = UnderlayIsp.open(kind);
  shared.set(kind, p);
  p.catch(() => shared.delete(kind));
  return p;
}

/** Drops this process's ISPs (a worker's teardown). */
export async function closeUnderlayIsps(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  for (const p of all) await (await p.catch(() => undefined))?.close();
}
