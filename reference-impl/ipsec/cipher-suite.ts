// The IPsec algorithm table: one row per cipher and per HMAC that RTX offers for L2TPv3/IPsec, with
// everything other code needs to name or run it (RTX keyword, node:crypto name, sizes, tshark's uat
// name, the IPsec DOI identifiers for the ESP algorithm), plus the primitives over node:crypto.
// Facts: yamaha-platform-facts.md §1.4 (`ipsec sa policy ... esp aes-cbc sha-hmac`: ESP algorithms
// 3des-cbc, des-cbc, aes-cbc, aes256-cbc; auth md5-hmac, sha-hmac, sha256-hmac, ...), ipsec-facts.md
// (RFCs 3602, 2404, 4868; node:crypto names; tshark uat strings). des-cbc and sha384/512-hmac exist on
// RTX but are outside issue 14's scope and have no row.
//
// Pure: no I/O, no randomness; IVs are passed in by the caller.
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/** RTX's ESP cipher keywords (`ipsec sa policy ... esp ALG`), also the key-log ENCALG field. */
export type CipherName = 'aes-cbc' | 'aes256-cbc' | '3des-cbc';
/** RTX's ESP authentication keywords, also the key-log AUTHALG field. */
export type IntegrityName = 'sha-hmac' | 'sha256-hmac' | 'md5-hmac';

export interface CbcCipher {
  readonly name: CipherName;
  /** node:crypto cipher name (ipsec-facts.md "Node facts"). */
  readonly nodeCipher: 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';
  readonly keyBytes: number;
  readonly blockBytes: number;
  /** Explicit IV carried at the start of the ESP payload (RFC 3602 §3, RFC 2451 §3). */
  readonly ivBytes: number;
  /** Encryption algorithm string of Wireshark 4.0's `uat:esp_sa` (checked against tshark 4.0.17). */
  readonly tsharkEspName: string;
  /** IPsec DOI ESP transform ID (RFC 2407 §4.4.4: ESP_3DES = 3; RFC 3602 §5: ESP_AES-CBC = 12). */
  readonly espTransformId: number;
  /** Key Length SA attribute in quick mode (RFC 3602 §5: mandatory for AES), null for fixed-key 3DES. */
  readonly keyLengthAttribute: number | null;
  readonly rfc: string;
}

export interface HmacIntegrity {
  readonly name: IntegrityName;
  /** node:crypto hash name for createHmac. */
  readonly nodeHash: 'sha1' | 'sha256' | 'md5';
  readonly keyBytes: number;
  /** Full HMAC output length. */
  readonly digestBytes: number;
  /** ICV length in ESP: the HMAC truncated to its first icvBytes octets. */
  readonly icvBytes: number;
  /** Authentication algorithm string of Wireshark 4.0's `uat:esp_sa`. */
  readonly tsharkEspName: string;
  /** IPsec DOI "Authentication Algorithm" SA attribute (RFC 2407 §4.5: HMAC-MD5 1, HMAC-SHA 2; RFC 4868 §2.4 / IANA: HMAC-SHA2-256 5). */
  readonly ipsecAuthAttribute: number;
  readonly rfc: string;
}

export const CIPHERS: Readonly<Record<CipherName, CbcCipher>> = {
  'aes-cbc': {
    name: 'aes-cbc', nodeCipher: 'aes-128-cbc', keyBytes: 16, blockBytes: 16, ivBytes: 16,
    tsharkEspName: 'AES-CBC [RFC3602]', espTransformId: 12, keyLengthAttribute: 128, rfc: 'RFC 3602',
  },
  'aes256-cbc': {
    name: 'aes256-cbc', nodeCipher: 'aes-256-cbc', keyBytes: 32, blockBytes: 16, ivBytes: 16,
    // Wireshark's "AES-CBC [RFC3602]" takes the key size from the key given (128/192/256 bits).
    tsharkEspName: 'AES-CBC [RFC3602]', espTransformId: 12, keyLengthAttribute: 256, rfc: 'RFC 3602',
  },
  '3des-cbc': {
    name: '3des-cbc', nodeCipher: 'des-ede3-cbc', keyBytes: 24, blockBytes: 8, ivBytes: 8,
    tsharkEspName: 'TripleDES-CBC [RFC2451]', espTransformId: 3, keyLengthAttribute: null, rfc: 'RFC 2451',
  },
};

export const INTEGRITIES: Readonly<Record<IntegrityName, HmacIntegrity>> = {
  'sha-hmac': {
    name: 'sha-hmac', nodeHash: 'sha1', keyBytes: 20, digestBytes: 20, icvBytes: 12,
    tsharkEspName: 'HMAC-SHA-1-96 [RFC2404]', ipsecAuthAttribute: 2, rfc: 'RFC 2404',
  },
  'sha256-hmac': {
    name: 'sha256-hmac', nodeHash: 'sha256', keyBytes: 32, digestBytes: 32, icvBytes: 16,
    tsharkEspName: 'HMAC-SHA-256-128 [RFC4868]', ipsecAuthAttribute: 5, rfc: 'RFC 4868',
  },
  'md5-hmac': {
    name: 'md5-hmac', nodeHash: 'md5', keyBytes: 16, digestBytes: 16, icvBytes: 12,
    tsharkEspName: 'HMAC-MD5-96 [RFC2403]', ipsecAuthAttribute: 1, rfc: 'RFC 2403',
  },
};

export const CIPHER_NAMES = Object.keys(CIPHERS) as readonly CipherName[];
export const INTEGRITY_NAMES = Object.keys(INTEGRITIES) as readonly IntegrityName[];

export function isCipherName(s: string): s is CipherName {
  return Object.prototype.hasOwnProperty.call(CIPHERS, s);
}

export function isIntegrityName(s: string): s is IntegrityName {
  return Object.prototype.hasOwnProperty.call(INTEGRITIES, s);
}

/**
 * CBC encryption without padding: data must already be a whole number of blocks (ESP and ISAKMP
 * both pad themselves, RFC 4303 §2.4, RFC 2409 §5.3). Throws on a programming error (wrong sizes).
 */
export function cbcEncrypt(cipher: CbcCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbcArgs(cipher, key, iv, data);
  const c = createCipheriv(cipher.nodeCipher, key, iv);
  c.setAutoPadding(false);
  return concat(c.update(data), c.final());
}

/** CBC decryption without padding removal; same size rules as cbcEncrypt. */
export function cbcDecrypt(cipher: CbcCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  checkCbcArgs(cipher, key, iv, data);
  const d = createDecipheriv(cipher.nodeCipher, key, iv);
  d.setAutoPadding(false);
  return concat(d.update(data), d.final());
}

function checkCbcArgs(cipher: CbcCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  // Messages name sizes only, never key bytes.
  if (key.length !== cipher.keyBytes) throw new RangeError(`${cipher.name}: key is ${key.length} octets, needs ${cipher.keyBytes}`);
  if (iv.length !== cipher.ivBytes) throw new RangeError(`${cipher.name}: IV is ${iv.length} octets, needs ${cipher.ivBytes}`);
  if (data.length % cipher.blockBytes !== 0) {
    throw new RangeError(`${cipher.name}: ${data.length} octets is not a multiple of the ${cipher.blockBytes}-octet block`);
  }
}

/** Full-length HMAC with a hash by node:crypto name (IKE's prf uses it untruncated, RFC 2409 §5). */
export function hmac(hash: HmacIntegrity['nodeHash'], key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** The ESP ICV: HMAC over parts, truncated to the algorithm's ICV length (RFC 2404 §2, RFC 4868 §2.6). */
export function icv(integrity: HmacIntegrity, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  if (key.length !== integrity.keyBytes) {
    throw new RangeError(`${integrity.name}: key is ${key.length} octets, needs ${integrity.keyBytes}`);
  }
  return hmac(integrity.nodeHash, key, ...parts).subarray(0, integrity.icvBytes);
}

/** Constant-time comparison of an ICV received with the one computed (RFC 4303 §3.4.4.1). */
export function icvEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
