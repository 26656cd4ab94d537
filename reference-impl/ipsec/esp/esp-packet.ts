// The ESP packet itself (RFC 4303 §2, transport mode): SPI | Sequence Number | IV | ciphertext of
// (payload | padding | pad length | next header) | ICV, with CBC ciphers (RFC 3602, RFC 2451) and
// HMAC ICVs over SPI..ciphertext (RFC 4303 §3.3.4, RFC 2404, RFC 4868). Offsets in every rejection
// are from the first octet of the SPI. The IV is the caller's (pure code draws no randomness).
import { cbcDecrypt, cbcEncrypt, icv, icvEquals } from '../cipher-suite.ts';
import type { EspSa } from './esp-sa.ts';
import { spiHex } from './esp-sa.ts';
import type { ReplayWindow } from './replay-window.ts';
import { put32, u32 } from '../../l2tpv3/wire.ts';

export const ESP_HEADER_BYTES = 8;
/** Next Header 59 marks a dummy packet, which the receiver discards (RFC 4303 §2.6). */
export const NEXT_HEADER_NO_NEXT = 59;

export type EspErrorKind =
  | 'truncated'           // shorter than header + IV + one block + ICV
  | 'not-block-aligned'   // ciphertext not a whole number of cipher blocks
  | 'spi-mismatch'        // SPI is not the SA's
  | 'sequence-zero' | 'replayed' | 'outside-window' // anti-replay (§3.4.3)
  | 'icv-mismatch'        // integrity check failed (§3.4.4.1)
  | 'pad-length'          // Pad Length larger than what was decrypted before it
  | 'bad-padding'         // pad bytes not 1, 2, 3, ... (§2.4)
  | 'dummy-packet'        // Next Header 59 (§2.6)
  | 'next-header';        // Next Header the caller does not accept

export interface EspError {
  kind: EspErrorKind;
  /** Offset of the offending octet from the start of the ESP header. */
  offset: number;
  reason: string;
}

export interface EspHeader {
  spi: number;
  sequence: number;
}

export type EspHeaderResult = { ok: true; value: EspHeader } | { ok: false; error: EspError };

/** SPI and sequence number, readable without keys (what a capture shows of an SA it cannot decrypt). */
export function readEspHeader(b: Uint8Array): EspHeaderResult {
  if (b.length < ESP_HEADER_BYTES) {
    return { ok: false, error: { kind: 'truncated', offset: b.length, reason: `ESP header cut short (${b.length} of 8 octets)` } };
  }
  return { ok: true, value: { spi: u32(b, 0), sequence: u32(b, 4) } };
}

export interface EspEncapsulation {
  sa: EspSa;
  sequence: number;
  /** IP protocol of the payload (17 for UDP/1701, 115 for L2TPv3 over IP). */
  nextHeader: number;
  payload: Uint8Array;
  /** Exactly sa.cipher.ivBytes octets; unpredictable in real use (RFC 3602 §3). */
  iv: Uint8Array;
  /** Whole extra blocks of padding beyond the minimum (RFC 4303 §2.4 allows up to 255 octets in all). */
  extraPadBlocks?: number;
}

/** The ESP packet for one payload: header, IV, ciphertext, ICV. Throws RangeError on bad sizes. */
export function encapsulateEsp(e: EspEncapsulation): Uint8Array {
  const { sa } = e;
  const block = sa.cipher.blockBytes;
  if (!Number.isInteger(e.sequence) || e.sequence < 0 || e.sequence > 0xffffffff) throw new RangeError(`sequence number ${e.sequence} is not a 32-bit value`);
  if (!Number.isInteger(e.nextHeader) || e.nextHeader < 0 || e.nextHeader > 255) throw new RangeError(`next header ${e.nextHeader} is not an octet`);
  const minPad = (block - ((e.payload.length + 2) % block)) % block;
  const padLength = minPad + (e.extraPadBlocks ?? 0) * block;
  if (padLength > 255) throw new RangeError(`pad length ${padLength} is over 255 (RFC 4303 §2.5)`);
  const plain = new Uint8Array(e.payload.length + padLength + 2);
  plain.set(e.payload, 0);
  // Default padding contents: 1, 2, 3, ... (RFC 4303 §2.4).
  for (let i = 0; i < padLength; i++) plain[e.payload.length + i] = i + 1;
  plain[plain.length - 2] = padLength;
  plain[plain.length - 1] = e.nextHeader;
  const cipherText = cbcEncrypt(sa.cipher, sa.encryptionKey, e.iv, plain);
  const ivBytes = sa.cipher.ivBytes;
  const bodyEnd = ESP_HEADER_BYTES + ivBytes + cipherText.length;
  const out = new Uint8Array(bodyEnd + sa.integrity.icvBytes);
  put32(out, 0, sa.spi);
  put32(out, 4, e.sequence);
  out.set(e.iv, ESP_HEADER_BYTES);
  out.set(cipherText, ESP_HEADER_BYTES + ivBytes);
  out.set(icv(sa.integrity, sa.authenticationKey, out.subarray(0, bodyEnd)), bodyEnd);
  return out;
}

export interface EspDecapsulated {
  spi: number;
  sequence: number;
  nextHeader: number;
  payload: Uint8Array;
  padLength: number;
  /** Offset of payload's first octet from the start of the ESP header. */
  payloadOffset: number;
}

export type EspDecapsulateResult = { ok: true; value: EspDecapsulated } | { ok: false; error: EspError };

export interface EspDecapsulateOptions {
  /** The receiver's window: checked before the ICV, moved after it (RFC 4303 §3.4.3). */
  replay?: ReplayWindow;
  /** Next Header values the SA's selectors admit (RFC 4301 §5.2); any but 59 when absent. */
  acceptNextHeader?: (nextHeader: number) => boolean;
}

/**
 * Inbound processing of RFC 4303 §3.4 for one SA: lengths, SPI, anti-replay, ICV, then
 * decryption and the padding checks of §2.4. Never throws on any input octets.
 */
export function decapsulateEsp(sa: EspSa, b: Uint8Array, opts: EspDecapsulateOptions = {}): EspDecapsulateResult {
  const ivBytes = sa.cipher.ivBytes;
  const block = sa.cipher.blockBytes;
  const icvBytes = sa.integrity.icvBytes;
  const min = ESP_HEADER_BYTES + ivBytes + block + icvBytes;
  if (b.length < min) return fail('truncated', b.length, `ESP packet of ${b.length} octets is shorter than the ${min} that header, IV, one ${sa.cipher.name} block and a ${icvBytes}-octet ICV need`);
  const spi = u32(b, 0);
  if (spi !== sa.spi) return fail('spi-mismatch', 0, `SPI ${spiHex(spi)} is not the SA's ${spiHex(sa.spi)}`);
  const sequence = u32(b, 4);
  const bodyEnd = b.length - icvBytes;
  const cipherStart = ESP_HEADER_BYTES + ivBytes;
  const cipherLength = bodyEnd - cipherStart;
  if (cipherLength % block !== 0) {
    return fail('not-block-aligned', cipherStart, `ciphertext of ${cipherLength} octets is not a multiple of the ${block}-octet ${sa.cipher.name} block (or the ICV is not ${icvBytes} octets)`);
  }
  const replay = opts.replay?.check(sequence);
  if (replay && !replay.ok) return fail(replay.kind, 4, replay.reason);
  const expected = icv(sa.integrity, sa.authenticationKey, b.subarray(0, bodyEnd));
  if (!icvEquals(expected, b.subarray(bodyEnd))) {
    return fail('icv-mismatch', bodyEnd, `${sa.integrity.name} ICV does not match (wrong key or altered packet)`);
  }
  opts.replay?.update(sequence);
  const plain = cbcDecrypt(sa.cipher, sa.encryptionKey, b.subarray(ESP_HEADER_BYTES, cipherStart), b.subarray(cipherStart, bodyEnd));
  const padLengthAt = plain.length - 2;
  const padLength = plain[padLengthAt];
  const nextHeader = plain[plain.length - 1];
  if (padLength > padLengthAt) {
    return fail('pad-length', cipherStart + padLengthAt, `pad length ${padLength} is more than the ${padLengthAt} octets before it`);
  }
  const padStart = padLengthAt - padLength;
  for (let i = 0; i < padLength; i++) {
    if (plain[padStart + i] !== i + 1) {
      return fail('bad-padding', cipherStart + padStart + i, `pad octet ${i + 1} of ${padLength} is ${plain[padStart + i]}, not ${i + 1} (RFC 4303 §2.4)`);
    }
  }
  const nextHeaderAt = cipherStart + plain.length - 1;
  if (nextHeader === NEXT_HEADER_NO_NEXT) return fail('dummy-packet', nextHeaderAt, 'next header 59: a dummy packet, discarded (RFC 4303 §2.6)');
  if (opts.acceptNextHeader && !opts.acceptNextHeader(nextHeader)) {
    return fail('next-header', nextHeaderAt, `next header ${nextHeader} is not admitted by this SA's selectors`);
  }
  return { ok: true, value: { spi, sequence, nextHeader, payload: plain.subarray(0, padStart), padLength, payloadOffset: cipherStart } };
}

function fail(kind: EspErrorKind, offset: number, reason: string): { ok: false; error: EspError } {
  return { ok: false, error: { kind, offset, reason } };
}
