// The seed's L2MS arrangement end to end in network namespaces (topologies/seed/l2ms-pass-through.yaml,
// `lab up --netns`): a Linux host at HQ sends L2MS frames (a discovery query, as a manager would),
// the host at the remote site answers; both LANs are captured (libpcap agents in the hosts'
// namespaces) and the frames must arrive unchanged: the same whole bytes at both ends, and tshark
// reading both captures prints the same L2MS frames. l2msAcrossNetnsLab takes its lab down whatever
// happens; l2msExchange runs on a lab someone else brought up (the `lab up --netns` CLI).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Capture } from '../../drivers/capture/index.ts';
import { NamespaceHost } from '../../drivers/hosts/index.ts';
import { labDown, labUp, type HostAccess, type LabState } from '../../drivers/lab/index.ts';
import { buildEthernetFrame } from '../../reference-impl/capture/ip.ts';
import { discoveryAnswer, discoveryQuery, isL2msFrame, L2MS_WIRE } from '../../reference-impl/l2ms/index.ts';
import { RouterConsole, waitForEstablished } from './lab-console.ts';

const READY_TIMEOUT_MS = 20_000;
const ESTABLISH_TIMEOUT_MS = 15_000;
const FRAME_TIMEOUT_MS = 10_000; // a loaded 2-core host delays the routers' LAN captures by seconds at times
const WARM_UP_MS = 15_000;

export interface L2msAcrossResult {
  /** The L2MS frames each host sent, hex, in order. */
  readonly sent: { readonly hq: readonly string[]; readonly remote: readonly string[] };
  /** Whole bytes of every L2MS frame captured on each LAN, in order. */
  readonly captured: { readonly hq: readonly string[]; readonly remote: readonly string[] };
  /** tshark's reading of each LAN's capture (`eth.src eth.dst eth.type data`), one line per L2MS frame. */
  readonly tshark: { readonly hq: readonly string[]; readonly remote: readonly string[] };
  readonly evidence: { readonly name: string; readonly path: string }[];
  readonly routerLogs: string;
  readonly timing: Record<string, number>;
}

const hex = (f: Uint8Array) => Buffer.from(f).toString('hex');

/** tshark's reading of the L2MS frames in a pcap file (`eth.src eth.dst eth.type data`), one line each. */
export function tsharkL2ms(file: string): string[] {
  const filter = `eth.type == 0x${L2MS_WIRE.etherType.toString(16)}`;
  const out = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'eth.src', '-e', 'eth.dst', '-e', 'eth.type', '-e', 'data.data'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l.trim() !== '');
}

/** Where the exchange runs and what it hands back besides its result. */
export interface L2msExchangeOptions {
  dir: string; hq: string; remote: string; ends: readonly { router: string; tunnel: number }[];
  /** Gets the evidence (both LANs' pcaps, the routers' logs) whether the run passed or threw. */
  evidence?: (name: string, file: string, contentType: string) => Promise<void>;
  /** Called once the pseudowire is up, before the first frame (e.g. to start tshark on both LANs). */
  beforeFrames?: (hosts: { hq: HostAccess; remote: HostAccess }) => Promise<void>;
}

/**
 * Brings the topology up in namespaces (drivers/lab labUp), runs the L2MS exchange between the
 * hosts `hq` and `remote` (l2msExchange), takes the lab down. `dir`: evidence and state.
 */
export async function l2msAcrossNetnsLab(topologyFile: string, o: L2msExchangeOptions & { routerArgs?: string[] }): Promise<L2msAcrossResult> {
  const started = Date.now();
  const stateFile = path.join(o.dir, 'lab-state.json');
  let state: LabState | undefined;
  try {
    state = await labUp(topologyFile, { mode: 'netns', stateFile, readyTimeoutMs: READY_TIMEOUT_MS, routerArgs: o.routerArgs ?? [] });
    const labUpMs = Date.now() - started;
    const r = await l2msExchange(state, o);
    return { ...r, timing: { labUpMs, ...r.timing } };
  } finally {
    if (state) await labDown(state, { stateFile });
  }
}

/**
 * On a lab that is up (made by labUp or by the `lab up --netns` CLI): waits for the pseudowire,
 * sends the L2MS exchange between the hosts `hq` and `remote`, captures both LANs. The lab stays up.
 */
export async function l2msExchange(lab: LabState, o: L2msExchangeOptions): Promise<L2msAcrossResult> {
  const started = Date.now();
  const timing: Record<string, number> = {};
  const consoles: RouterConsole[] = [];
  const captures: Capture[] = [];
  try {
    consoles.push(...(await Promise.all(lab.routers.filter((r) => o.ends.some((e) => e.router === r.name)).map((r) => RouterConsole.open(r)))));
    const up = await waitForEstablished(consoles, o.ends, ESTABLISH_TIMEOUT_MS);
    if (!up.ok) throw new Error(`the pseudowire did not come up within ${ESTABLISH_TIMEOUT_MS} ms`);
    timing.establishedMs = Date.now() - started;
    const host = (name: string) => {
      const h = lab.hosts.find((x) => x.name === name);
      if (!h) throw new Error(`the lab made no host ${name}`);
      return h;
    };
    const [hq, remote] = [host(o.hq), host(o.remote)];
    await o.beforeFrames?.({ hq, remote });
    // one capture agent per LAN only observes (it sees the host's own frames leave too); another injects
    const [capHq, capRemote, injHq, injRemote] = await Promise.all([hq, remote, hq, remote].map((h) => Capture.start({ iface: h.iface, netns: h.netns })));
    captures.push(capHq, capRemote, injHq, injRemote);
    const hqMac = await NamespaceHost.attach(hq.netns, hq.iface).macAddress();
    const remoteMac = await NamespaceHost.attach(remote.netns, remote.iface).macAddress();
    // HQ host as a manager would: a query to the L2MS group address; the remote host answers it
    const query = discoveryQuery(hqMac, 0x5151);
    const answer = discoveryAnswer(query, { mac: remoteMac, model: 'SWX2310P' });
    // warm-up: a non-L2MS marker until one crosses (the lab's links and the routers' LAN captures are live)
    await warmUp(injHq, capRemote, hqMac);
    timing.warmUpMs = Date.now() - started;
    await injHq.inject(query);
    await capRemote.waitForFrame((f) => hex(f) === hex(query), FRAME_TIMEOUT_MS, { what: 'the L2MS query at the remote site' });
    await injRemote.inject(answer);
    await capHq.waitForFrame((f) => hex(f) === hex(answer), FRAME_TIMEOUT_MS, { what: 'the L2MS answer at HQ' });
    // both frames are on both LANs once the last one arrived: the other LAN saw it leave first
    await capRemote.waitForFrame((f) => hex(f) === hex(answer), FRAME_TIMEOUT_MS, { what: 'the L2MS answer leaving the remote host' });
    await capHq.waitForFrame((f) => hex(f) === hex(query), FRAME_TIMEOUT_MS, { what: 'the L2MS query leaving the HQ host' });
    timing.framesMs = Date.now() - started;
    const evidence = [
      { name: `${o.hq} LAN.pcap`, path: capHq.writePcap(path.join(o.dir, 'hq-lan.pcap')) },
      { name: `${o.remote} LAN.pcap`, path: capRemote.writePcap(path.join(o.dir, 'remote-lan.pcap')) },
    ];
    const l2ms = (c: Capture) => c.frames.map((f) => f.data).filter(isL2msFrame).map(hex);
    return {
      sent: { hq: [hex(query)], remote: [hex(answer)] },
      captured: { hq: l2ms(capHq), remote: l2ms(capRemote) },
      tshark: { hq: tsharkL2ms(evidence[0].path), remote: tsharkL2ms(evidence[1].path) },
      evidence,
      routerLogs: lab.routers.map((r) => `== ${r.name} (${r.model} ${r.firmware})\n${readLog(r.log)}`).join('\n'),
      timing,
    };
  } finally {
    if (o.evidence) {
      for (const [c, name] of [[captures[0], `${o.hq} LAN`], [captures[1], `${o.remote} LAN`]] as const) {
        if (c) await o.evidence(`${name}.pcap`, c.writePcap(path.join(o.dir, `${name.replace(/\W+/g, '-')}-evidence.pcap`)), 'application/vnd.tcpdump.pcap');
      }
      const logs = path.join(o.dir, 'router-logs.txt');
      writeFileSync(logs, lab.routers.map((r) => `== ${r.name} (${r.model} ${r.firmware})\n${readLog(r.log)}`).join('\n'));
      await o.evidence('router logs.txt', logs, 'text/plain');
    }
    for (const c of captures) await c.stop().catch(() => undefined);
    for (const c of consoles) await c.close();
  }
}

/** Sends a broadcast marker (IEEE local experimental EtherType 1, not L2MS) each second until one arrives; bounded. */
async function warmUp(from: Capture, to: Capture, srcMac: string): Promise<void> {
  const end = Date.now() + WARM_UP_MS;
  for (let i = 0; ; i++) {
    const marker = buildEthernetFrame({ src: srcMac, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x88b5, payload: new TextEncoder().encode(`l2ms-warm-up-${i}`.padEnd(46, '.')) });
    await from.inject(marker);
    try {
      await to.waitForFrame((f) => hex(f) === hex(marker), 1000, { what: 'the warm-up marker at the remote site' });
      return;
    } catch (e) {
      if (Date.now() >= end) throw new Error(`no warm-up marker crossed the lab within ${WARM_UP_MS} ms: ${(e as Error).message}`);
    }
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '(no log)';
  }
}
