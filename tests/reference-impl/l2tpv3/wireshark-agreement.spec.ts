// Issue 2, point 2: the codec agrees with Wireshark. One capture holds every control message
// type with all its AVPs, hidden AVPs, digests with nonces, v2-style challenge, ZLB, explicit
// ACK, and data with cookie 0/4/8 ± L2SS, tagged and untagged, over UDP/IPv4, UDP/IPv6 and
// IP/115. tshark must report, field by field, what our decoder reads.
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import {
  decodeCapture, findL2tp, formatMac, readCaptureFile, SessionLayouts,
} from '../../../reference-impl/capture/index.ts';
import { AVP, decodeL2tp, MESSAGE_TYPES, messageTypeOf } from '../../../reference-impl/l2tpv3/index.ts';
import { SAMPLE_SECRET, sampleCapture } from '../../support/l2tp-sample-capture.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';
import { COMPARED_FIELDS, expectedFields } from '../../support/tshark-expected.ts';

test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');

const RIGHT = [`l2tp.shared_secret:${SAMPLE_SECRET}`];
const WRONG = ['l2tp.shared_secret:not-the-secret'];

function writeSample(): { file: string; bytes: Uint8Array } {
  const file = test.info().outputPath('sample.pcap');
  const bytes = sampleCapture();
  writeFileSync(file, bytes);
  return { file, bytes };
}

test('the sample capture covers every message type with all its mandatory and optional AVPs', () => {
  const { bytes } = writeSample();
  const cap = readCaptureFile(bytes);
  const seen = new Map<number, Set<number>>();
  let hidden = 0, zlb = 0, data = 0;
  const dataKinds = new Set<string>();
  const layouts = new SessionLayouts();
  for (const r of cap.records) {
    const f = findL2tp(cap.linkTypes[0], r.data);
    if (!f.found) continue;
    const d = decodeL2tp(f.value.payload, f.value.transport, { secret: SAMPLE_SECRET, dataLayout: (sid) => layouts.lookup(f.value.dst, sid) });
    expect(d.result.ok, 'our decoder accepts every sample packet').toBe(true);
    if (d.kind === 'control' && d.result.ok) {
      const m = d.result.message;
      layouts.learn(f.value.src, m.avps);
      const t = messageTypeOf(m);
      if (t === undefined) { zlb++; continue; }
      const s = seen.get(t) ?? new Set<number>();
      for (const a of m.avps) { s.add(a.attributeType); if (a.hidden) hidden++; }
      seen.set(t, s);
    } else if (d.kind === 'data' && 'value' in d.result) {
      data++;
      const v = d.result.value;
      dataKinds.add(`${f.value.transport}/v${f.value.ipVersion} cookie${v.cookie.length} ${v.l2ss ? 'l2ss' : 'no-l2ss'}`);
    }
  }
  for (const mt of MESSAGE_TYPES) {
    const got = seen.get(mt.code);
    expect(got, `${mt.name} is in the capture`).toBeDefined();
    for (const a of [...mt.mandatory, ...mt.optional]) expect(got?.has(a), `${mt.name} carries AVP ${a}`).toBe(true);
  }
  expect(seen.get(1)?.has(AVP.Challenge) && seen.get(2)?.has(AVP.ChallengeResponse)).toBe(true);
  expect(hidden).toBeGreaterThan(0);
  expect(zlb).toBeGreaterThan(0);
  expect(data).toBeGreaterThan(0);
  for (const t of ['udp/v4', 'udp/v6', 'ip/v4']) {
    for (const c of [0, 4, 8]) expect([...dataKinds].some((k) => k.startsWith(`${t} cookie${c}`)), `${t} cookie ${c}`).toBe(true);
    for (const l of ['l2ss', 'no-l2ss']) expect([...dataKinds].some((k) => k.startsWith(t) && k.endsWith(` ${l}`)), `${t} ${l}`).toBe(true);
  }
});

test('tshark reports, field by field, what our decoder reads', () => {
  const { file, bytes } = writeSample();
  const cap = readCaptureFile(bytes);
  const theirs = tsharkFields(file, COMPARED_FIELDS, { prefs: RIGHT });
  const layouts = new SessionLayouts();
  let compared = 0;
  const mismatches: string[] = []; // one expect at the end: thousands of soft expects crawl
  cap.records.forEach((r, i) => {
    const f = findL2tp(cap.linkTypes[0], r.data);
    if (!f.found) return;
    const v = f.value;
    const outer = { src: formatMac(r.data.subarray(6, 12)), dst: formatMac(r.data.subarray(0, 6)), type: v.ipVersion === 6 ? '0x86dd' : '0x0800' };
    const want = expectedFields(v.payload, v.transport, { secret: SAMPLE_SECRET, dataLayout: (sid) => layouts.lookup(v.dst, sid) }, outer, (sid) => layouts.pseudowireType(sid));
    const d = decodeL2tp(v.payload, v.transport, { secret: SAMPLE_SECRET });
    if (d.kind === 'control' && d.result.ok) layouts.learn(v.src, d.result.message.avps);
    const got = theirs.get(i + 1);
    expect(got, `tshark printed frame ${i + 1}`).toBeDefined();
    for (const field of COMPARED_FIELDS) {
      const a = JSON.stringify(got?.get(field) ?? []);
      const b = JSON.stringify(want.get(field) ?? []);
      if (a !== b) mismatches.push(`frame ${i + 1} ${field}: tshark ${a}, ours ${b}`);
    }
    compared++;
  });
  expect(mismatches).toEqual([]);
  expect(compared).toBe(cap.records.length);
});

test('tshark flags no malformed packet and no warning beyond the vendor AVP it cannot decode', () => {
  const { file } = writeSample();
  expect(tsharkMatching(file, '_ws.malformed', RIGHT)).toEqual([]);
  const warnings = tsharkFields(file, ['_ws.expert.message'], { prefs: RIGHT, filter: '_ws.expert.severity >= "Warning"' });
  for (const [frame, fields] of warnings) {
    expect(fields.get('_ws.expert.message'), `frame ${frame}`).toEqual(['Vendor-Specific AVP data']);
  }
});

test('l2tp.incorrect_digest never fires with the right secret and always fires with a wrong one', () => {
  const { file, bytes } = writeSample();
  const cap = readCaptureFile(bytes);
  const withDigest: number[] = [];
  cap.records.forEach((r, i) => {
    const f = findL2tp(cap.linkTypes[0], r.data);
    if (!f.found) return;
    const d = decodeL2tp(f.value.payload, f.value.transport, { secret: SAMPLE_SECRET });
    if (d.kind === 'control' && d.result.ok && d.result.message.avps.some((a) => a.attributeType === AVP.MessageDigest)) withDigest.push(i + 1);
  });
  expect(withDigest.length).toBeGreaterThan(60);
  expect(tsharkMatching(file, 'l2tp.incorrect_digest', RIGHT)).toEqual([]);
  expect(tsharkMatching(file, 'l2tp.incorrect_digest', WRONG)).toEqual(withDigest);
  // Our own verifier agrees with tshark both ways.
  const ours = (secret: string): string[] => [...decodeCapture(cap, { secret })].filter((p) => p.digest && p.digest !== 'absent').map((p) => `${p.frame}:${p.digest}`);
  expect(ours(SAMPLE_SECRET)).toEqual(withDigest.map((n) => `${n}:valid`));
  expect(ours('not-the-secret')).toEqual(withDigest.map((n) => `${n}:invalid`));
});
