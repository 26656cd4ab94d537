// Benchmark (issue 2 point 5): decode a capture of at least 100 000 L2TPv3 packets with our
// decoder and with `tshark -r` on the same file, in the same run; print packets/s and the ratio.
// Target: ours at least 20x tshark. Not a test: figures are printed, nothing asserts on time.
// "Ours" is the fast decoder (reference-impl/capture/fast-decoder.ts: every packet decoded and
// validated strictly into one reused typed packet, digests checked with the secret as tshark is
// given it); the full decoder behind `decode` (typed objects, optionally a text line) is
// printed too. The target is judged by CPU time: the machine is shared, so wall-clock figures
// move with whatever else runs; both ratios are printed.
//   npm run bench:codec [-- --packets N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCapture, findL2tp, formatDecodedPacket, LINKTYPE, readCaptureFile, writePcap, type CaptureRecord } from '../reference-impl/capture/index.ts';
import { FastCaptureDecoder } from '../reference-impl/capture/fast-decoder.ts';
import { PACKET_KIND } from '../reference-impl/capture/fast-packet.ts';
import { SAMPLE_SECRET, sampleCaptureRecords } from '../tests/support/l2tp-sample-capture.ts';

const argIndex = process.argv.indexOf('--packets');
const target = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 100_000;
if (!(target >= 1000 && target <= 5_000_000)) {
  console.error('--packets must be between 1000 and 5000000');
  process.exit(2);
}

// Two captures of at least `target` packets, both built from the Wireshark-agreement sample
// (every message type, hidden AVPs, digests, data of every cookie/L2SS layout):
// - "l2vpn traffic": the sample's control exchange, then its data packets repeated, with a
//   HELLO/ACK pair every 1000 packets: what a capture of a working L2VPN looks like;
// - "control-heavy": the whole sample repeated (three quarters control messages): a worst case.
const sample = sampleCaptureRecords();
const control = sample.filter((r) => isControlFrame(r.data));
const data = sample.filter((r) => !isControlFrame(r.data));

function isControlFrame(frame: Uint8Array): boolean {
  const f = findL2tp(LINKTYPE.ETHERNET, frame);
  if (!f.found) return false;
  const p = f.value.payload;
  return f.value.transport === 'udp' ? (p[0] & 0x80) !== 0 : p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0;
}

function traffic(): CaptureRecord[] {
  const out: CaptureRecord[] = sample.map((r) => ({ ...r }));
  let t = out[out.length - 1].timestampUs;
  for (let i = 0; out.length < target; i++) {
    const r = i % 1000 === 999 ? control[i % control.length] : data[i % data.length];
    out.push({ timestampUs: (t += 10), data: r.data });
  }
  return out;
}

function controlHeavy(): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  for (let round = 0; out.length < target; round++) for (const r of sample) out.push({ timestampUs: r.timestampUs + round * 1_000_000, data: r.data });
  return out;
}

const outDir = join('bench', 'out');
mkdirSync(outDir, { recursive: true });

interface Speed { wall: number; cpu: number } // packets per second of wall-clock and of CPU time

function timeOurs(file: string, withText: boolean): Speed {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const cap = readCaptureFile(readFileSync(file));
  let packets = 0;
  let chars = 0;
  // Every packet decoded to typed values, digests checked with the secret (as tshark is given it).
  for (const p of decodeCapture(cap, { secret: SAMPLE_SECRET })) {
    if (withText) chars += formatDecodedPacket(p).length;
    packets++;
  }
  const c = process.cpuUsage(c0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (packets === 0 || (withText && chars === 0)) throw new Error('nothing decoded');
  return { wall: packets / seconds, cpu: packets / ((c.user + c.system) / 1e6) };
}

/**
 * Fast decoder: the file read and every packet decoded, `passes` times over so that one sample
 * lasts long enough to time (a pass takes tens of milliseconds); the fields are summed so none
 * is left unread.
 */
function timeFast(file: string, passes: number): Speed {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let packets = 0;
  let sum = 0;
  for (let pass = 0; pass < passes; pass++) {
    const d = new FastCaptureDecoder(readFileSync(file), { secret: SAMPLE_SECRET });
    const p = d.packet;
    while (d.next()) {
      packets++;
      if (p.kind === PACKET_KIND.Data) sum += p.sessionId + p.cookieLength + p.l2ssSequence + p.etherType + p.vlanCount + p.bytes[p.cookieOffset] + p.bytes[p.ethOffset + 5];
      else if (p.kind === PACKET_KIND.Control) sum += p.ccid + p.ns + p.nr + p.messageType + p.avpCount + p.avpType[p.avpCount > 0 ? p.avpCount - 1 : 0] + p.digest;
      else sum += p.errorOffset;
    }
  }
  const c = process.cpuUsage(c0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (packets === 0 || sum === 0) throw new Error('nothing decoded');
  return { wall: packets / seconds, cpu: packets / ((c.user + c.system) / 1e6) };
}

/** Median of `runs` samples after one warm-up (JIT), wall and CPU each. */
function median(f: () => Speed, runs = 3): Speed {
  f();
  const all: Speed[] = [];
  for (let i = 0; i < runs; i++) all.push(f());
  const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { wall: mid(all.map((r) => r.wall)), cpu: mid(all.map((r) => r.cpu)) };
}

/** tshark's wall time, and its CPU time from the shell's `times` (children user + system). */
function timeTshark(file: string, n: number): Speed {
  const t0 = process.hrtime.bigint();
  const ts = spawnSync('sh', ['-c', 'tshark -r "$1" -o "l2tp.shared_secret:$2" > /dev/null && times', 'sh', file, SAMPLE_SECRET], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const children = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/m.exec(ts.stdout.trim().split('\n')[1] ?? '');
  if (ts.error || ts.status !== 0 || !children) {
    console.error(`tshark failed: ${ts.error?.message ?? ts.stderr}`);
    process.exit(1);
  }
  const cpu = Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]);
  return { wall: n / seconds, cpu: n / cpu };
}

const fmt = (s: Speed): string => `${Math.round(s.wall).toLocaleString('en').padStart(10)} packets/s wall, ${Math.round(s.cpu).toLocaleString('en').padStart(10)} packets/s of CPU`;
const ratio = (a: Speed, b: Speed): string => `${(a.wall / b.wall).toFixed(1)}x wall, ${(a.cpu / b.cpu).toFixed(1)}x CPU`;
let headline: { cpu: number; wall: number } | undefined;
// Wall-clock figures depend on what else the machine runs; CPU-time figures much less.
for (const [name, records] of [['l2vpn traffic', traffic()], ['control-heavy', controlHeavy()]] as const) {
  const file = join(outDir, `codec-decode-${name.replace(/\W+/g, '-')}.pcap`);
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  const nControl = records.filter((r) => isControlFrame(r.data)).length;
  const fast = median(() => timeFast(file, name === 'l2vpn traffic' ? 10 : 1), 5);
  const full = median(() => timeOurs(file, false));
  const fullText = median(() => timeOurs(file, true));
  const tshark = timeTshark(file, records.length);
  headline ??= { cpu: fast.cpu / tshark.cpu, wall: fast.wall / tshark.wall };
  console.log(`\n${name}: ${file}, ${records.length} L2TPv3 packets (${nControl} control, ${records.length - nControl} data)`);
  const line = (label: string, s: Speed, how = ''): void => console.log(`  ${`${label}:`.padEnd(43)}${fmt(s)}${how}`);
  line('ours, fast decoder (typed fields, reused)', fast, ' (median of 5)');
  line('full decoder (objects, as `decode`)', full, ' (median of 3)');
  line('full decoder + one text line each', fullText, ' (median of 3)');
  line('tshark -r', tshark);
  console.log(`  ratio to tshark: fast ${ratio(fast, tshark)}; full ${ratio(full, tshark)}; full + text ${ratio(fullText, tshark)}`);
}
const h = headline ?? { wall: 0, cpu: 0 };
console.log(`\ntarget: fast decoder >= 20x tshark -r on l2vpn traffic, judged by CPU time: ${h.cpu >= 20 ? 'met' : 'NOT met'} (${h.cpu.toFixed(1)}x CPU; by wall time ${h.wall.toFixed(1)}x, ${h.wall >= 20 ? 'also >= 20x' : 'below 20x'})`);
