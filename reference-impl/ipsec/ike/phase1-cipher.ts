// Encryption of ISAKMP payloads after the key exchange (RFC 2409 Appendix B): CBC under the
// phase-1 key with IVs chained across messages:
//  - phase 1: the first IV is hash(g^xi | g^xr) (the negotiated hash, not the prf), truncated to
//    the block size; each later phase-1 message uses the last cipher block of the previous one;
//  - each quick mode / informational exchange: IV = hash(last phase-1 CBC output block | M-ID),
//    then chained within that exchange the same way.
// Padding: the body is padded to the block size with zero octets; the receiver ignores what
// follows the payload chain (RFC 2408 §3.1: the length covers the padding).
import { createHash } from 'node:crypto';
import { cbcDecrypt, cbcEncrypt, type CbcCipher } from '../cipher-suite.ts';
import { FLAG } from '../isakmp/constants.ts';
import { decodePayloads, encodePayloads, type Payload } from '../isakmp/payloads.ts';
import { encodeHeader, HEADER_LENGTH, type IsakmpHeader, type PlainMessageFields } from '../isakmp/message.ts';
import type { PrfHash } from './algorithms.ts';

function hash(alg: PrfHash, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** RFC 2409 Appendix B: the phase-1 IV. */
export function phase1Iv(alg: PrfHash, cipher: CbcCipher, gxi: Uint8Array, gxr: Uint8Array): Uint8Array {
  return hash(alg, gxi, gxr).slice(0, cipher.blockBytes);
}

/** RFC 2409 Appendix B: the first IV of a quick mode or informational exchange. */
export function exchangeIv(alg: PrfHash, cipher: CbcCipher, lastPhase1Block: Uint8Array, messageId: number): Uint8Array {
  const mid = new Uint8Array(4);
  new DataView(mid.buffer).setUint32(0, messageId >>> 0);
  return hash(alg, lastPhase1Block, mid).slice(0, cipher.blockBytes);
}

export function lastBlock(cipher: CbcCipher, ciphertext: Uint8Array): Uint8Array {
  return ciphertext.slice(ciphertext.length - cipher.blockBytes);
}

export interface EncryptedOut {
  bytes: Uint8Array;
  /** The IV for the next message of the same chain. */
  nextIv: Uint8Array;
}

/** Builds a message with the Encryption flag and the payloads encrypted under key/iv. */
export function encryptMessage(m: PlainMessageFields, payloads: readonly Payload[], cipher: CbcCipher, key: Uint8Array, iv: Uint8Array): EncryptedOut {
  const { first, bytes } = encodePayloads(payloads);
  const padded = new Uint8Array(Math.ceil(bytes.length / cipher.blockBytes) * cipher.blockBytes || cipher.blockBytes);
  padded.set(bytes);
  const ct = cbcEncrypt(cipher, key, iv, padded);
  const h = encodeHeader({ ...m, flags: (m.flags ?? 0) | FLAG.encryption, nextPayload: first }, ct.length);
  return { bytes: Uint8Array.from(Buffer.concat([h, ct])), nextIv: lastBlock(cipher, ct) };
}

export interface DecryptedBody {
  plaintext: Uint8Array;
  payloads: Payload[];
  nextIv: Uint8Array;
}

/**
 * Decrypts an encrypted body and walks its payload chain. A wrong key or IV shows as an
 * IsakmpDecodeError from the chain walk (garbage lengths), or a body that is not whole blocks.
 */
export function decryptBody(header: IsakmpHeader, body: Uint8Array, cipher: CbcCipher, key: Uint8Array, iv: Uint8Array): DecryptedBody {
  if (body.length === 0 || body.length % cipher.blockBytes !== 0) {
    throw new DecryptError(`encrypted body of ${body.length} octets is not a whole number of ${cipher.blockBytes}-octet blocks`);
  }
  const plaintext = cbcDecrypt(cipher, key, iv, body);
  const payloads = decodePayloads(header.nextPayload, plaintext, HEADER_LENGTH, true);
  return { plaintext, payloads, nextIv: lastBlock(cipher, body) };
}

export class DecryptError extends Error {
  constructor(readonly what: string) {
    super(what);
    this.name = 'DecryptError';
  }
}
