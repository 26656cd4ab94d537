// fast-check generators for L2TPv3 messages, built from the AVP and message-type tables:
// every message type with its mandatory AVPs and a random choice of its optional ones.
import fc from 'fast-check';
import {
  AVP, AVP_TYPES, MESSAGE_TYPES, type Avp, type AvpTypeInfo, type AvpValue, type ControlMessage,
  type DataMessage, type MessageTypeInfo,
} from '../../../reference-impl/l2tpv3/index.ts';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const asciiText = (min: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: 40 });

export function valueArbitrary(info: AvpTypeInfo): fc.Arbitrary<AvpValue> {
  const l = info.length;
  const pickLength = 'exact' in l ? fc.constantFrom(...l.exact) : fc.integer({ min: l.min, max: Math.min(l.max ?? 48, 48) });
  switch (info.kind) {
    case 'u16': return fc.integer({ min: 0, max: 0xffff }).map((value) => ({ kind: 'u16', value }));
    case 'u32': return fc.integer({ min: 0, max: 0xffffffff }).map((value) => ({ kind: 'u32', value }));
    case 'u64': return fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((value) => ({ kind: 'u64', value }));
    case 'ascii': return asciiText('min' in l ? l.min : 1).map((value) => ({ kind: 'ascii', value }));
    case 'octets': return pickLength.chain((n) => bytes(n, n)).map((value) => ({ kind: 'octets', value }));
    case 'resultCode':
      return fc.record({
        result: fc.integer({ min: 0, max: 0xffff }),
        tail: fc.option(fc.record({ error: fc.integer({ min: 0, max: 0xffff }), // An empty Error Message is the same octets as none: the typed form is `undefined`.
        message: fc.option(fc.string({ minLength: 1, maxLength: 30 }), { nil: undefined }) }), { nil: undefined }),
      }).map(({ result, tail }) => {
        const v: AvpValue = { kind: 'resultCode', result };
        if (tail) {
          v.error = tail.error;
          if (tail.message !== undefined) v.message = tail.message;
        }
        return v;
      });
    case 'pwCapabilities': return fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 }).map((value) => ({ kind: 'pwCapabilities', value }));
    case 'messageDigest':
      return fc.constantFrom(0, 1).chain((digestType) => bytes(digestType ? 20 : 16, digestType ? 20 : 16).map((digest) => ({ kind: 'messageDigest' as const, digestType, digest })));
    case 'protocolVersion': return fc.tuple(fc.nat(255), fc.nat(255)).map(([version, revision]) => ({ kind: 'protocolVersion', version, revision }));
    case 'circuitErrors':
      return fc.tuple(fc.nat(0xffff), fc.constantFrom(4, 6).chain((n) => fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: n, maxLength: n })))
        .map(([reserved, counters]) => ({ kind: 'circuitErrors', reserved, counters }));
    case 'extendedVendorId':
      return fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(0xffff), bytes(0, 16)).map(([vendorId, attributeType, value]) => ({ kind: 'extendedVendorId', vendorId, attributeType, value }));
  }
}

/** A known AVP with a valid value; hidden (with padding) when `hide` and the table allows it. */
export function avpArbitrary(info: AvpTypeInfo, hide: boolean | 'maybe' = 'maybe'): fc.Arbitrary<Avp> {
  const canHide = info.hideable;
  return fc.record({
    mandatory: fc.boolean(),
    hidden: canHide ? (hide === 'maybe' ? fc.boolean() : fc.constant(hide)) : fc.constant(false),
    value: valueArbitrary(info),
    padding: bytes(0, 12),
  }).map(({ mandatory, hidden, value, padding }) => {
    const avp: Avp = { mandatory, hidden, vendorId: 0, attributeType: info.type, value };
    if (hidden) avp.hiddenPadding = padding;
    return avp;
  });
}

/** Vendor AVPs and unknown IETF types with M=0 stay opaque (3931 §5.2). */
export const opaqueAvpArbitrary: fc.Arbitrary<Avp> = fc.oneof(
  fc.record({ vendorId: fc.integer({ min: 1, max: 0xffff }), attributeType: fc.nat(0xffff), value: bytes(0, 20) })
    .map(({ vendorId, attributeType, value }): Avp => ({ mandatory: false, hidden: false, vendorId, attributeType, value: { kind: 'opaque', value, reason: 'vendor' } })),
  fc.record({ attributeType: fc.integer({ min: 76, max: 0xffff }), value: bytes(0, 20) })
    .map(({ attributeType, value }): Avp => ({ mandatory: false, hidden: false, vendorId: 0, attributeType, value: { kind: 'opaque', value, reason: 'unknown-type' } })),
);

const INFO = new Map(AVP_TYPES.map((t) => [t.type, t]));
const info = (type: number): AvpTypeInfo => {
  const i = INFO.get(type);
  if (!i) throw new Error(`no table entry for AVP ${type}`);
  return i;
};

/**
 * A message of one type: Message Type first, then the mandatory AVPs, a subset of the
 * optional ones, maybe extra opaque AVPs; a Random Vector right after the Message Type
 * whenever something is hidden, so hiding has the vector it needs.
 */
export function messageArbitrary(mt: MessageTypeInfo, opts: { force?: number } = {}): fc.Arbitrary<ControlMessage> {
  const body = [...mt.mandatory, ...mt.optional].filter((t) => t !== AVP.MessageType && t !== AVP.RandomVector);
  if (opts.force !== undefined && !body.includes(opts.force) && opts.force !== AVP.RandomVector) body.push(opts.force);
  return fc.record({
    ccid: fc.integer({ min: 0, max: 0xffffffff }),
    ns: fc.nat(0xffff),
    nr: fc.nat(0xffff),
    present: fc.tuple(...body.map((t) => (mt.mandatory.includes(t) || t === opts.force ? fc.constant(true) : fc.boolean()))),
    avps: fc.tuple(...body.map((t) => avpArbitrary(info(t)))),
    extra: fc.array(opaqueAvpArbitrary, { maxLength: 2 }),
    rv: bytes(16, 32),
  }).map(({ ccid, ns, nr, present, avps: candidates, extra, rv }) => {
    const list: Avp[] = candidates.filter((_, i) => present[i]);
    list.push(...extra);
    const head: Avp[] = [{ mandatory: true, hidden: false, vendorId: 0, attributeType: AVP.MessageType, value: { kind: 'u16', value: mt.code } }];
    if (list.some((a) => a.hidden) || opts.force === AVP.RandomVector) {
      head.push({ mandatory: true, hidden: false, vendorId: 0, attributeType: AVP.RandomVector, value: { kind: 'octets', value: rv } });
    }
    return { ccid, ns, nr, avps: [...head, ...list] };
  });
}

export const anyMessageArbitrary: fc.Arbitrary<ControlMessage> = fc.constantFrom(...MESSAGE_TYPES).chain((mt) => messageArbitrary(mt));

export const dataMessageArbitrary: fc.Arbitrary<DataMessage> = fc.record({
  sessionId: fc.integer({ min: 1, max: 0xffffffff }),
  cookie: fc.constantFrom(0, 4, 8).chain((n) => bytes(n, n)),
  l2ss: fc.option(fc.record({ sequenced: fc.boolean(), sequence: fc.integer({ min: 0, max: 0xffffff }) }), { nil: null }),
  payload: bytes(14, 100),
});
