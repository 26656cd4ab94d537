// Control Message Authentication (RFC 3931 §4.3, §5.4.1; facts §3.7) and the L2TPv2-style
// tunnel authentication by Challenge / Challenge Response (RFC 2661 §4.4.3, §5.1.1; facts §3.8).
import { createHash, createHmac } from 'node:crypto';
import { AVP, DIGEST_TYPE } from './avp-types.ts';
import { derivedKey, secretBytes, type Secret } from './hiding.ts';
import { controlOffset, type L2tpTransport } from './transport.ts';
import { bytesEqual, plainBytes, u16 } from './wire.ts';

/** Nonces as the SENDER of the message sees them: its own first (facts §3.7). */
export interface DigestNonces {
  sender: Uint8Array;
  receiver: Uint8Array;
}

interface DigestSlot {
  /** Offset of the digest octets (after the digest-type octet). */
  offset: number;
  length: number;
  digestType: number;
}

/** Where the Message Digest AVPs sit in an encoded control message. */
function digestSlots(b: Uint8Array, start: number, end: number): DigestSlot[] {
  const slots: DigestSlot[] = [];
  for (let o = start + 12; o + 6 <= end; ) {
    const len = u16(b, o) & 0x03ff;
    if (len < 6 || o + len > end) break;
    if (u16(b, o + 2) === 0 && u16(b, o + 4) === AVP.MessageDigest && len >= 7) {
      slots.push({ offset: o + 7, length: len - 7, digestType: b[o + 6] });
    }
    o += len;
  }
  return slots;
}

function controlBounds(b: Uint8Array, transport: L2tpTransport): { start: number; end: number } {
  const start = controlOffset(transport);
  const end = Math.min(b.length, start + (b.length - start >= 4 ? u16(b, start + 2) : 0));
  return { start, end };
}

/** The digest over a message whose digest octets are already zero. */
export function computeDigest(digestType: number, secret: Secret, message: Uint8Array, nonces?: DigestNonces): Uint8Array {
  const algo = digestType === DIGEST_TYPE.HmacSha1 ? 'sha1' : 'md5';
  const h = createHmac(algo, derivedKey(secret, 2));
  if (nonces) h.update(nonces.sender).update(nonces.receiver);
  return new Uint8Array(h.update(message).digest());
}

/** Fills every Message Digest AVP of an encoded message in place. */
export function signControlMessage(b: Uint8Array, transport: L2tpTransport, secret: Secret, nonces?: DigestNonces): void {
  const { start, end } = controlBounds(b, transport);
  const slots = digestSlots(b, start, end);
  for (const s of slots) b.fill(0, s.offset, s.offset + s.length);
  const message = b.subarray(start, end);
  for (const s of slots) b.set(computeDigest(s.digestType, secret, message, nonces).subarray(0, s.length), s.offset);
}

export type DigestVerdict = 'valid' | 'invalid' | 'absent';

/**
 * Checks a received message; `nonces` as the SENDER saw them (its nonce first). With two
 * digest AVPs, the message is accepted if either one verifies (3931 §5.4.1).
 */
export function verifyControlMessage(input: Uint8Array, transport: L2tpTransport, secret: Secret, nonces?: DigestNonces): DigestVerdict {
  const b = plainBytes(input);
  const { start, end } = controlBounds(b, transport);
  const slots = digestSlots(b, start, end);
  if (slots.length === 0) return 'absent';
  const zeroed = b.slice(start, end);
  const received = slots.map((s) => b.slice(s.offset, s.offset + s.length));
  for (const s of slots) zeroed.fill(0, s.offset - start, s.offset - start + s.length);
  for (let i = 0; i < slots.length; i++) {
    const want = computeDigest(slots[i].digestType, secret, zeroed, nonces).subarray(0, slots[i].length);
    if (bytesEqual(want, received[i])) return 'valid';
  }
  return 'invalid';
}

/**
 * v2-style Challenge Response: MD5(ID | secret | challenge), ID = the Message Type of the
 * message that carries the response (2 in an SCCRP, 3 in an SCCCN).
 */
export function challengeResponse(messageType: number, secret: Secret, challenge: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('md5').update(Uint8Array.of(messageType)).update(secretBytes(secret)).update(challenge).digest());
}
