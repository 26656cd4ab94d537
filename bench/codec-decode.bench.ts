// Benchmark (issue 2 point 5): decode a capture of at least 100 000 L2TPv3 packets with our
// decoder and with `tshark -r` on the same file, in the same run; print packets/s and the ratio.
// Target: ours at least 20x tshark. Not a test: figures are printed, nothing asserts on time.
//   npm run bench:codec [-- --packets N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCapture, findL2tp, formatDecodedPacket, LINKTYPE, readCaptureFile, writePcap, type CaptureRecord } from '../reference-impl/capture/index.ts';
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

function best(f: () => Speed): Speed {
  f(); // warm-up (JIT)
  const runs = [f(), f(), f()];
  return { wall: Math.max(...runs.map((r) => r.wall)), cpu: Math.max(...runs.map((r) => r.cpu)) };
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

const fmt = (s: Speed): string => `${Math.round(s.wall).toLocaleString('en')} packets/s wall, ${Math.round(s.cpu).toLocaleString('en')} packets/s of CPU`;
let headline: Speed | undefined;
// Wall-clock figures depend on what else the machine runs; CPU-time figures much less.
for (const [name, records] of [['l2vpn traffic', traffic()], ['control-heavy', controlHeavy()]] as const) {
  const file = join(outDir, `codec-decode-${name.replace(/\W+/g, '-')}.pcap`);
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  const nControl = records.filter((r) => isControlFrame(r.data)).length;
  const ours = best(() => timeOurs(file, false));
  const oursText = best(() => timeOurs(file, true));
  const tshark = timeTshark(file, records.length);
  const ratio = { wall: ours.wall / tshark.wall, cpu: ours.cpu / tshark.cpu };
  headline ??= ratio;
  console.log(`\n${name}: ${file}, ${records.length} L2TPv3 packets (${nControl} control, ${records.length - nControl} data)`);
  console.log(`  ours (decode to typed values):      ${fmt(ours)} (best of 3)`);
  console.log(`  ours (decode + one text line each): ${fmt(oursText)} (best of 3)`);
  console.log(`  tshark -r:                          ${fmt(tshark)}`);
  console.log(`  ratio: ${ratio.wall.toFixed(1)}x wall, ${ratio.cpu.toFixed(1)}x CPU (with text lines: ${(oursText.wall / tshark.wall).toFixed(1)}x wall, ${(oursText.cpu / tshark.cpu).toFixed(1)}x CPU)`);
}
const h = headline ?? { wall: 0, cpu: 0 };
console.log(`\ntarget: ours >= 20x tshark on l2vpn traffic: ${h.cpu >= 20 ? 'met' : 'NOT met'} by CPU time (${h.cpu.toFixed(1)}x), ${h.wall >= 20 ? 'met' : 'NOT met'} by wall time (${h.wall.toFixed(1)}x)`);
