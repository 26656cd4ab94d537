// Issue 17 point 3, `decode` at the edges: it streams (memory bounded whatever the file's size:
// checked structurally in-process, and as the peak RSS of a child process on two file sizes),
// ends quietly when its reader goes away (`| head -2`), says when it guessed a data layout,
// shows the zero Session ID of control messages over IP as tshark does, and exits 2 with one
// line naming the file for a missing file and for bytes that are not a capture.
import { test, expect } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findL2tp, frameL2tp, LINKTYPE, writePcap, writePcapng, type CaptureRecord, type DecodedPacket } from '../../reference-impl/capture/index.ts';
import { DecodePipeline, MAX_GUESS_NOTES } from '../../reference-impl/capture/decode-pipeline.ts';
import { encodeDataMessage } from '../../reference-impl/l2tpv3/index.ts';
import { sampleCaptureRecords } from '../support/l2tp-sample-capture.ts';
import { tsharkFields, tsharkMissing } from '../support/tshark.ts';

const BIN = resolve('bin', 'l2tpv3-conformance.mjs');
const CAPTURES = resolve('..', 'shared', 'captures');
const STATIC_UDP = resolve(CAPTURES, 'public', 'linux-kernel_l2tpv3-static_udp_ping.pcap');
const IP_SESSION = resolve(CAPTURES, 'synthetic', 'l2tpv3_ip_session.pcap');
const UDP_SESSION = resolve(CAPTURES, 'synthetic', 'l2tpv3_udp_session.pcap');

interface Run { status: number | null; stdout: string; stderr: string }

function decode(args: string[], extraNodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [...extraNodeArgs, BIN, 'decode', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Files go to a folder of our own, not test-results/ (another Playwright run may clear that one).
let dir = '';
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'decode-stream-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
const scratch = (name: string): string => join(dir, name);

const sample = sampleCaptureRecords();
const isControl = (frame: Uint8Array): boolean => {
  const f = findL2tp(LINKTYPE.ETHERNET, frame);
  if (!f.found) return false;
  const p = f.value.payload;
  return f.value.transport === 'udp' ? (p[0] & 0x80) !== 0 : p.subarray(0, 4).every((x) => x === 0);
};
const control = sample.filter((r) => isControl(r.data));
const data = sample.filter((r) => !isControl(r.data));

/** A pcap of at least `bytes` octets: the sample's control exchange, then its data packets over and over, written a block at a time. */
function writeLargeCapture(file: string, bytes: number): number {
  const head = writePcap(control, LINKTYPE.ETHERNET);
  const block = writePcap(Array.from({ length: 8000 }, (_, i) => data[i % data.length]), LINKTYPE.ETHERNET).subarray(24);
  const fd = openSync(file, 'w');
  let size = 0;
  let records = control.length;
  try {
    size += writeSync(fd, head);
    while (size < bytes) {
      size += writeSync(fd, block);
      records += 8000;
    }
  } finally {
    closeSync(fd);
  }
  return records;
}

test('the pipeline holds at most one chunk and one record, whatever the capture size (pcap and pcapng, 64 KiB chunks)', () => {
  const CHUNK = 64 * 1024;
  for (const format of ['pcap', 'pcapng'] as const) {
    const records: CaptureRecord[] = [...control, ...Array.from({ length: 20_000 }, (_, i) => data[i % data.length])];
    const bytes = format === 'pcap' ? writePcap(records, LINKTYPE.ETHERNET) : writePcapng(records, LINKTYPE.ETHERNET);
    const largestRecord = Math.max(...records.map((r) => r.data.length)) + 32; // with its block header and padding
    const p = new DecodePipeline({ fileSize: bytes.length });
    let outBytes = 0;
    for (let o = 0; o < bytes.length; o += CHUNK) outBytes += p.push(bytes.subarray(o, o + CHUNK)).length;
    outBytes += p.end().length;
    expect(p.packets, `${format}: every record is an L2TPv3 packet`).toBe(records.length);
    expect(bytes.length, 'the capture is many chunks long').toBeGreaterThan(30 * CHUNK);
    expect(p.reader.maxHeld, `${format}: held octets`).toBeLessThanOrEqual(CHUNK + largestRecord);
    expect(outBytes).toBeGreaterThan(records.length * 40);
  }
});

test('a child decoding a 4x larger capture peaks at about the same RSS (it streams)', () => {
  test.setTimeout(240_000);
  // Peak RSS of the decode process itself, written when it exits (no tool outside Node needed).
  const probe = `data:text/javascript,${encodeURIComponent("import{writeFileSync as w}from'node:fs';process.on('exit',()=>w(process.env.DECODE_RSS_OUT,String(process.resourceUsage().maxRSS)))")}`;
  const peak: Record<string, number> = {};
  for (const [name, size] of [['small', 24 << 20], ['large', 96 << 20]] as const) {
    const file = scratch(`${name}.pcap`);
    const rssFile = scratch(`${name}.rss`);
    const records = writeLargeCapture(file, size);
    try {
      const r = spawnSync(process.execPath, ['--import', probe, BIN, 'decode', file], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, DECODE_RSS_OUT: rssFile } });
      expect(r.status, r.stderr).toBe(0);
      peak[name] = Number(readFileSync(rssFile, 'utf8')) / 1024;
      test.info().annotations.push({ type: 'peak RSS', description: `${name}: ${records} packets, ${(size / 2 ** 20).toFixed(0)} MiB file: ${peak[name].toFixed(0)} MiB` });
    } finally {
      rmSync(file, { force: true });
    }
  }
  // Holding the file would add its 72 MiB difference (and more for objects); streaming adds next to nothing.
  expect(peak.large - peak.small, `peak RSS ${peak.small.toFixed(0)} MiB -> ${peak.large.toFixed(0)} MiB`).toBeLessThan(40);
});

test('decode big.pcap | head -2: two lines, exit 0, nothing on stderr (EPIPE ends it quietly)', () => {
  const file = scratch('big.pcap');
  writeLargeCapture(file, 8 << 20);
  const r = spawnSync('bash', ['-c', 'set -o pipefail; "$1" "$2" decode "$3" 2>"$4" | head -2; echo "exit=${PIPESTATUS[0]}"', 'bash', process.execPath, BIN, file, `${file}.err`], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^1 UDP .* control SCCRQ/);
  expect(lines[2]).toBe('exit=0');
  expect(readFileSync(`${file}.err`, 'utf8')).toBe('');
});

test('a static-tunnel capture without --cookie-size/--l2ss: one note per session on stderr, guessedLayout in JSON', () => {
  test.skip(!existsSync(STATIC_UDP), `${STATIC_UDP} not found`);
  const r = decode([STATIC_UDP, '--json']);
  expect(r.status).toBe(0);
  const notes = r.stderr.trim().split('\n');
  expect(notes).toEqual([
    'note: session 0x00000001 (data to 192.168.1.2): no control message in the capture gives its data layout; guessed no cookie, no L2-Specific Sublayer (set it with --cookie-size and --l2ss)',
    'note: session 0x00000001 (data to 192.168.1.1): no control message in the capture gives its data layout; guessed no cookie, no L2-Specific Sublayer (set it with --cookie-size and --l2ss)',
  ]);
  const packets = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as DecodedPacket);
  expect(packets.length).toBeGreaterThan(0);
  for (const p of packets) expect(p.data?.guessedLayout, `frame ${p.frame}`).toEqual({ cookieLength: 0, l2ss: 'none' });
  // Half set: the other half is still a guess, and says so.
  const half = decode([STATIC_UDP, '--cookie-size', '0', '--json']);
  expect(half.stderr).toContain('guessed no cookie, no L2-Specific Sublayer');
  // Both set (what captures/README.md says this capture needs): no note, no field, and the right inner addresses.
  const set = decode([STATIC_UDP, '--cookie-size', '0', '--l2ss', 'default', '--json']);
  expect(set.stderr).toBe('');
  for (const l of set.stdout.trim().split('\n')) expect((JSON.parse(l) as DecodedPacket).data?.guessedLayout).toBeUndefined();
});

test('a capture whose control exchange announces every layout: no note', () => {
  test.skip(!existsSync(UDP_SESSION), `${UDP_SESSION} not found`);
  const r = decode([UDP_SESSION]);
  expect(r.status).toBe(0);
  expect(r.stdout.split('\n').filter((l) => l.includes(' data ')).length, 'the capture has data packets').toBeGreaterThan(0);
  expect(r.stderr).toBe('');
});

test(`more than ${MAX_GUESS_NOTES} guessed sessions: ${MAX_GUESS_NOTES} notes, then one line saying the rest are not listed`, () => {
  const records: CaptureRecord[] = Array.from({ length: 40 }, (_, i) => ({
    timestampUs: i,
    data: frameL2tp({ transport: 'udp', src: '198.51.100.1', dst: '198.51.100.2', payload: encodeDataMessage({ sessionId: 0x100 + i, cookie: new Uint8Array(0), l2ss: null, payload: new Uint8Array(60) }, 'udp') }),
  }));
  const file = scratch('many-sessions.pcap');
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  const r = decode([file]);
  const notes = r.stderr.trim().split('\n');
  expect(notes).toHaveLength(MAX_GUESS_NOTES + 1);
  expect(notes[0]).toMatch(/^note: session 0x00000100 \(data to 198\.51\.100\.2\)/);
  expect(notes[MAX_GUESS_NOTES]).toMatch(new RegExp(`^note: more than ${MAX_GUESS_NOTES} sessions`));
  expect(r.stdout.trim().split('\n')).toHaveLength(40);
});

test('control messages over IP show the zero Session ID, as tshark does (l2tp.sid 0x00000000); over UDP they do not', () => {
  test.skip(!existsSync(IP_SESSION) || !existsSync(UDP_SESSION), 'synthetic session captures not found');
  const ip = decode([IP_SESSION, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as DecodedPacket);
  const ipControl = ip.filter((p) => p.control);
  expect(ipControl.length).toBeGreaterThan(0);
  for (const p of ipControl) expect(Object.keys(p.control ?? {})[0], `frame ${p.frame}: the Session ID comes first, as on the wire`).toBe('sessionId');
  const text = decode([IP_SESSION]).stdout.split('\n').filter((l) => l.includes(' control '));
  for (const l of text) expect(l).toMatch(/ control \S+ session=0x00000000 ccid=0x[0-9a-f]{8} /);
  const udp = decode([UDP_SESSION, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as DecodedPacket);
  for (const p of udp.filter((x) => x.control)) expect(p.control && 'sessionId' in p.control, `frame ${p.frame}`).toBe(false);
  if (tsharkMissing() !== null) {
    test.info().annotations.push({ type: 'skip-part', description: `tshark comparison not run: ${tsharkMissing()}` });
    return;
  }
  const theirs = tsharkFields(IP_SESSION, ['l2tp.sid', 'l2tp.ccid']);
  for (const p of ipControl) expect([p.frame, theirs.get(p.frame)?.get('l2tp.sid')]).toEqual([p.frame, [`0x${(p.control?.sessionId ?? -1).toString(16).padStart(8, '0')}`]]);
  const theirsUdp = tsharkFields(UDP_SESSION, ['l2tp.sid', 'l2tp.ccid']);
  for (const p of udp.filter((x) => x.control)) expect(theirsUdp.get(p.frame)?.get('l2tp.sid') ?? [], `frame ${p.frame}: tshark shows no Session ID over UDP`).toEqual([]);
});

test('exit codes: a missing file and a file that is not a capture are exit 2 with one line naming the file (and the offset)', () => {
  const missing = decode([scratch('nope.pcap')]);
  expect(missing.status).toBe(2);
  expect(missing.stdout).toBe('');
  expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  expect(missing.stderr).toMatch(/^l2tpv3-conformance decode: .*nope\.pcap.*no such file/);

  const notCapture = scratch('notes.txt');
  writeFileSync(notCapture, 'these are not packets\n');
  const text = decode([notCapture]);
  expect(text.status).toBe(2);
  expect(text.stderr.trim().split('\n')).toEqual([`l2tpv3-conformance decode: ${notCapture}: offset 0: unknown magic number 0x74686573 (not pcap or pcapng)`]);

  const binary = scratch('random.bin');
  writeFileSync(binary, Uint8Array.from({ length: 4096 }, (_, i) => (i * 73 + 11) & 0xff));
  const bin = decode([binary]);
  expect(bin.status).toBe(2);
  expect(bin.stderr.trim().split('\n')).toHaveLength(1);
  expect(bin.stderr).toMatch(/random\.bin: offset \d+: /);

  const unknownFlag = decode([binary, '--jsno']);
  expect(unknownFlag.status).toBe(2);
  expect(unknownFlag.stderr).toContain('--json');
  expect(decode(['--help']).stdout).toContain('--secret-env VAR');
});

test('--secret-env: an unset variable is exit 2 naming it; a set one checks the digests', () => {
  const file = resolve(CAPTURES, 'synthetic', 'l2tpv3_udp_auth_md5.pcap');
  test.skip(!existsSync(file), `${file} not found`);
  const unset = decode([file, '--secret-env', 'DECODE_STREAM_UNSET_VAR']);
  expect(unset.status).toBe(2);
  expect(unset.stderr).toContain('DECODE_STREAM_UNSET_VAR');
  const ok = execFileSync(process.execPath, [BIN, 'decode', file, '--secret-env', 'DECODE_STREAM_SECRET'], { encoding: 'utf8', env: { ...process.env, DECODE_STREAM_SECRET: 's3cret' } });
  expect(ok).toContain('digest=valid');
});

test('FILE - reads the capture from stdin: the same output; a cut one is exit 2 naming stdin and the offset', () => {
  test.skip(!existsSync(UDP_SESSION), `${UDP_SESSION} not found`);
  const bytes = readFileSync(UDP_SESSION);
  const fromFile = decode([UDP_SESSION]);
  const piped = spawnSync(process.execPath, [BIN, 'decode', '-'], { input: bytes, encoding: 'utf8' });
  expect(piped.status).toBe(0);
  expect(piped.stdout).toBe(fromFile.stdout);
  const cut = spawnSync(process.execPath, [BIN, 'decode', '-'], { input: bytes.subarray(0, bytes.length - 7), encoding: 'utf8' });
  expect(cut.status).toBe(2);
  expect(cut.stderr).toMatch(/^l2tpv3-conformance decode: stdin: offset \d+: record of \d+ octets runs past the end of the file/);
});
