// Byte-level surgery on encoded L2TPv3 control messages over UDP, for misbehaviour on purpose:
// the peer encodes a correct message with the oracle's codec, then these functions bend it
// (version, header bits, Length, one AVP's octets). Header layout: RFC 3931 §3.2.1; AVP
// layout: §5.1 (M|H|rsvd|Length(10) Vendor(16) Type(16) value).
import { CONTROL_HEADER_LENGTH } from '../../reference-impl/l2tpv3/control-message.ts';
import { AVP_HEADER_LENGTH } from '../../reference-impl/l2tpv3/avp.ts';

export interface AvpSpan {
  offset: number;
  length: number;
  mandatory: boolean;
  hidden: boolean;
  vendorId: number;
  attributeType: number;
}

const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];

/** True for a control message (T bit) over UDP. */
export function isControl(b: Uint8Array): boolean {
  return b.length >= 1 && (b[0] & 0x80) !== 0;
}

/** The Message Type of an encoded control message (first AVP), or undefined (ZLB, not control). */
export function rawMessageType(b: Uint8Array): number | undefined {
  if (!isControl(b) || b.length < CONTROL_HEADER_LENGTH + AVP_HEADER_LENGTH + 2) return undefined;
  const first = avpSpans(b)[0];
  return first && first.vendorId === 0 && first.attributeType === 0 && first.length === 8 ? u16(b, first.offset + 6) : undefined;
}

/** The AVPs of an encoded control message, as far as their lengths can be followed. */
export function avpSpans(b: Uint8Array): AvpSpan[] {
  const out: AvpSpan[] = [];
  const end = Math.min(b.length, b.length >= 4 ? u16(b, 2) : 0);
  for (let o = CONTROL_HEADER_LENGTH; o + AVP_HEADER_LENGTH <= end; ) {
    const len = u16(b, o) & 0x03ff;
    if (len < AVP_HEADER_LENGTH || o + len > end) break;
    out.push({ offset: o, length: len, mandatory: (b[o] & 0x80) !== 0, hidden: (b[o] & 0x40) !== 0, vendorId: u16(b, o + 2), attributeType: u16(b, o + 4) });
    o += len;
  }
  return out;
}

export function findSpan(b: Uint8Array, attributeType: number): AvpSpan | undefined {
  return avpSpans(b).find((s) => s.vendorId === 0 && s.attributeType === attributeType);
}

/** The header's Ver field set to `version` (3931 §3.2.1: the low 4 bits of the first 16). */
export function withVersion(b: Uint8Array, version: number): Uint8Array {
  const c = b.slice();
  c[1] = (c[1] & 0xf0) | (version & 0x0f);
  return c;
}

/** The first `n` octets only. */
export function truncated(b: Uint8Array, n: number): Uint8Array {
  return b.slice(0, Math.max(0, Math.min(n, b.length)));
}

/** The Length field set to `length` while the octets stay as they are. */
export function withLength(b: Uint8Array, length: number): Uint8Array {
  const c = b.slice();
  c[2] = (length >>> 8) & 0xff;
  c[3] = length & 0xff;
  return c;
}

/** Header flag bits cleared (e.g. 0x4000 = L): a header RFC 3931 says is invalid. */
export function withoutFlags(b: Uint8Array, mask: number): Uint8Array {
  const c = b.slice();
  c[0] &= ~(mask >>> 8) & 0xff;
  c[1] &= ~mask & 0xff;
  return c;
}

/** The Control Connection ID field set to `ccid`. */
export function withCcid(b: Uint8Array, ccid: number): Uint8Array {
  const c = b.slice();
  new DataView(c.buffer, c.byteOffset).setUint32(4, ccid >>> 0);
  return c;
}

/** The Message Type AVP's value replaced (the rest untouched). */
export function withMessageType(b: Uint8Array, type: number): Uint8Array {
  const first = avpSpans(b)[0];
  if (!first) return b;
  const c = b.slice();
  c[first.offset + 6] = type >>> 8;
  c[first.offset + 7] = type & 0xff;
  return c;
}

/** Fixes the header Length after octets were added or removed. */
function fixLength(b: Uint8Array): Uint8Array {
  return withLength(b, b.length);
}

/** A raw AVP (header + value) with the given bits. */
export function rawAvp(attributeType: number, value: Uint8Array, opts: { mandatory?: boolean; hidden?: boolean; vendorId?: number } = {}): Uint8Array {
  const len = AVP_HEADER_LENGTH + value.length;
  const a = new Uint8Array(len);
  a[0] = (opts.mandatory ? 0x80 : 0) | (opts.hidden ? 0x40 : 0) | ((len >>> 8) & 0x03);
  a[1] = len & 0xff;
  a[2] = ((opts.vendorId ?? 0) >>> 8) & 0xff;
  a[3] = (opts.vendorId ?? 0) & 0xff;
  a[4] = attributeType >>> 8;
  a[5] = attributeType & 0xff;
  a.set(value, AVP_HEADER_LENGTH);
  return a;
}

/** An AVP appended at the end of the message (Length fixed). */
export function withAvpAppended(b: Uint8Array, avp: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.length + avp.length);
  c.set(b);
  c.set(avp, b.length);
  return fixLength(c);
}

/** The first AVP of `attributeType` replaced by `avp` (or removed when undefined); Length fixed. */
export function withAvpReplaced(b: Uint8Array, attributeType: number, avp: Uint8Array | undefined): Uint8Array {
  const s = findSpan(b, attributeType);
  if (!s) return b;
  const repl = avp ?? new Uint8Array(0);
  const c = new Uint8Array(b.length - s.length + repl.length);
  c.set(b.subarray(0, s.offset));
  c.set(repl, s.offset);
  c.set(b.subarray(s.offset + s.length), s.offset + repl.length);
  return fixLength(c);
}

/** The value octets of the first AVP of `attributeType` (a view). */
export function avpValue(b: Uint8Array, attributeType: number): Uint8Array | undefined {
  const s = findSpan(b, attributeType);
  return s ? b.subarray(s.offset + AVP_HEADER_LENGTH, s.offset + s.length) : undefined;
}

/** Every value octet of the AVP inverted (a wrong Challenge Response / Message Digest). */
export function withAvpValueInverted(b: Uint8Array, attributeType: number): Uint8Array {
  const s = findSpan(b, attributeType);
  if (!s) return b;
  const c = b.slice();
  const from = attributeType === 59 ? s.offset + AVP_HEADER_LENGTH + 2 : s.offset + AVP_HEADER_LENGTH; // Message Digest: skip Digest Type
  for (let i = from; i < s.offset + s.length; i++) c[i] ^= 0xff;
  return c;
}
