// From decoded ISAKMP octets to what handlers read: the payloads, each payload's raw body (the
// "_b" inputs of HASH_I/HASH_R, SKEYID and KEYMAT are the bodies as received, not re-encoded),
// and the chain after the first payload (what HASH(1)/HASH(2) cover).
import { PAYLOAD } from '../isakmp/constants.ts';
import { decodePayloads, type Payload } from '../isakmp/payloads.ts';
import { HEADER_LENGTH } from '../isakmp/message.ts';

export interface Chain {
  payloads: Payload[];
  bodies: Uint8Array[];
  afterFirst: Uint8Array;
}

/** `bytes` is the payload chain (clear body, or decrypted plaintext with padding after the chain). */
export function readChain(first: number, bytes: Uint8Array, padding: boolean): Chain {
  const payloads = decodePayloads(first, bytes, HEADER_LENGTH, padding);
  const bodies: Uint8Array[] = [];
  let o = 0;
  let next = first;
  let firstEnd = 0;
  while (next !== PAYLOAD.none) {
    const len = (bytes[o + 2] << 8) | bytes[o + 3];
    bodies.push(bytes.slice(o + 4, o + len));
    next = bytes[o];
    o += len;
    if (bodies.length === 1) firstEnd = o;
  }
  return { payloads, bodies, afterFirst: bytes.slice(firstEnd, o) };
}
