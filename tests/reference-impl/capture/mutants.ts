// Mutated sample packets for the fuzz tests of the capture decoders: bit flips, truncations,
// lying length fields, toggled M/H bits, appended octets, aimed mostly at the L2TPv3 octets of
// the sample capture's frames (tests/support/l2tp-sample-capture.ts). Shared by the fast/full
// decoder agreement fuzz and the `decode` output comparison (tests/cli/decode-output.spec.ts).
import fc from 'fast-check';
import { findL2tp, LINKTYPE } from '../../../reference-impl/capture/index.ts';
import { sampleCaptureRecords } from '../../support/l2tp-sample-capture.ts';

export const sample = sampleCaptureRecords();

/** Where the mutations aim in a sample frame: its L2TPv3 octets and their length fields. */
interface Anatomy { payload: number; ipLength: number; udpLength: number; controlLength: number; avps: number[] }
export const anatomy: Anatomy[] = sample.map((r) => {
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

export function mutate(src: Uint8Array, a: Anatomy, ops: Op[]): Uint8Array {
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

export const mutantArb = fc.record({ record: fc.nat(sample.length - 1), ops: fc.array(opArb, { minLength: 1, maxLength: 4 }) });
