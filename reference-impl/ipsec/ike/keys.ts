// IKEv1 key schedule for pre-shared keys (RFC 2409 §5, §5.4, §5.5, Appendix B). prf is the
// HMAC of the negotiated hash (RFC 2409 §5: "prf ... the HMAC version of the negotiated hash").
// Inputs are octet strings; callers pass the payload *bodies* (no generic header) where the RFC
// writes "_b" (SAi_b, IDii_b, Ni_b).
import { hmac } from '../cipher-suite.ts';
import type { PrfHash } from './algorithms.ts';

const u32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
};
const byte = (v: number): Uint8Array => Uint8Array.of(v);

export function prf(hash: PrfHash, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  return hmac(hash, key, ...parts);
}

export interface Phase1Keys {
  skeyid: Uint8Array;
  skeyidD: Uint8Array;
  skeyidA: Uint8Array;
  skeyidE: Uint8Array;
  /** The cipher key: SKEYID_e, extended when the cipher needs more (RFC 2409 Appendix B). */
  encKey: Uint8Array;
}

export interface Phase1KeyInputs {
  hash: PrfHash;
  psk: Uint8Array;
  ni: Uint8Array;
  nr: Uint8Array;
  /** g^xy, full prime length. */
  gxy: Uint8Array;
  icookie: Uint8Array;
  rcookie: Uint8Array;
  encKeyLength: number;
}

/** RFC 2409 §5: SKEYID = prf(pre-shared-key, Ni_b | Nr_b) for PSK (§5.4); then SKEYID_d/a/e. */
export function phase1Keys(k: Phase1KeyInputs): Phase1Keys {
  const skeyid = prf(k.hash, k.psk, k.ni, k.nr);
  const skeyidD = prf(k.hash, skeyid, k.gxy, k.icookie, k.rcookie, byte(0));
  const skeyidA = prf(k.hash, skeyid, skeyidD, k.gxy, k.icookie, k.rcookie, byte(1));
  const skeyidE = prf(k.hash, skeyid, skeyidA, k.gxy, k.icookie, k.rcookie, byte(2));
  return { skeyid, skeyidD, skeyidA, skeyidE, encKey: extendEncKey(k.hash, skeyidE, k.encKeyLength) };
}

/**
 * RFC 2409 Appendix B: when the cipher needs more key than SKEYID_e holds,
 * Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, K(n-1)); the key is the first
 * octets of Ka. Otherwise the first octets of SKEYID_e.
 */
export function extendEncKey(hash: PrfHash, skeyidE: Uint8Array, length: number): Uint8Array {
  if (skeyidE.length >= length) return skeyidE.slice(0, length);
  const parts: Uint8Array[] = [];
  let k = prf(hash, skeyidE, byte(0));
  let have = 0;
  for (;;) {
    parts.push(k);
    have += k.length;
    if (have >= length) break;
    k = prf(hash, skeyidE, k);
  }
  return Uint8Array.from(Buffer.concat(parts)).slice(0, length);
}

export interface AuthHashInputs {
  hash: PrfHash;
  skeyid: Uint8Array;
  gxi: Uint8Array;
  gxr: Uint8Array;
  icookie: Uint8Array;
  rcookie: Uint8Array;
  /** The initiator's SA payload body (SAi_b), as sent. */
  saiBody: Uint8Array;
  /** The ID payload body of the side being authenticated (IDii_b or IDir_b). */
  idBody: Uint8Array;
}

/** RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
export function hashI(a: AuthHashInputs): Uint8Array {
  return prf(a.hash, a.skeyid, a.gxi, a.gxr, a.icookie, a.rcookie, a.saiBody, a.idBody);
}

/** RFC 2409 §5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
export function hashR(a: AuthHashInputs): Uint8Array {
  return prf(a.hash, a.skeyid, a.gxr, a.gxi, a.rcookie, a.icookie, a.saiBody, a.idBody);
}

/** RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | <payloads after HASH>), also the informational HASH (§5.7). */
export function quickHash1(hash: PrfHash, skeyidA: Uint8Array, messageId: number, rest: Uint8Array): Uint8Array {
  return prf(hash, skeyidA, u32(messageId), rest);
}

/** RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | <payloads after HASH>). */
export function quickHash2(hash: PrfHash, skeyidA: Uint8Array, messageId: number, niBody: Uint8Array, rest: Uint8Array): Uint8Array {
  return prf(hash, skeyidA, u32(messageId), niBody, rest);
}

/** RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
export function quickHash3(hash: PrfHash, skeyidA: Uint8Array, messageId: number, niBody: Uint8Array, nrBody: Uint8Array): Uint8Array {
  return prf(hash, skeyidA, byte(0), u32(messageId), niBody, nrBody);
}

export interface KeymatInputs {
  hash: PrfHash;
  skeyidD: Uint8Array;
  /** g(qm)^xy with PFS, undefined without. */
  gqmxy?: Uint8Array;
  protocolId: number;
  /** The SPI of the SA this key material is for: the receiving end's SPI. */
  spi: Uint8Array;
  niBody: Uint8Array;
  nrBody: Uint8Array;
  length: number;
}

/**
 * RFC 2409 §5.5: KEYMAT = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), extended as
 * K1 | K2 | ... with Kn = prf(SKEYID_d, K(n-1) | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 * The ESP encryption key comes first, then the authentication key (RFC 2409 §5.5).
 */
export function keymat(k: KeymatInputs): Uint8Array {
  const tail = [...(k.gqmxy ? [k.gqmxy] : []), byte(k.protocolId), k.spi, k.niBody, k.nrBody];
  const parts: Uint8Array[] = [];
  let prev: Uint8Array | undefined;
  let have = 0;
  while (have < k.length) {
    prev = prf(k.hash, k.skeyidD, ...(prev ? [prev] : []), ...tail);
    parts.push(prev);
    have += prev.length;
  }
  return Uint8Array.from(Buffer.concat(parts)).slice(0, k.length);
}
