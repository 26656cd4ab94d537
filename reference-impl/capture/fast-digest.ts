// Message Digest checks for the fast decoder: the verdict of authentication.ts
// verifyControlMessage (3931 §5.4.1: HMAC over the nonces, then the message with its digest
// octets zeroed, keyed by the label-2 key derived from the secret), computed with the derived
// key and its HMAC pads made once and two one-shot hashes per digest instead of an HMAC object
// per message: with the shared secret, that object was most of the time `decode` spent on a
// control-heavy capture. The agreement tests (tests/reference-impl/capture/) hold the verdicts
// to verifyControlMessage's on every sample digest (MD5 and SHA-1) and on mutated ones.
import { hash } from 'node:crypto';
import { AVP, DIGEST_TYPE } from '../l2tpv3/avp-types.ts';
import { derivedKey, type Secret } from '../l2tpv3/hiding.ts';
import { DIGEST } from './fast-packet.ts';

const BLOCK = 64; // HMAC block size of MD5 and SHA-1 (RFC 2104)

export class FastDigestVerifier {
  private readonly ipad = new Uint8Array(BLOCK);
  private readonly opad = new Uint8Array(BLOCK);
  /** ipad, then the nonces and the zeroed message of the current check. */
  private inner = new Uint8Array(BLOCK + 1024);
  /** opad, then the inner hash. */
  private readonly outer = new Uint8Array(BLOCK + 20);

  constructor(secret: Secret) {
    const key = derivedKey(secret, 2); // 16 octets: shorter than a block, used as it is
    for (let i = 0; i < BLOCK; i++) {
      const k = i < key.length ? key[i] : 0;
      this.ipad[i] = k ^ 0x36;
      this.opad[i] = k ^ 0x5c;
    }
    this.outer.set(this.opad, 0);
  }

  /**
   * The verdict for the control message at b[s, e) (`ip`: after the zero Session ID), nonces as
   * its sender saw them (sender first), none for an SCCRQ. DIGEST.Valid when any digest AVP verifies.
   */
  verify(b: Uint8Array, s: number, e: number, ip: boolean, sender: Uint8Array | undefined, receiver: Uint8Array | undefined): number {
    const start = s + (ip ? 4 : 0);
    const end = Math.min(e, start + (e - start >= 4 ? (b[start + 2] << 8) | b[start + 3] : 0));
    const nonces = sender !== undefined && receiver !== undefined ? sender.length + receiver.length : 0;
    const n = BLOCK + nonces + Math.max(0, end - start);
    let slots = 0;
    let valid = false;
    let prepared = false;
    for (let o = start + 12; o + 6 <= end; ) {
      const len = ((b[o] << 8) | b[o + 1]) & 0x03ff;
      if (len < 6 || o + len > end) break;
      if (((b[o + 2] << 8) | b[o + 3]) === 0 && ((b[o + 4] << 8) | b[o + 5]) === AVP.MessageDigest && len >= 7) {
        slots++;
        if (!prepared) {
          this.prepare(b, start, end, sender, receiver, n);
          prepared = true;
        }
        if (!valid && this.matches(b, o + 7, len - 7, b[o + 6], n)) valid = true;
      }
      o += len;
    }
    return slots === 0 ? DIGEST.Absent : valid ? DIGEST.Valid : DIGEST.Invalid;
  }

  /** inner = ipad | sender nonce | receiver nonce | message with every digest's octets zeroed. */
  private prepare(b: Uint8Array, start: number, end: number, sender: Uint8Array | undefined, receiver: Uint8Array | undefined, n: number): void {
    if (this.inner.length < n) this.inner = new Uint8Array(n * 2);
    const x = this.inner;
    x.set(this.ipad, 0);
    let w = BLOCK;
    if (sender !== undefined && receiver !== undefined) {
      x.set(sender, w);
      w += sender.length;
      x.set(receiver, w);
      w += receiver.length;
    }
    const base = w - start;
    x.set(b.subarray(start, end), w);
    for (let o = start + 12; o + 6 <= end; ) {
      const len = ((b[o] << 8) | b[o + 1]) & 0x03ff;
      if (len < 6 || o + len > end) break;
      if (((b[o + 2] << 8) | b[o + 3]) === 0 && ((b[o + 4] << 8) | b[o + 5]) === AVP.MessageDigest && len >= 7) x.fill(0, base + o + 7, base + o + len);
      o += len;
    }
  }

  /** Whether the received digest b[at, at+length) equals the HMAC's first `length` octets (verifyControlMessage's comparison). */
  private matches(b: Uint8Array, at: number, length: number, digestType: number, n: number): boolean {
    const algo = digestType === DIGEST_TYPE.HmacSha1 ? 'sha1' : 'md5';
    const size = algo === 'sha1' ? 20 : 16;
    if (length > size) return false;
    const innerHash = hash(algo, this.inner.subarray(0, n), 'buffer') as unknown as Uint8Array;
    this.outer.set(innerHash, BLOCK);
    const mac = hash(algo, this.outer.subarray(0, BLOCK + size), 'buffer') as unknown as Uint8Array;
    for (let i = 0; i < length; i++) if (mac[i] !== b[at + i]) return false;
    return true;
  }
}
