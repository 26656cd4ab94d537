// The AVP list of a control message: strict decoding (M-bit rules of RFC 3931 §5.2, §7.1),
// hiding, and byte-exact encoding.
import { AVP, avpTypeInfo, avpName } from './avp-types.ts';
import { decodeAvpValue, encodeAvpValue, type AvpValue } from './avp-value.ts';
import { decodeError, type DecodeError } from './decode-error.ts';
import { hideValue, unhideValue, type Secret } from './hiding.ts';
import { plainBytes, u16 } from './wire.ts';

export interface Avp {
  mandatory: boolean;
  hidden: boolean;
  vendorId: number;
  attributeType: number;
  value: AvpValue;
  /** Random padding inside a hidden AVP, kept so that re-encoding is byte-exact. */
  hiddenPadding?: Uint8Array;
}

export const AVP_HEADER_LENGTH = 6;

const OPAQUE_PENDING: AvpValue = { kind: 'opaque', value: new Uint8Array(0), reason: 'malformed' };

/** A malformed AVP is fatal with M=1 and ignored (kept opaque) with M=0 (3931 §7.1). */
function markMalformed(avp: Avp, raw: Uint8Array, offset: number, why: string): DecodeError | null {
  avp.value = { kind: 'opaque', value: raw.slice(), reason: 'malformed' };
  return avp.mandatory ? decodeError('avp-malformed', offset, `${avpName(avp.vendorId, avp.attributeType)}: ${why}`) : null;
}
/** 10-bit length field (3931 §5.1). */
export const AVP_MAX_LENGTH = 1023;

export interface AvpDecodeOptions {
  /** Shared secret for hidden AVPs; without it hidden values stay opaque. */
  secret?: Secret;
}

export type AvpListResult =
  | { ok: true; avps: Avp[] }
  | { ok: false; error: DecodeError; avps: Avp[] };

/**
 * Decodes the AVPs in b[start, end). `base` is added to offsets in errors so they point
 * into the caller's buffer. An unknown AVP with M=1 is an error, but the list is still
 * parsed to the end and returned, so the receiver can answer it (StopCCN or CDN 2/8).
 */
export function decodeAvps(input: Uint8Array, start: number, end: number, opts: AvpDecodeOptions = {}): AvpListResult {
  const b = plainBytes(input);
  const avps: Avp[] = [];
  let lastRv: Uint8Array | null = null;
  let unknownMandatory: DecodeError | null = null;
  for (let o = start; o < end; ) {
    if (end - o < AVP_HEADER_LENGTH) {
      return { ok: false, avps, error: decodeError('avp-malformed', o, `${end - o} octets left, too few for an AVP header`) };
    }
    const w = u16(b, o);
    const mandatory = (w & 0x8000) !== 0;
    const hidden = (w & 0x4000) !== 0;
    const len = w & 0x03ff;
    const vendorId = u16(b, o + 2);
    const attributeType = u16(b, o + 4);
    if (len < AVP_HEADER_LENGTH) {
      return { ok: false, avps, error: decodeError('avp-malformed', o, `${avpName(vendorId, attributeType)}: length ${len} is below the 6-octet header`) };
    }
    if (o + len > end) {
      return { ok: false, avps, error: decodeError('avp-malformed', o, `${avpName(vendorId, attributeType)}: length ${len} runs past the message end (${end - o} octets left)`) };
    }
    if (avps.length === 0 && !(vendorId === 0 && attributeType === AVP.MessageType)) {
      return { ok: false, avps, error: decodeError('avp-malformed', o, `first AVP is ${avpName(vendorId, attributeType)}, not Message Type (3931 §5.4.1)`) };
    }
    let raw = b.subarray(o + AVP_HEADER_LENGTH, o + len);
    const info = avpTypeInfo(vendorId, attributeType);
    // Placeholder value; replaced below for every AVP we can decode (no copy until needed).
    const avp: Avp = { mandatory, hidden, vendorId, attributeType, value: OPAQUE_PENDING };
    let fatal: DecodeError | null = null;
    if (!info) {
      avp.value = { kind: 'opaque', value: raw.slice(), reason: vendorId !== 0 ? 'vendor' : 'unknown-type' };
      if (mandatory && !unknownMandatory) {
        unknownMandatory = decodeError('unknown-mandatory-avp', o, `unknown mandatory ${avpName(vendorId, attributeType)}`, {}, { vendorId, attributeType });
      }
    } else if (hidden && !info.hideable) {
      fatal = markMalformed(avp, raw, o, 'this AVP may not be hidden');
    } else {
      let ok = true;
      if (hidden) {
        if (!lastRv) {
          fatal = markMalformed(avp, raw, o, 'hidden, but no Random Vector AVP precedes it');
          ok = false;
        } else if (opts.secret === undefined) {
          avp.value = { kind: 'opaque', value: raw.slice(), reason: 'hidden-no-secret' };
          ok = false;
        } else {
          const plain = unhideValue(attributeType, opts.secret, lastRv, raw);
          if (typeof plain === 'string') {
            fatal = markMalformed(avp, raw, o, plain);
            ok = false;
          } else {
            raw = plain.value;
            avp.hiddenPadding = plain.padding;
          }
        }
      }
      if (ok) {
        const v = decodeAvpValue(info, raw);
        if (typeof v === 'string') fatal = markMalformed(avp, raw, o, v);
        else avp.value = v;
      }
    }
    if (fatal) return { ok: false, avps, error: fatal };
    if (vendorId === 0 && attributeType === AVP.RandomVector && avp.value.kind === 'octets') lastRv = avp.value.value;
    avps.push(avp);
    o += len;
  }
  if (unknownMandatory) return { ok: false, avps, error: unknownMandatory };
  return { ok: true, avps };
}

export interface AvpEncodeOptions {
  /** Needed when any AVP has H set. */
  secret?: Secret;
}

/** Encodes AVPs in order; hidden ones use the closest preceding Random Vector (3931 §5.3). */
export function encodeAvps(avps: readonly Avp[], opts: AvpEncodeOptions = {}): Uint8Array[] {
  const out: Uint8Array[] = [];
  let lastRv: Uint8Array | null = null;
  for (const avp of avps) {
    let value = encodeAvpValue(avp.value);
    if (avp.hidden && avp.value.kind !== 'opaque') {
      if (!lastRv) throw new Error(`cannot hide ${avpName(avp.vendorId, avp.attributeType)}: no Random Vector precedes it`);
      if (opts.secret === undefined) throw new Error(`cannot hide ${avpName(avp.vendorId, avp.attributeType)}: no secret given`);
      value = hideValue(avp.attributeType, opts.secret, lastRv, value, avp.hiddenPadding ?? new Uint8Array(0));
    }
    const len = AVP_HEADER_LENGTH + value.length;
    if (len > AVP_MAX_LENGTH) throw new Error(`${avpName(avp.vendorId, avp.attributeType)} is ${len} octets, over the 1023 limit`);
    const bytes = new Uint8Array(len);
    bytes[0] = (avp.mandatory ? 0x80 : 0) | (avp.hidden ? 0x40 : 0) | (len >>> 8);
    bytes[1] = len & 0xff;
    bytes[2] = avp.vendorId >>> 8;
    bytes[3] = avp.vendorId & 0xff;
    bytes[4] = avp.attributeType >>> 8;
    bytes[5] = avp.attributeType & 0xff;
    bytes.set(value, 6);
    out.push(bytes);
    if (avp.vendorId === 0 && avp.attributeType === AVP.RandomVector && avp.value.kind === 'octets') lastRv = avp.value.value;
  }
  return out;
}

/** The first IETF AVP of a type, if present. */
export function findAvp(avps: readonly Avp[], attributeType: number): Avp | undefined {
  return avps.find((a) => a.vendorId === 0 && a.attributeType === attributeType);
}
