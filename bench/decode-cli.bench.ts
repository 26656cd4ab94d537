// Benchmark (issue 17 point 3, "What must be shown" 4): `decode` as a whole process against
// `tshark -r FILE -T fields -e ...` on the same file. Two generated captures of 300 000 packets
// (from the Wireshark-agreement sample: every message type, hidden AVPs, digests, every data
// layout): "l2vpn traffic" (the control exchange, then data with a HELLO/ACK pair every 1000
// packets) and "mostly control" (the whole sample over and over: three quarters control).
// Timed: the decode process from the cached bundle (cli/decode-bundle.ts), text and --json,
// the same through bin/ (tsx), and tshark printing the fields decode prints. Printed: wall and
// CPU seconds (user + system of the child, from GNU time), peak RSS, and ratios. Targets: at
// least 5x tshark on l2vpn traffic and 3x on mostly-control traffic, judged by CPU time (the
// machine is shared, so wall time moves with whatever else runs); wall ratios are printed too.
// Not a test: nothing asserts on time.
//   npm run bench:decode [-- --packets N] [-- --runs N] [-- --secret]
//   (--secret: both sides get the shared secret: digests checked, hidden AVPs unhidden)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findL2tp, LINKTYPE, writePcap, type CaptureRecord } from '../reference-impl/capture/index.ts';
import { decodeBundleArgv } from '../cli/decode-bundle.ts';
import { SAMPLE_SECRET, sampleCaptureRecords } from '../tests/support/l2tp-sample-capture.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const target = Number(arg('--packets') ?? 300_000);
const runs = Number(arg('--runs') ?? 3);
const withSecret = process.argv.includes('--secret');
if (!(target >= 1000 && target <= 5_000_000) || !(runs >= 1 && runs <= 20)) {
  console.error('--packets must be between 1000 and 5000000, --runs between 1 and 20');
  process.exit(2);
}
const TIME = '/usr/bin/time';
for (const [tool, why] of [[TIME, 'GNU time (Debian package "time")'], ['tshark', 'tshark']] as const) {
  const ok = tool.startsWith('/') ? existsSync(tool) : spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!ok) {
    console.error(`this benchmark needs ${why}`);
    process.exit(2);
  }
}

const sample = sampleCaptureRecords();
const isControl = (frame: Uint8Array): boolean => {
  const f = findL2tp(LINKTYPE.ETHERNET, frame);
  if (!f.found) return false;
  const p = f.value.payload;
  return f.value.transport === 'udp' ? (p[0] & 0x80) !== 0 : p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0;
};
const control = sample.filter((r) => isControl(r.data));
const data = sample.filter((r) => !isControl(r.data));

function l2vpnTraffic(): CaptureRecord[] {
  const out: CaptureRecord[] = sample.map((r) => ({ ...r }));
  let t = out[out.length - 1].timestampUs;
  for (let i = 0; out.length < target; i++) out.push({ timestampUs: (t += 10), data: (i % 1000 === 999 ? control[i % control.length] : data[i % data.length]).data });
  return out;
}

function mostlyControl(): CaptureRecord[] {
  const out: CaptureRecord[] = [];
  for (let round = 0; out.length < target; round++) for (const r of sample) if (out.length < target) out.push({ timestampUs: r.timestampUs + round * 1_000_000, data: r.data });
  return out;
}

/** The fields decode's text line carries, as tshark names them (l2tpv3-protocol-facts.md §6.3). */
const TSHARK_FIELDS = [
  'frame.number', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'udp.srcport', 'udp.dstport', 'l2tp.sid', 'l2tp.ccid', 'l2tp.Ns', 'l2tp.Nr',
  'l2tp.avp.message_type', 'l2tp.avp.type', 'l2tp.avp.mandatory', 'l2tp.avp.hidden', 'l2tp.cookie', 'l2tp.l2_spec_sequence', 'eth.src', 'eth.dst', 'eth.type', 'vlan.id',
];

interface Sample { wall: number; cpu: number; rssMiB: number }

/** One run of argv with stdout to /dev/null: wall and CPU seconds and peak RSS from GNU time. */
function timed(argv: string[], env: NodeJS.ProcessEnv = {}): Sample {
  const r = spawnSync(TIME, ['-f', '@@ %e %U %S %M', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, ...env } });
  const m = /@@ ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) {
    console.error(`${argv.join(' ')} failed (exit ${r.status}): ${r.stderr.split('\n').slice(-4).join(' ')}`);
    process.exit(3);
  }
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMiB: Number(m[4]) / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function medianOf(argv: string[], env?: NodeJS.ProcessEnv): Sample {
  const all = Array.from({ length: runs }, () => timed(argv, env));
  return { wall: median(all.map((s) => s.wall)), cpu: median(all.map((s) => s.cpu)), rssMiB: Math.max(...all.map((s) => s.rssMiB)) };
}

const outDir = join('bench', 'out');
mkdirSync(outDir, { recursive: true });
const bundle = await decodeBundleArgv();
const BIN = resolve('bin', 'l2tpv3-conformance.mjs');
const secretEnv = { DECODE_BENCH_SECRET: SAMPLE_SECRET };
const decodeSecret = withSecret ? ['--secret-env', 'DECODE_BENCH_SECRET'] : [];
const tsharkSecret = withSecret ? ['-o', `l2tp.shared_secret:${SAMPLE_SECRET}`] : [];

console.log(`decode as a whole process vs tshark -T fields (${TSHARK_FIELDS.length} fields), ${target} packets per capture, median of ${runs} runs${withSecret ? ', with the shared secret on both sides' : ', no secret on either side'}`);
console.log(`decode bundle: ${bundle.argv[1]}${bundle.built ? ' (built now)' : ' (cached)'}; node ${process.version}`);
const verdicts: string[] = [];
for (const [name, records, goal] of [['l2vpn traffic', l2vpnTraffic(), 5], ['mostly control', mostlyControl(), 3]] as const) {
  const file = join(outDir, `decode-cli-${name.replace(/\W+/g, '-')}.pcap`);
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  const nControl = records.filter((r) => isControl(r.data)).length;
  const rows: [string, Sample][] = [
    ['decode (bundle), text', medianOf([...bundle.argv, file, ...decodeSecret], secretEnv)],
    ['decode (bundle), --json', medianOf([...bundle.argv, file, '--json', ...decodeSecret], secretEnv)],
    ['decode (bin/, tsx), text', medianOf([process.execPath, BIN, 'decode', file, ...decodeSecret], secretEnv)],
    ['tshark -T fields', medianOf(['tshark', '-r', file, ...tsharkSecret, '-T', 'fields', ...TSHARK_FIELDS.flatMap((f) => ['-e', f])])],
  ];
  const ts = rows[rows.length - 1][1];
  console.log(`\n${name}: ${file}, ${records.length} packets (${nControl} control, ${records.length - nControl} data)`);
  for (const [label, s] of rows) {
    const ratio = s === ts ? '' : `  ${(ts.cpu / s.cpu).toFixed(1).padStart(5)}x CPU, ${(ts.wall / s.wall).toFixed(1).padStart(5)}x wall`;
    console.log(`  ${label.padEnd(26)} ${s.wall.toFixed(2).padStart(6)} s wall ${s.cpu.toFixed(2).padStart(6)} s CPU ${s.rssMiB.toFixed(0).padStart(5)} MiB peak RSS${ratio}`);
  }
  for (const [label, s] of rows.slice(0, 2)) {
    const r = ts.cpu / s.cpu;
    verdicts.push(`${name}, ${label}: ${r.toFixed(1)}x tshark by CPU (target ${goal}x: ${r >= goal ? 'met' : 'NOT met'}; by wall ${(ts.wall / s.wall).toFixed(1)}x)`);
  }
}
console.log(`\ntargets (judged by CPU time):\n${verdicts.map((v) => `  ${v}`).join('\n')}`);
