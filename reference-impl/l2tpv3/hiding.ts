// AVP hiding (H bit), RFC 3931 §5.3 as digested in l2tpv3-protocol-facts §3.3:
//   shared_key = HMAC-MD5(secret, 0x01)
//   subformat  = original length (2) | original value | padding
//   b1 = MD5(type(2) | shared_key | RV), c1 = p1 ^ b1, bi = MD5(shared_key | c(i-1)), ci = pi ^ bi
import { createHash, createHmac } from 'node:crypto';

export type Secret = string | Uint8Array;

export function secretBytes(secret: Secret): Uint8Array {
  return typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
}

const keyCache = new Map<string, Uint8Array>();

/** HMAC-MD5(secret, label): label 1 keys AVP hiding, label 2 the Message Digest (3931 §5.3, §5.4.1). */
export function derivedKey(secret: Secret, label: 1 | 2): Uint8Array {
  const s = secretBytes(secret);
  const cacheKey = `${label}:${Buffer.from(s).toString('hex')}`;
  let k = keyCache.get(cacheKey);
  if (!k) {
    k = new Uint8Array(createHmac('md5', s).update(Uint8Array.of(label)).digest());
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(cacheKey, k);
  }
  return k;
}

function xorStream(attributeType: number, key: Uint8Array, rv: Uint8Array, input: Uint8Array, decrypt: boolean): Uint8Array {
  const out = new Uint8Array(input.length);
  let prevCipher: Uint8Array | null = null;
  for (let off = 0; off < input.length; off += 16) {
    const h = createHash('md5');
    if (prevCipher === null) h.update(Uint8Array.of(attributeType >>> 8, attributeType & 0xff)).update(key).update(rv);
    else h.update(key).update(prevCipher);
    const b = h.digest();
    const end = Math.min(off + 16, input.length);
    for (let i = off; i < end; i++) out[i] = input[i] ^ b[i - off];
    // The chain always runs on the ciphertext block, whichever way we go.
    prevCipher = decrypt ? input.subarray(off, end) : out.subarray(off, end);
  }
  return out;
}

export function hideValue(attributeType: number, secret: Secret, rv: Uint8Array, value: Uint8Array, padding: Uint8Array): Uint8Array {
  const plain = new Uint8Array(2 + value.length + padding.length);
  plain[0] = value.length >>> 8;
  plain[1] = value.length & 0xff;
  plain.set(value, 2);
  plain.set(padding, 2 + value.length);
  return xorStream(attributeType, derivedKey(secret, 1), rv, plain, false);
}

/** The original value and padding, or a reason the hidden octets do not hold one. */
export function unhideValue(
  attributeType: number, secret: Secret, rv: Uint8Array, hidden: Uint8Array,
): { value: Uint8Array; padding: Uint8Array } | string {
  if (hidden.length < 2) return 'hidden value shorter than its 2-octet length field';
  const plain = xorStream(attributeType, derivedKey(secret, 1), rv, hidden, true);
  const len = (plain[0] << 8) | plain[1];
  if (2 + len > plain.length) return `hidden value says ${len} octets but holds ${plain.length - 2} (wrong secret?)`;
  return { value: plain.slice(2, 2 + len), padding: plain.slice(2 + len) };
}
