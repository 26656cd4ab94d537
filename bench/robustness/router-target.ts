// Target: the emulated router as its own process (started the lab's way, bench/router/processes.ts
// over drivers/lab/router-launch.ts), sent mutated L2TPv3 packets over real UDP on loopback from
// its tunnel peer's address and from a stranger's, at a bounded rate. After each batch a liveness
// probe (`show status l2tp` over SSH, bounded) must be answered; at the end one canonical packet
// per class of bad input must bring the catalogue line the oracle predicts for it, exactly, in the
// syslog the router sends over UDP (drivers/syslog collector). Crash: the process exits or prints
// a stack trace; hang: a probe goes unanswered.
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { CliSession } from '../../drivers/cli/session.ts';
import { SyslogCollector } from '../../drivers/syslog/collector.ts';
import { decodeControlMessage, packetKind } from '../../reference-impl/l2tpv3/index.ts';
import { SYSLOG_CATALOGUE, syslogPattern, type SyslogId } from '../../reference-impl/syslog/catalogue.ts';
import { routerConfig } from '../../drivers/dut/lab-config.ts';
import { cliLoginLines, sshAdminCli } from '../../drivers/dut/router-cli.ts';
import { freeUdpPort } from '../../drivers/dut/router-process.ts';
import { BenchRouter } from '../router/processes.ts';
import { codecCorpus } from './codec-target.ts';
import { rssMb, sampleMemory, type MemorySample } from './memory.ts';
import { mutateBytes, Rng } from './mutate.ts';
import { classProbes, expectedLines } from './router-probes.ts';
import type { TargetResult } from './target.ts';

const MODEL = 'RTX1210';
const FIRMWARE = '14.01.26';
const PEER = '127.0.0.2';
const STRANGER = '127.0.0.3';
// Throwaway lab credentials of the emulated router (cliLoginLines' values, drivers/dut/router-cli.ts).
const LOGIN = { user: 'suite', password: 'suite-login-pw-41', adminPassword: 'suite-admin-pw-41' };

export interface RouterTargetOptions {
  count: number;
  seed: number;
  /** packets per second, at most */
  rate: number;
  /** packets between liveness probes */
  batch: number;
  log?: (line: string) => void;
  /** bound on each liveness probe */
  probeTimeoutMs?: number;
}

export interface RouterTargetResult extends TargetResult {
  /** one line per class probe: the class, the line expected, whether it came */
  probes: { name: string; expected: string; seen: boolean }[];
  /** the router process's own memory (VmRSS) at start, each quarter and end, and its peak (VmHWM) */
  routerRssMb: number[];
  routerPeakRssMb: number;
}

/** The oracle's class of a packet from the peer: the decoder's verdict, as the router's node reads it. */
function classOf(bytes: Uint8Array): { cls: string; id?: SyslogId } {
  const kind = packetKind(bytes, 'udp');
  if (typeof kind !== 'string') return { cls: 'too-short', id: kind.syslog };
  if (kind === 'data') return bytes.length >= 2 && (bytes[1] & 0x0f) !== 3 ? { cls: 'data:wrong-version', id: 'wrongVersionHeader' } : { cls: 'data' };
  const d = decodeControlMessage(bytes, 'udp');
  if (d.ok) return { cls: 'control:ok' };
  // an unknown mandatory AVP leaves a message the node routes: its line depends on the connection
  if (d.message) return { cls: 'control:unknown-mandatory-avp' };
  return { cls: `control:${d.error.kind}`, id: d.error.syslog };
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

async function bind(address: string, port: number): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, address, () => resolve());
  });
  s.on('message', () => undefined); // the router's answers (SCCRP, StopCCN, ACK) are drained
  return s;
}

export async function runRouterTarget(o: RouterTargetOptions): Promise<RouterTargetResult> {
  const log = o.log ?? (() => undefined);
  const probeTimeoutMs = o.probeTimeoutMs ?? 10_000;
  const rng = new Rng(o.seed);
  const corpus = codecCorpus(400, o.seed).filter((s) => s.transport === 'udp').map((s) => s.bytes);
  const collector = await SyslogCollector.start();
  const port = await freeUdpPort();
  const config = routerConfig([{ n: 1, peer: PEER }], collector.address.port, { extra: cliLoginLines() });
  const memory: MemorySample[] = [sampleMemory('start')];
  const routerRss: number[] = [];
  const outcomes: Record<string, number> = {};
  const expectedIds = new Set<SyslogId>();
  const reproducers: string[] = [];
  let crashes = 0;
  let hangs = 0;
  let sent = 0;
  let slowest = 0;
  let peak = memory[0].rssMb;
  const t0 = performance.now();
  const router = await BenchRouter.start({ model: MODEL, firmware: FIRMWARE, config, wan: '127.0.0.1', l2tpPort: port }, 60_000);
  collector.name('127.0.0.1', 'router');
  const sockets = { [PEER]: await bind(PEER, port), [STRANGER]: await bind(STRANGER, port) };
  let cli: CliSession | undefined;
  const alive = (): boolean => router.child.exitCode === null && router.child.signalCode === null;
  /** `show status l2tp` answered within the bound (a new session if the old one dropped). */
  const probe = async (): Promise<boolean> => {
    const s = performance.now();
    try {
      cli ??= await bounded(sshAdminCli({ ...router.ready.ssh, ...LOGIN }), probeTimeoutMs, 'SSH login');
      await bounded(cli.run('show status l2tp'), probeTimeoutMs, 'show status l2tp');
      slowest = Math.max(slowest, performance.now() - s);
      return true;
    } catch (e) {
      reproducers.push(`router: liveness probe after ${sent} packets failed: ${(e as Error).message}`);
      await cli?.close().catch(() => undefined);
      cli = undefined;
      return false;
    }
  };
  try {
    routerRss.push(mb(router.memory().rss));
    if (!(await probe())) throw new Error('the router did not answer its first probe');
    while (sent < o.count && alive()) {
      const batchStart = performance.now();
      const n = Math.min(o.batch, o.count - sent);
      for (let k = 0; k < n; k++) {
        const from = rng.chance(0.05) ? STRANGER : PEER;
        const bytes = sent % 16 === 0 ? rng.bytes(rng.int(64)) : mutateBytes(rng.pick(corpus), rng, rng.pick(corpus));
        const c = from === PEER ? classOf(bytes) : { cls: 'stranger' };
        outcomes[c.cls] = (outcomes[c.cls] ?? 0) + 1;
        if (c.id) expectedIds.add(c.id);
        sockets[from].send(bytes, port, '127.0.0.1');
        sent++;
        if (sent === o.count >> 1) memory.push(sampleMemory('middle'));
        // the router's RSS at each quarter: growth that levels off is heap sizing, growth that does not is a leak
        if (sent % Math.max(1, Math.floor(o.count / 4)) === 0 && sent < o.count) routerRss.push(mb(router.memory().rss));
      }
      // pacing: a batch takes at least batch/rate seconds
      const due = batchStart + (n / o.rate) * 1000 - performance.now();
      if (due > 0) await sleep(due);
      peak = Math.max(peak, rssMb());
      if (!alive()) break;
      if (!(await probe())) {
        hangs++;
        break;
      }
      if (sent % (o.batch * 20) === 0) log(`  router: ${sent}/${o.count} packets sent, probes answered`);
    }
    if (!alive()) {
      crashes++;
      reproducers.push(`router: process exited (${router.child.exitCode ?? router.child.signalCode}) after ${sent} packets: ${router.output.text.slice(-600)}`);
    }
    // one canonical packet per class: its exact catalogue line, as the oracle predicts it
    const probes: RouterTargetResult['probes'] = [];
    if (alive()) {
      for (const p of classProbes(PEER, STRANGER)) {
        const want = expectedLines(config, MODEL, p)[0];
        if (!want) {
          probes.push({ name: p.name, expected: '(the oracle logs nothing)', seen: true });
          continue;
        }
        // UDP may drop a datagram (either way) while the router works off the flood: up to 3 tries
        let seen = false;
        for (let attempt = 0; attempt < 3 && !seen; attempt++) {
          const mark = collector.mark();
          sockets[p.from as keyof typeof sockets].send(p.bytes, port, '127.0.0.1');
          // the exact line: a line of the same class still coming from the flood's backlog is not it
          const exact = new RegExp(`${want.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
          seen = await collector.waitFor('router', exact, { timeoutMs: 5000, since: mark }).then(() => true, () => false);
        }
        probes.push({ name: p.name, expected: want.text, seen });
        expectedIds.add(want.id as SyslogId);
      }
      if (!(await probe())) hangs++;
    }
    routerRss.push(mb(router.memory().rss));
    const routerPeak = mb(router.memory().peak);
    // every line the router sent, by catalogue entry (a line matching none is a finding)
    const ids = Object.keys(SYSLOG_CATALOGUE) as SyslogId[];
    const patterns = ids.map((id) => [id, syslogPattern(id)] as const);
    const seenIds = new Set<string>();
    for (const e of collector.slice('router')) {
      const text = e.message?.message ?? e.raw;
      if (!text.includes('[L2TP')) continue; // login and other non-L2TP lines are not the catalogue's
      const hit = patterns.find(([, re]) => re.test(text));
      if (hit) seenIds.add(hit[0]);
      else if (reproducers.length < 5) reproducers.push(`router: syslog line from no catalogue entry: ${text}`);
    }
    if (/\n\s+at .+\(.+:\d+:\d+\)/.test(router.output.text)) {
      crashes++;
      reproducers.push(`router: stack trace in its output: ${router.output.text.slice(-800)}`);
    }
    for (const p of probes) if (!p.seen) reproducers.push(`router: class '${p.name}': no syslog line '${p.expected}' within 5 s, 3 times`);
    memory.push(sampleMemory('end'));
    const wanted = [...expectedIds].filter((id) => SYSLOG_CATALOGUE[id].level === 'DEBUG');
    return {
      target: 'router (UDP)', inputs: sent, crashes, hangs, peakRssMb: Math.max(peak, ...memory.map((m) => m.rssMb)), memory, slowestMs: slowest,
      seconds: (performance.now() - t0) / 1000, outcomes, reproducers,
      syslogClasses: [...seenIds].filter((id) => wanted.includes(id as SyslogId)).sort(), syslogMissing: wanted.filter((id) => !seenIds.has(id)),
      probes, routerRssMb: routerRss, routerPeakRssMb: routerPeak,
    };
  } finally {
    await cli?.close().catch(() => undefined);
    for (const s of Object.values(sockets)) s.close();
    await router.stop();
    await collector.close();
  }
}
