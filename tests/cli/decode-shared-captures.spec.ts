// Issue 2, point 3: `l2tpv3-conformance decode` on every capture in ../shared/captures/ agrees
// with tshark field by field. The per-file options mirror captures/README.md: data-only files
// need the cookie size / sublayer that no control exchange in them announces.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findL2tp, formatMac, readCaptureFile, SessionLayouts, type DecodedPacket } from '../../reference-impl/capture/index.ts';
import { decodeL2tp, type DataLayout } from '../../reference-impl/l2tpv3/index.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../support/tshark.ts';
import { COMPARED_FIELDS, expectedFields } from '../support/tshark-expected.ts';

const CAPTURES = resolve('..', 'shared', 'captures');
const BIN = resolve('bin', 'l2tpv3-conformance.mjs');

interface FileOptions { cli: string[]; prefs: string[]; decodeAs: string[]; layout?: DataLayout; secret?: string }
const DETECT: FileOptions = { cli: [], prefs: [], decodeAs: [] };
const PW_AS_ETH = ['l2tp.pw_type==0,eth'];
// captures/README.md "tshark notes" and the file table.
const OPTIONS: Record<string, FileOptions> = {
  'linux-kernel_l2tpv3-static_udp_ping.pcap': { cli: ['--cookie-size', '0', '--l2ss', 'default'], prefs: ['l2tp.cookie_size:cookie0', 'l2tp.l2_specific:default'], decodeAs: PW_AS_ETH, layout: { cookieLength: 0, l2ss: 'default' } },
  'linux-kernel_l2tpv3-static_ip_ping.pcap': { cli: ['--cookie-size', '0', '--l2ss', 'default'], prefs: ['l2tp.cookie_size:cookie0', 'l2tp.l2_specific:default'], decodeAs: PW_AS_ETH, layout: { cookieLength: 0, l2ss: 'default' } },
  'l2tpv3_udp_data_cookie4.pcap': { cli: ['--cookie-size', '4', '--l2ss', 'none'], prefs: ['l2tp.cookie_size:cookie4', 'l2tp.l2_specific:none'], decodeAs: PW_AS_ETH, layout: { cookieLength: 4, l2ss: 'none' } },
  'l2tpv3_udp_data_cookie4_l2ss.pcap': { cli: ['--cookie-size', '4', '--l2ss', 'default'], prefs: ['l2tp.cookie_size:cookie4', 'l2tp.l2_specific:default'], decodeAs: PW_AS_ETH, layout: { cookieLength: 4, l2ss: 'default' } },
  'l2tpv3_udp_auth_md5.pcap': { cli: ['--secret-env', 'DECODE_TEST_SECRET'], prefs: ['l2tp.shared_secret:s3cret'], decodeAs: [], secret: 's3cret' },
};

const files = existsSync(CAPTURES)
  ? readdirSync(CAPTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => readdirSync(join(CAPTURES, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CAPTURES, d.name, f)))
  : [];

test('the shared captures are there', () => {
  expect(files.length, `capture files under ${CAPTURES}`).toBeGreaterThanOrEqual(8);
});

for (const file of files) {
  const name = file.split('/').pop() ?? file;
  test(`decode ${name} agrees with tshark`, () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const o = OPTIONS[name] ?? DETECT;
    const out = execFileSync(process.execPath, [BIN, 'decode', file, '--json', ...o.cli], { encoding: 'utf8', env: { ...process.env, DECODE_TEST_SECRET: o.secret ?? '' } });
    const ours = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DecodedPacket);
    const theirs = tsharkFields(file, [...COMPARED_FIELDS, 'l2tp.avp.message_type'], { prefs: o.prefs, decodeAs: o.decodeAs });
    const l2tpFrames = [...theirs].filter(([, f]) => f.has('l2tp.ccid') || f.has('l2tp.sid')).map(([n]) => n);
    expect(ours.map((p) => p.frame), 'the same frames are L2TPv3').toEqual(l2tpFrames);
    expect(tsharkMatching(file, '_ws.malformed', o.prefs)).toEqual([]);

    const mismatches: string[] = [];
    const check = (frame: number, field: string, got: string[] | undefined, want: string[]): void => {
      if (JSON.stringify(got ?? []) !== JSON.stringify(want)) mismatches.push(`frame ${frame} ${field}: tshark ${JSON.stringify(got ?? [])}, decode ${JSON.stringify(want)}`);
    };
    // 1. What the CLI prints, against tshark.
    for (const p of ours) {
      const t = theirs.get(p.frame);
      if (p.control) {
        check(p.frame, 'l2tp.ccid', t?.get('l2tp.ccid'), [`0x${p.control.ccid.toString(16).padStart(8, '0')}`]);
        check(p.frame, 'l2tp.Ns', t?.get('l2tp.Ns'), [String(p.control.ns)]);
        check(p.frame, 'l2tp.Nr', t?.get('l2tp.Nr'), [String(p.control.nr)]);
        check(p.frame, 'l2tp.avp.type', t?.get('l2tp.avp.type'), p.control.avps.filter((a) => !a.hidden).map((a) => String(a.type)));
        check(p.frame, 'l2tp.avp.mandatory', t?.get('l2tp.avp.mandatory'), p.control.avps.map((a) => (a.mandatory ? '1' : '0')));
        const mt = p.control.avps.find((a) => a.type === 0 && a.vendorId === 0);
        check(p.frame, 'l2tp.avp.message_type', t?.get('l2tp.avp.message_type'), mt ? [String(mt.value)] : []);
        if (o.secret) expect(p.digest, `frame ${p.frame} digest`).toBe('valid');
      } else if (p.data) {
        check(p.frame, 'l2tp.sid', t?.get('l2tp.sid'), [`0x${p.data.sessionId.toString(16).padStart(8, '0')}`]);
        check(p.frame, 'l2tp.cookie', t?.get('l2tp.cookie'), p.data.cookie ? [p.data.cookie.replace(/:/g, '')] : []);
        check(p.frame, 'l2tp.l2_spec_sequence', t?.get('l2tp.l2_spec_sequence'), p.data.l2ss ? [String(p.data.l2ss.sequence)] : []);
        check(p.frame, 'inner eth.src', t?.get('eth.src')?.slice(1), p.data.ethernet ? [p.data.ethernet.src] : []);
        check(p.frame, 'inner eth.dst', t?.get('eth.dst')?.slice(1), p.data.ethernet ? [p.data.ethernet.dst] : []);
      } else {
        mismatches.push(`frame ${p.frame}: decode rejected it: ${p.error?.detail}`);
      }
    }
    // 2. Every compared field, AVP values included, from the same codec.
    const cap = readCaptureFile(readFileSync(file));
    const layouts = new SessionLayouts();
    cap.records.forEach((r, i) => {
      const f = findL2tp(cap.linkTypes[0], r.data);
      if (!f.found) return;
      const v = f.value;
      const dataLayout = (sid: number): DataLayout | undefined => o.layout ?? layouts.lookup(v.dst, sid);
      const outer = { src: formatMac(r.data.subarray(6, 12)), dst: formatMac(r.data.subarray(0, 6)), type: v.ipVersion === 6 ? '0x86dd' : '0x0800' };
      const want = expectedFields(v.payload, v.transport, { secret: o.secret, dataLayout }, outer, (sid) => layouts.pseudowireType(sid) ?? (o.layout ? 0 : undefined));
      const d = decodeL2tp(v.payload, v.transport, { secret: o.secret });
      if (d.kind === 'control' && d.result.ok) layouts.learn(v.src, d.result.message.avps);
      for (const field of COMPARED_FIELDS) check(i + 1, field, theirs.get(i + 1)?.get(field), want.get(field) ?? []);
    });
    expect(mismatches).toEqual([]);
  });
}

test('decode: a truncated capture is one line naming the file and the offset, exit code 2', () => {
  const file = files.find((f) => f.endsWith('l2tpv3_udp_session.pcap'));
  test.skip(!file, 'shared capture l2tpv3_udp_session.pcap not found');
  const bytes = readFileSync(file as string);
  const cut = test.info().outputPath('cut.pcap');
  execFileSync('sh', ['-c', `head -c ${bytes.length - 7} "$1" > "$2"`, 'sh', file as string, cut]);
  let status = 0;
  let stderr = '';
  try {
    execFileSync(process.execPath, [BIN, 'decode', cut], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status: number; stderr: string };
    status = err.status;
    stderr = err.stderr;
  }
  expect(status).toBe(2);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: offset \\d+: record of \\d+ octets runs past the end of the file`));
});
