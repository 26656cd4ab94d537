// A control message decoded into a FastPacket's AVP table (offsets and numbers, no AVP
// objects). It applies the rules of the full decoder (control-message.ts decodeControlMessage,
// avp.ts decodeAvps, avp-value.ts decodeAvpValue) in the same order, so it accepts and
// rejects the same octets with the same error kind at the same offset; the agreement test
// (tests/reference-impl/capture/fast-decoder.spec.ts) holds the two together.
import { isUtf8 } from 'node:buffer';
import { AVP, avpTypeInfo, DIGEST_TYPE, type AvpTypeInfo } from '../l2tpv3/avp-types.ts';
import { AVP_HEADER_LENGTH } from '../l2tpv3/avp.ts';
import { CONTROL_HEADER_LENGTH } from '../l2tpv3/control-message.ts';
import type { DecodeErrorKind } from '../l2tpv3/decode-error.ts';
import { unhideValue, type Secret } from '../l2tpv3/hiding.ts';
import { AVP_FLAG, AVP_STATE, MESSAGE_TYPE_UNKNOWN, MESSAGE_TYPE_ZLB, PACKET_KIND, type FastPacket } from './fast-packet.ts';

function fail(p: FastPacket, kind: DecodeErrorKind, offset: number): void {
  p.kind = PACKET_KIND.Error;
  p.errorKind = kind;
  p.errorOffset = offset;
}

/** avp-value.ts lengthOk: the table's allowed value lengths. */
function lengthOk(info: AvpTypeInfo, n: number): boolean {
  const l = info.length;
  if ('exact' in l) {
    for (let i = 0; i < l.exact.length; i++) if (l.exact[i] === n) return true;
    return false;
  }
  return n >= l.min && (l.max === undefined || n <= l.max);
}

/** Whether decodeAvpValue accepts the value b[o, o+n) of a known AVP (it returns a string when not). */
function valueOk(info: AvpTypeInfo, b: Uint8Array, o: number, n: number): boolean {
  if (!lengthOk(info, n)) return false;
  switch (info.kind) {
    case 'resultCode': // 3931 §5.4.2: 2 octets result [, 2 octets error [, UTF-8 message]]
      return n !== 3 && (n <= 4 || isUtf8(b.subarray(o + 4, o + n)));
    case 'pwCapabilities':
      return n % 2 === 0;
    case 'messageDigest': // 3931 §5.4.1: digest type, then 16 (HMAC-MD5) or 20 (HMAC-SHA-1) octets
      return (b[o] === DIGEST_TYPE.HmacMd5 && n === 17) || (b[o] === DIGEST_TYPE.HmacSha1 && n === 21);
    default:
      return true;
  }
}

/**
 * Decodes the control message in b[s, e) (`ip`: preceded by the zero Session ID) into p:
 * kind Control with the header and AVP table, or kind Error with the full decoder's error.
 */
export function decodeControlFast(p: FastPacket, b: Uint8Array, s: number, e: number, ip: boolean, secret: Secret | undefined): void {
  const base = s + (ip ? 4 : 0);
  const avail = e - base;
  p.avpCount = 0;
  if (avail < 2) return fail(p, 'too-short', 0);
  const flags = (b[base] << 8) | b[base + 1];
  if ((flags & 0x000f) !== 3) return fail(p, 'wrong-version', base + 1 - s); // Ver first (3931 §4.1.2.1)
  if (avail < CONTROL_HEADER_LENGTH) return fail(p, 'too-short', 0);
  if ((flags & 0xc800) !== 0xc800) return fail(p, 'wrong-header', base - s); // T, L, S
  const length = (b[base + 2] << 8) | b[base + 3];
  if (length < CONTROL_HEADER_LENGTH) return fail(p, 'wrong-header', base + 2 - s);
  if (length > avail) return fail(p, 'too-short', base + 2 - s);
  p.ccid = ((b[base + 4] << 24) | (b[base + 5] << 16) | (b[base + 6] << 8) | b[base + 7]) >>> 0;
  p.ns = (b[base + 8] << 8) | b[base + 9];
  p.nr = (b[base + 10] << 8) | b[base + 11];
  if (!decodeAvpsFast(p, b, s, base + CONTROL_HEADER_LENGTH, base + length, secret)) return;
  p.kind = PACKET_KIND.Control;
  // control-message.ts messageTypeOf: the first AVP when it decoded (it is Message Type by now).
  p.messageType = p.avpCount === 0 ? MESSAGE_TYPE_ZLB
    : p.avpState[0] === AVP_STATE.Decoded ? (avpByte(p, 0, 0) << 8) | avpByte(p, 0, 1) : MESSAGE_TYPE_UNKNOWN;
}

function avpByte(p: FastPacket, i: number, k: number): number {
  return (p.avpFlags[i] & AVP_FLAG.ValueUnhidden ? p.unhidden : p.bytes)[p.avpValueOffset[i] + k];
}

/** avp.ts decodeAvps on b[start, end); offsets in errors count from s. False after fail(). */
function decodeAvpsFast(p: FastPacket, b: Uint8Array, s: number, start: number, end: number, secret: Secret | undefined): boolean {
  let rvOffset = -1; // the closest preceding Random Vector's value (3931 §5.3)
  let rvLength = 0;
  let unknownMandatoryAt = -1;
  let n = 0;
  p.avpCount = 0;
  let unhiddenUsed = 0;
  for (let o = start; o < end; ) {
    if (end - o < AVP_HEADER_LENGTH) return failAvps(p, n, 'avp-malformed', o - s);
    const w = (b[o] << 8) | b[o + 1];
    const mandatory = (w & 0x8000) !== 0;
    const hidden = (w & 0x4000) !== 0;
    const len = w & 0x03ff;
    const vendorId = (b[o + 2] << 8) | b[o + 3];
    const type = (b[o + 4] << 8) | b[o + 5];
    if (len < AVP_HEADER_LENGTH || o + len > end) return failAvps(p, n, 'avp-malformed', o - s);
    if (n === 0 && !(vendorId === 0 && type === AVP.MessageType)) return failAvps(p, n, 'avp-malformed', o - s);
    const info = avpTypeInfo(vendorId, type);
    let flags = (mandatory ? AVP_FLAG.Mandatory : 0) | (hidden ? AVP_FLAG.Hidden : 0);
    let valueOffset = o + AVP_HEADER_LENGTH;
    let valueLength = len - AVP_HEADER_LENGTH;
    let state: number = AVP_STATE.Decoded;
    if (!info) {
      state = vendorId !== 0 ? AVP_STATE.OpaqueVendor : AVP_STATE.OpaqueUnknownType;
      if (mandatory && unknownMandatoryAt < 0) unknownMandatoryAt = o;
    } else if (hidden && !info.hideable) {
      state = AVP_STATE.OpaqueMalformed;
    } else {
      let src = b;
      if (hidden) {
        if (rvOffset < 0) state = AVP_STATE.OpaqueMalformed;
        else if (secret === undefined) state = AVP_STATE.OpaqueHiddenNoSecret;
        else {
          // Rare (hidden AVPs are in session set-up only): the existing unhiding, then one copy.
          const plain = unhideValue(type, secret, b.subarray(rvOffset, rvOffset + rvLength), b.subarray(valueOffset, valueOffset + valueLength));
          if (typeof plain === 'string') state = AVP_STATE.OpaqueMalformed;
          else {
            p.unhidden.set(plain.value, unhiddenUsed);
            valueOffset = unhiddenUsed;
            valueLength = plain.value.length;
            unhiddenUsed += valueLength;
            flags |= AVP_FLAG.ValueUnhidden;
            src = p.unhidden;
          }
        }
      }
      if (state === AVP_STATE.Decoded && !valueOk(info, src, valueOffset, valueLength)) state = AVP_STATE.OpaqueMalformed;
    }
    // A malformed AVP is fatal with M=1, ignored (kept opaque) with M=0 (3931 §7.1).
    if (state === AVP_STATE.OpaqueMalformed && mandatory) return failAvps(p, n, 'avp-malformed', o - s);
    if (vendorId === 0 && type === AVP.RandomVector && state === AVP_STATE.Decoded) {
      rvOffset = valueOffset;
      rvLength = valueLength;
    }
    p.avpVendorId[n] = vendorId;
    p.avpType[n] = type;
    p.avpFlags[n] = flags;
    p.avpLength[n] = len;
    p.avpState[n] = state;
    p.avpValueOffset[n] = valueOffset;
    p.avpValueLength[n] = valueLength;
    n++;
    o += len;
  }
  p.avpCount = n;
  if (unknownMandatoryAt >= 0) return failAvps(p, n, 'unknown-mandatory-avp', unknownMandatoryAt - s);
  return true;
}

function failAvps(p: FastPacket, n: number, kind: DecodeErrorKind, offset: number): false {
  p.avpCount = n; // the AVPs read before the error, as the full decoder keeps them
  fail(p, kind, offset);
  return false;
}
