// Control messages: the 12-octet header (3931 §3.2.1) and the AVP list, decoded strictly.
import { decodeAvps, encodeAvps, type Avp, type AvpDecodeOptions } from './avp.ts';
import { AVP } from './avp-types.ts';
import { decodeError, type DecodeError } from './decode-error.ts';
import { controlOffset, type L2tpTransport } from './transport.ts';
import { signControlMessage, type DigestNonces } from './authentication.ts';
import type { Secret } from './hiding.ts';
import { put16, put32, u16, u32 } from './wire.ts';

export const CONTROL_HEADER_LENGTH = 12;
/** T, L and S set, version 3: the first 16 bits of every v3 control header (facts §8). */
export const CONTROL_FLAGS_V3 = 0xc803;

export interface ControlMessage {
  /** The receiver's Control Connection ID (0 until the peer's Assigned CCID is known). */
  ccid: number;
  ns: number;
  nr: number;
  /** In order; Message Type first. Empty = ZLB. */
  avps: Avp[];
}

export type ControlDecodeResult =
  | { ok: true; message: ControlMessage; trailingOctets: number }
  /** `message` is set when the header and AVP structure parsed (unknown mandatory AVP). */
  | { ok: false; error: DecodeError; message?: ControlMessage };

export function isZlb(m: ControlMessage): boolean {
  return m.avps.length === 0;
}

export function messageTypeOf(m: ControlMessage): number | undefined {
  const first = m.avps[0];
  return first && first.vendorId === 0 && first.attributeType === AVP.MessageType && first.value.kind === 'u16'
    ? first.value.value
    : undefined;
}

/**
 * Decodes a control message from the L2TP octets (the UDP payload, or the IP payload
 * starting with the zero Session ID). Never throws for malformed bytes.
 */
export function decodeControlMessage(b: Uint8Array, transport: L2tpTransport, opts: AvpDecodeOptions = {}): ControlDecodeResult {
  const base = controlOffset(transport);
  const avail = b.length - base;
  if (avail < 2) return { ok: false, error: decodeError('too-short', 0, `${b.length} octets, too few for an L2TP header`, { size: b.length }) };
  const flags = u16(b, base);
  const version = flags & 0x000f;
  // Ver is read before any other bit (3931 §4.1.2.1).
  if (version !== 3) return { ok: false, error: decodeError('wrong-version', base + 1, `version ${version}, expected 3`, { version }) };
  if (avail < CONTROL_HEADER_LENGTH) {
    return { ok: false, error: decodeError('too-short', 0, `${b.length} octets, too few for a control header`, { size: b.length }) };
  }
  if ((flags & 0xc800) !== 0xc800) {
    const missing = ['T', 'L', 'S'].filter((_, i) => !(flags & [0x8000, 0x4000, 0x0800][i]));
    return { ok: false, error: decodeError('wrong-header', base, `control header without the ${missing.join('/')} bit`) };
  }
  const length = u16(b, base + 2);
  const partial = { ccid: u32(b, base + 4), ns: u16(b, base + 8), nr: u16(b, base + 10) };
  if (length < CONTROL_HEADER_LENGTH) {
    return { ok: false, error: decodeError('wrong-header', base + 2, `Length ${length} is below the 12-octet header`, {}, partial) };
  }
  if (length > avail) {
    return { ok: false, error: decodeError('too-short', base + 2, `Length ${length} but only ${avail} octets`, { size: b.length }, partial) };
  }
  const avpResult = decodeAvps(b, base + CONTROL_HEADER_LENGTH, base + length, opts);
  const message: ControlMessage = { ...partial, avps: avpResult.avps };
  if (!avpResult.ok) {
    const error = avpResult.error;
    error.partial = { ...partial, messageType: messageTypeOf(message), ...error.partial };
    return error.kind === 'unknown-mandatory-avp' ? { ok: false, error, message } : { ok: false, error };
  }
  return { ok: true, message, trailingOctets: avail - length };
}

export interface ControlEncodeOptions {
  transport?: L2tpTransport;
  /** Shared secret: hides H-flagged AVPs and, with `sign`, fills the Message Digest. */
  secret?: Secret;
  /** Fill every Message Digest AVP (3931 §4.3). Nonces are absent only for an SCCRQ. */
  sign?: { nonces?: DigestNonces };
}

export function encodeControlMessage(m: ControlMessage, opts: ControlEncodeOptions = {}): Uint8Array {
  const transport = opts.transport ?? 'udp';
  const base = controlOffset(transport);
  const parts = encodeAvps(m.avps, { secret: opts.secret });
  let length = CONTROL_HEADER_LENGTH;
  for (const p of parts) length += p.length;
  if (length > 0xffff) throw new Error(`control message of ${length} octets does not fit the 16-bit Length`);
  const b = new Uint8Array(base + length);
  put16(b, base, CONTROL_FLAGS_V3);
  put16(b, base + 2, length);
  put32(b, base + 4, m.ccid);
  put16(b, base + 8, m.ns);
  put16(b, base + 10, m.nr);
  let o = base + CONTROL_HEADER_LENGTH;
  for (const p of parts) {
    b.set(p, o);
    o += p.length;
  }
  if (opts.sign) {
    if (opts.secret === undefined) throw new Error('signing a control message needs a secret');
    signControlMessage(b, transport, opts.secret, opts.sign.nonces);
  }
  return b;
}
