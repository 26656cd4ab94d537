// What a Message Digest check of a captured control message needs from its raw AVPs (3931 §4.3,
// facts §3.7): whether it is an SCCRQ (signed without nonces) and the sender's Nonce. Read from the
// raw bytes, so the nonce is known even when a hidden AVP fails to decode. Shared by the full and
// the fast capture decoder. Pure.
import { AVP } from '../l2tpv3/avp-types.ts';

export interface DigestInputs {
  readonly sccrq: boolean;
  /** The message's unhidden Nonce AVP value, if any (a copy). */
  readonly nonce: Uint8Array | undefined;
}

/** `b[base..]` is the control header (after the 4-octet session word over IP); `limit` bounds the message. */
export function digestInputs(b: Uint8Array, base: number, limit: number): DigestInputs {
  const end = Math.min(limit, base + (limit >= base + 4 ? (b[base + 2] << 8) | b[base + 3] : 0));
  let sccrq = false;
  let nonce: Uint8Array | undefined;
  for (let o = base + 12; o + 6 <= end; ) {
    const len = ((b[o] << 8) | b[o + 1]) & 0x3ff;
    if (len < 6 || o + len > end) break;
    const vendor = (b[o + 2] << 8) | b[o + 3];
    const type = (b[o + 4] << 8) | b[o + 5];
    if (vendor === 0 && type === AVP.MessageType && len === 8 && o === base + 12) sccrq = ((b[o + 6] << 8) | b[o + 7]) === 1;
    if (vendor === 0 && type === AVP.Nonce && !(b[o] & 0x40)) nonce = b.slice(o + 6, o + len);
    o += len;
  }
  return { sccrq, nonce };
}
