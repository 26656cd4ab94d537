// Fuzz: mutated sample packets (bit flips, truncations, lying length fields, toggled M/H bits,
// appended octets) and corrupted capture files go through both decoders; the fast one must
// accept and reject exactly what the full one does, with the same error kind at the same
// offset, and read the same fields from whatever it accepts.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { findL2tp, LINKTYPE, writePcap, writePcapng, type CaptureRecord } from '../../../reference-impl/capture/index.ts';
import { SAMPLE_SECRET, sampleCaptureRecords } from '../../support/l2tp-sample-capture.ts';
import { decodeFast, decodeFull, disagreement } from './fast-agreement.ts';

const sample = sampleCaptureRecords();

/** Where the mutations aim in a sample frame: its L2TPv3 octets and their length fields. */
interface Anatomy { payload: number; ipLength: number; udpLength: number; controlLength: number; avps: number[] }
const anatomy: Anatomy[] = sample.map((r) => {
  const f = findL2tp(LINKTYPE.ETHERNET, r.data);
  if (!f.found) throw new Error('sample frame without L2TPv3');
  const v = f.value;
  const payload = v.payloadOffset;
  const base = payload + (v.transport === 'ip' ? 4 : 0);
  const control = v.transport === 'udp' ? (r.data[payload] & 0x80) !== 0 : r.data.subarray(payload, payload + 4).every((x) => x === 0);
  const avps: number[] = [];
  if (control) for (let o = base + 12; o + 6 <= r.data.length; o += ((r.data[o] << 8) | r.data[o + 1]) & 0x3ff) avps.push(o);
  return { payload, ipLength: v.ipVersion === 4 ? 16 : 18, udpLength: v.transport === 'udp' ? payload - 4 : -1, controlLength: control ? base + 2 : -1, avps };
});

type Op =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'byte'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; extra: Uint8Array }
  | { op: 'mh'; avp: number; bits: number }
  | { op: 'length'; field: 'ip' | 'udp' | 'control' | 'avp'; avp: number; value: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('byte' as const), at: fc.nat(), value: fc.nat(255) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('append' as const), extra: fc.uint8Array({ maxLength: 24 }) }),
  fc.record({ op: fc.constant('mh' as const), avp: fc.nat(), bits: fc.constantFrom(0x80, 0x40, 0xc0) }),
  fc.record({
    op: fc.constant('length' as const), field: fc.constantFrom('ip' as const, 'udp' as const, 'control' as const, 'avp' as const, 'avp' as const), avp: fc.nat(),
    value: fc.oneof(fc.nat(0xffff), fc.integer({ min: 0, max: 40 })),
  }),
);

/** Positions aim at the L2TPv3 octets three times out of four, anywhere in the frame otherwise. */
function position(at: number, len: number, a: Anatomy): number {
  return at % 4 !== 0 && len > a.payload ? a.payload + (at >> 2) % (len - a.payload) : (at >> 2) % Math.max(1, len);
}

function mutate(src: Uint8Array, a: Anatomy, ops: Op[]): Uint8Array {
  let b = src.slice();
  for (const o of ops) {
    if (o.op === 'flip' && b.length) b[position(o.at, b.length, a)] ^= 1 << o.bit;
    else if (o.op === 'byte' && b.length) b[position(o.at, b.length, a)] = o.value;
    else if (o.op === 'truncate') b = b.slice(0, position(o.at, b.length + 1, a));
    else if (o.op === 'append') b = Uint8Array.from([...b, ...o.extra]);
    else if (o.op === 'mh' && a.avps.length) { const at = a.avps[o.avp % a.avps.length]; if (at < b.length) b[at] ^= o.bits; }
    else if (o.op === 'length') {
      const at = o.field === 'ip' ? a.ipLength : o.field === 'udp' ? a.udpLength : o.field === 'control' ? a.controlLength : a.avps.length ? a.avps[o.avp % a.avps.length] : -1;
      if (at < 0 || at + 1 >= b.length) continue;
      if (o.field === 'avp') { b[at] = (b[at] & 0xfc) | ((o.value >> 8) & 3); b[at + 1] = o.value & 0xff; }
      else { b[at] = o.value >> 8; b[at + 1] = o.value & 0xff; }
    }
  }
  return b;
}

const mutantArb = fc.record({ record: fc.nat(sample.length - 1), ops: fc.array(opArb, { minLength: 1, maxLength: 4 }) });
const RUNS = 250;

test(`${RUNS} captures of mutated sample packets: same accept/reject, error kind and offset, same fields`, () => {
  const kinds: Record<string, number> = {};
  let mutants = 0;
  fc.assert(
    fc.property(fc.array(mutantArb, { minLength: 8, maxLength: 24 }), fc.constantFrom<string | undefined>(SAMPLE_SECRET, undefined, 'wrong'), (mutants_, secret) => {
      // The intact sample first, so session layouts and nonces are learnt as in a real capture.
      const records: CaptureRecord[] = [...sample, ...mutants_.map((m, i) => ({ timestampUs: i, data: mutate(sample[m.record].data, anatomy[m.record], m.ops) }))];
      const bytes = writePcap(records, LINKTYPE.ETHERNET);
      const opts = secret === undefined ? {} : { secret };
      const why = disagreement(bytes, opts);
      if (why) throw new Error(why);
      const out = decodeFast(bytes, opts);
      if ('packets' in out) for (const p of out.packets.slice(sample.length)) kinds[p.error?.kind ?? p.kind] = (kinds[p.error?.kind ?? p.kind] ?? 0) + 1;
      mutants += mutants_.length;
    }),
    { numRuns: RUNS, seed: 3931 },
  );
  test.info().annotations.push({ type: 'outcomes', description: `${mutants} mutated packets: ${JSON.stringify(kinds)}` });
  // The corpus reaches every class of rejection, and accepted packets too.
  for (const k of ['control', 'data', 'too-short', 'wrong-version', 'wrong-header', 'avp-malformed', 'unknown-mandatory-avp']) {
    expect(kinds[k] ?? 0, `mutants decoded as ${k}`).toBeGreaterThan(0);
  }
});

test('corrupted capture files (pcap and pcapng): the same CaptureFileError at the same offset, or the same packets', () => {
  const head = sample.slice(0, 12);
  const files = [writePcap(head, LINKTYPE.ETHERNET), writePcapng(head, LINKTYPE.ETHERNET), writePcap(head.map((r) => ({ ...r, data: r.data.subarray(14) })), LINKTYPE.RAW)];
  let fileErrors = 0;
  fc.assert(
    fc.property(fc.nat(files.length - 1), fc.nat(), fc.nat(), fc.nat(255), fc.boolean(), (which, cut, at, value, truncate) => {
      const src = files[which];
      const bytes = truncate ? src.slice(0, cut % (src.length + 1)) : src.slice();
      if (!truncate) bytes[at % bytes.length] = value;
      const why = disagreement(bytes, { secret: SAMPLE_SECRET });
      if (why) throw new Error(why);
      if ('fileError' in decodeFull(bytes, {})) fileErrors++;
    }),
    { numRuns: 400, seed: 4719 },
  );
  expect(fileErrors, 'some corruptions make the file unreadable').toBeGreaterThan(20);
});

test('the comparison itself notices a difference (secret on one side only)', () => {
  const bytes = writePcap(sample, LINKTYPE.ETHERNET);
  expect(JSON.stringify(decodeFull(bytes, { secret: SAMPLE_SECRET }))).not.toBe(JSON.stringify(decodeFast(bytes, {})));
  expect(JSON.stringify(decodeFull(bytes, { secret: SAMPLE_SECRET }))).toBe(JSON.stringify(decodeFast(bytes, { secret: SAMPLE_SECRET })));
});
