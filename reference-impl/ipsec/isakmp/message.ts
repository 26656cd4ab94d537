// The ISAKMP message: the 28-octet header (RFC 2408 §3.1) and either the payload chain in the
// clear or, with the Encryption flag, the encrypted body (decrypted by ike/phase1-cipher.ts).
// On UDP 4500 the message follows the 4-octet non-ESP marker (RFC 3948 §2.2), which the
// transport strips: this codec sees only ISAKMP octets.
import { FLAG, ISAKMP_VERSION } from './constants.ts';
import { IsakmpDecodeError } from './decode-error.ts';
import { decodePayloads, encodePayloads, type Payload } from './payloads.ts';

export const HEADER_LENGTH = 28;

export interface IsakmpHeader {
  icookie: Uint8Array;
  rcookie: Uint8Array;
  /** Type of the first payload (for an encrypted message: of the first encrypted payload). */
  nextPayload: number;
  version: number;
  exchange: number;
  flags: number;
  messageId: number;
  length: number;
}

export type IsakmpMessage =
  | { header: IsakmpHeader; encrypted: false; payloads: Payload[] }
  | { header: IsakmpHeader; encrypted: true; body: Uint8Array };

export function encodeHeader(h: Omit<IsakmpHeader, 'length' | 'version'> & { version?: number }, bodyLength: number): Uint8Array {
  const b = new Uint8Array(HEADER_LENGTH);
  const dv = new DataView(b.buffer);
  b.set(h.icookie, 0);
  b.set(h.rcookie, 8);
  b[16] = h.nextPayload;
  b[17] = h.version ?? ISAKMP_VERSION;
  b[18] = h.exchange;
  b[19] = h.flags;
  dv.setUint32(20, h.messageId);
  dv.setUint32(24, HEADER_LENGTH + bodyLength);
  return b;
}

export interface PlainMessageFields {
  icookie: Uint8Array;
  rcookie: Uint8Array;
  exchange: number;
  flags?: number;
  messageId: number;
}

/** A message in the clear (the Encryption flag is cleared). */
export function encodePlainMessage(m: PlainMessageFields, payloads: readonly Payload[]): Uint8Array {
  const { first, bytes } = encodePayloads(payloads);
  const h = encodeHeader({ ...m, flags: (m.flags ?? 0) & ~FLAG.encryption, nextPayload: first }, bytes.length);
  return Uint8Array.from(Buffer.concat([h, bytes]));
}

export function decodeHeader(b: Uint8Array): IsakmpHeader {
  if (b.length < HEADER_LENGTH) throw new IsakmpDecodeError(0, `${b.length} octets, the ISAKMP header needs ${HEADER_LENGTH}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = b[17];
  // RFC 2408 §5.1: a major version above ours is rejected (INVALID-MAJOR-VERSION); IKEv2 is 2.
  if (version >> 4 !== 1) throw new IsakmpDecodeError(17, `major version ${version >> 4}, IKEv1 is 1 (RFC 2408 §3.1)`);
  const length = dv.getUint32(24);
  if (length < HEADER_LENGTH) throw new IsakmpDecodeError(24, `length field ${length} is less than the header (${HEADER_LENGTH})`);
  if (length !== b.length) throw new IsakmpDecodeError(24, `length field ${length} but the message has ${b.length} octets`);
  const flags = b[19];
  if (flags & 0xf8) throw new IsakmpDecodeError(19, `undefined flag bits 0x${(flags & 0xf8).toString(16)} set (RFC 2408 §3.1)`);
  return {
    icookie: b.slice(0, 8),
    rcookie: b.slice(8, 16),
    nextPayload: b[16],
    version,
    exchange: b[18],
    flags,
    messageId: dv.getUint32(20),
    length,
  };
}

/** Decodes a message; with the Encryption flag the body is returned as is, to be decrypted. */
export function decodeMessage(b: Uint8Array): IsakmpMessage {
  const header = decodeHeader(b);
  const body = b.subarray(HEADER_LENGTH, header.length);
  if (header.flags & FLAG.encryption) return { header, encrypted: true, body: body.slice() };
  return { header, encrypted: false, payloads: decodePayloads(header.nextPayload, body, HEADER_LENGTH) };
}
