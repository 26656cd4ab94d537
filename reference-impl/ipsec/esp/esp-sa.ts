// One ESP security association as the packet code needs it: SPI, algorithms, keys
// (RFC 4303 §3.4.2: the receiver finds the SA by SPI, and by destination when it has several).
// Errors name sizes and algorithms, never key bytes.
import { CIPHERS, INTEGRITIES, type CbcCipher, type CipherName, type HmacIntegrity, type IntegrityName } from '../cipher-suite.ts';

export interface EspSa {
  readonly spi: number;
  readonly cipher: CbcCipher;
  readonly encryptionKey: Uint8Array;
  readonly integrity: HmacIntegrity;
  readonly authenticationKey: Uint8Array;
}

export interface EspSaSpec {
  spi: number;
  cipher: CipherName;
  encryptionKey: Uint8Array;
  integrity: IntegrityName;
  authenticationKey: Uint8Array;
}

/** SPI values 1-255 are reserved by IANA and 0 for local use (RFC 4303 §2.1): an SA never has one. */
export const MIN_SPI = 256;

/** Validates sizes and builds the SA; throws RangeError naming what is wrong (never a key's value). */
export function espSa(spec: EspSaSpec): EspSa {
  if (!Number.isInteger(spec.spi) || spec.spi < MIN_SPI || spec.spi > 0xffffffff) {
    throw new RangeError(`SPI ${spec.spi} is outside ${MIN_SPI}..4294967295 (RFC 4303 §2.1)`);
  }
  const cipher = CIPHERS[spec.cipher];
  const integrity = INTEGRITIES[spec.integrity];
  if (!cipher) throw new RangeError(`unknown ESP cipher '${spec.cipher}'`);
  if (!integrity) throw new RangeError(`unknown ESP authentication algorithm '${spec.integrity}'`);
  if (spec.encryptionKey.length !== cipher.keyBytes) {
    throw new RangeError(`${cipher.name} needs a ${cipher.keyBytes}-octet key, got ${spec.encryptionKey.length} octets`);
  }
  if (spec.authenticationKey.length !== integrity.keyBytes) {
    throw new RangeError(`${integrity.name} needs a ${integrity.keyBytes}-octet key, got ${spec.authenticationKey.length} octets`);
  }
  return { spi: spec.spi >>> 0, cipher, encryptionKey: spec.encryptionKey, integrity, authenticationKey: spec.authenticationKey };
}

export function spiHex(spi: number): string {
  return `0x${(spi >>> 0).toString(16).padStart(8, '0')}`;
}
