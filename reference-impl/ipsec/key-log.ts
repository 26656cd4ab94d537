// The IPsec key log (issue 14, point 5), a format other tools and QA engineers' own scripts write
// too, so it is kept exactly: a text file, `#` starts a comment, one SA per line, fields separated by
// single spaces, hex without `0x`:
//   IKEV1 ICOOKIE ENCKEY
//   ESP SRC DST SPI ENCALG ENCKEY AUTHALG AUTHKEY
// SRC/DST are IP addresses or `*`; ENCALG is aes-cbc, aes256-cbc or 3des-cbc; AUTHALG sha-hmac,
// sha256-hmac or md5-hmac (RTX's names, cipher-suite.ts). Also: the tshark `-o` options that decrypt
// the same SAs (ipsec-facts.md "Wireshark/tshark 4.0"). Errors name the line and the field, never a
// field's value (the values are keys).
import { formatIpv6, parseIpv4, parseIpv6 } from '../capture/ip.ts';
import { CIPHER_NAMES, CIPHERS, INTEGRITIES, INTEGRITY_NAMES, isCipherName, isIntegrityName, type CipherName, type IntegrityName } from './cipher-suite.ts';
import { espSa, type EspSa } from './esp/esp-sa.ts';

export interface Ikev1KeyLogEntry {
  kind: 'IKEV1';
  /** Initiator cookie, 8 octets (RFC 2408 §3.1). */
  icookie: Uint8Array;
  /** The phase-1 encryption key (RFC 2409 §5.3, extended to the cipher's key length). */
  encKey: Uint8Array;
}

export interface EspKeyLogEntry {
  kind: 'ESP';
  /** Canonical address text (IPv6 in RFC 5952 form) or `*` for any. */
  src: string;
  dst: string;
  spi: number;
  cipher: CipherName;
  encKey: Uint8Array;
  integrity: IntegrityName;
  authKey: Uint8Array;
}

export type KeyLogEntry = Ikev1KeyLogEntry | EspKeyLogEntry;

export class KeyLogError extends Error {
  constructor(readonly line: number, readonly field: string | null, readonly what: string) {
    super(`line ${line}${field ? `: ${field}` : ''}: ${what}`);
    this.name = 'KeyLogError';
  }
}

const IKEV1_FIELDS = ['IKEV1', 'ICOOKIE', 'ENCKEY'] as const;
const ESP_FIELDS = ['ESP', 'SRC', 'DST', 'SPI', 'ENCALG', 'ENCKEY', 'AUTHALG', 'AUTHKEY'] as const;
/** Phase-1 key lengths: DES, AES-128, 3DES / AES-192, AES-256 (what Wireshark's table takes). */
const IKEV1_KEY_LENGTHS = [8, 16, 24, 32];

export interface KeyLogParse {
  entries: KeyLogEntry[];
  /** Every bad line; a caller that needs all keys treats any error as fatal. */
  errors: KeyLogError[];
}

/** Parses a key log; lines are numbered from 1. Never throws. */
export function parseKeyLog(text: string): KeyLogParse {
  const entries: KeyLogEntry[] = [];
  const errors: KeyLogError[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf('#');
    // Whitespace at either end is not a separator (CRLF files, a space before a trailing comment).
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content === '') return;
    try {
      const e = parseLine(content, line);
      const id = e.kind === 'IKEV1' ? `IKEV1 ${hex(e.icookie)}` : `ESP ${e.src} ${e.dst} ${e.spi}`;
      const first = seen.get(id);
      if (first !== undefined) throw new KeyLogError(line, null, `the same SA as line ${first}`);
      seen.set(id, line);
      entries.push(e);
    } catch (err) {
      if (err instanceof KeyLogError) errors.push(err);
      else throw err;
    }
  });
  return { entries, errors };
}

function parseLine(content: string, line: number): KeyLogEntry {
  if (/[^ -~]/.test(content)) throw new KeyLogError(line, null, 'holds a tab or a non-ASCII character; fields are separated by single spaces');
  const f = content.split(' ');
  if (f.some((x) => x === '')) throw new KeyLogError(line, null, 'fields must be separated by single spaces');
  if (f[0] === 'IKEV1') {
    if (f.length !== IKEV1_FIELDS.length) throw new KeyLogError(line, null, `IKEV1 line has ${f.length} fields, needs ${IKEV1_FIELDS.length} (IKEV1 ICOOKIE ENCKEY)`);
    const icookie = hexField(f[1], line, 'ICOOKIE');
    if (icookie.length !== 8) throw new KeyLogError(line, 'ICOOKIE', `${icookie.length} octets, an initiator cookie has 8`);
    const encKey = hexField(f[2], line, 'ENCKEY');
    if (!IKEV1_KEY_LENGTHS.includes(encKey.length)) throw new KeyLogError(line, 'ENCKEY', `${encKey.length} octets, a phase-1 key has ${IKEV1_KEY_LENGTHS.join(', ')}`);
    return { kind: 'IKEV1', icookie, encKey };
  }
  if (f[0] === 'ESP') {
    if (f.length !== ESP_FIELDS.length) throw new KeyLogError(line, null, `ESP line has ${f.length} fields, needs ${ESP_FIELDS.length} (${ESP_FIELDS.join(' ')})`);
    const src = address(f[1], line, 'SRC');
    const dst = address(f[2], line, 'DST');
    if (src !== '*' && dst !== '*' && src.includes(':') !== dst.includes(':')) throw new KeyLogError(line, 'DST', 'SRC and DST are of different IP versions');
    if (!/^[0-9a-fA-F]{1,8}$/.test(f[3])) throw new KeyLogError(line, 'SPI', 'not 1 to 8 hex digits (without 0x)');
    const spi = parseInt(f[3], 16);
    if (!isCipherName(f[4])) throw new KeyLogError(line, 'ENCALG', `not one of ${CIPHER_NAMES.join(', ')}`);
    const encKey = hexField(f[5], line, 'ENCKEY');
    const cipher = CIPHERS[f[4]];
    if (encKey.length !== cipher.keyBytes) throw new KeyLogError(line, 'ENCKEY', `${encKey.length} octets, ${cipher.name} needs ${cipher.keyBytes}`);
    if (!isIntegrityName(f[6])) throw new KeyLogError(line, 'AUTHALG', `not one of ${INTEGRITY_NAMES.join(', ')}`);
    const authKey = hexField(f[7], line, 'AUTHKEY');
    const integrity = INTEGRITIES[f[6]];
    if (authKey.length !== integrity.keyBytes) throw new KeyLogError(line, 'AUTHKEY', `${authKey.length} octets, ${integrity.name} needs ${integrity.keyBytes}`);
    return { kind: 'ESP', src, dst, spi, cipher: cipher.name, encKey, integrity: integrity.name, authKey };
  }
  throw new KeyLogError(line, null, 'unknown record type; a line starts with IKEV1 or ESP');
}

function hexField(s: string, line: number, field: string): Uint8Array {
  if (/^0[xX]/.test(s)) throw new KeyLogError(line, field, 'hex is written without 0x');
  if (!/^[0-9a-fA-F]+$/.test(s)) throw new KeyLogError(line, field, 'not hex digits');
  if (s.length % 2 !== 0) throw new KeyLogError(line, field, `odd number of hex digits (${s.length})`);
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

function address(s: string, line: number, field: string): string {
  if (s === '*') return s;
  try {
    if (s.includes(':')) return formatIpv6(parseIpv6(s), 0);
    return parseIpv4(s).join('.');
  } catch {
    throw new KeyLogError(line, field, 'not an IPv4 or IPv6 address or *');
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** One key-log line (no newline): the exact format above, lower-case hex, SPI as 8 digits. */
export function formatKeyLogEntry(e: KeyLogEntry): string {
  if (e.kind === 'IKEV1') return `IKEV1 ${hex(e.icookie)} ${hex(e.encKey)}`;
  return `ESP ${e.src} ${e.dst} ${spiDigits(e.spi)} ${e.cipher} ${hex(e.encKey)} ${e.integrity} ${hex(e.authKey)}`;
}

/** A whole key-log file, optionally headed by comment lines. */
export function writeKeyLog(entries: readonly KeyLogEntry[], comments: readonly string[] = []): string {
  return [...comments.map((c) => `# ${c}`), ...entries.map(formatKeyLogEntry)].map((l) => `${l}\n`).join('');
}

/** The key-log line for an SA the oracle set up (its addresses as seen in the outer IP header). */
export function espKeyLogEntry(sa: EspSa, src: string, dst: string): EspKeyLogEntry {
  return { kind: 'ESP', src, dst, spi: sa.spi, cipher: sa.cipher.name, encKey: sa.encryptionKey, integrity: sa.integrity.name, authKey: sa.authenticationKey };
}

/** The SA a key-log line describes (sizes were checked when the line was parsed). */
export function espSaOf(e: EspKeyLogEntry): EspSa {
  return espSa({ spi: e.spi, cipher: e.cipher, encryptionKey: e.encKey, integrity: e.integrity, authenticationKey: e.authKey });
}

/**
 * The tshark 4.0 `-o` values that decrypt and authenticate these SAs (ipsec-facts.md): ESP
 * decoding and ICV checking switched on, one `uat:ikev1_decryption_table` row per IKEV1 line,
 * one `uat:esp_sa` row per ESP line. The uat's protocol column takes only IPv4 or IPv6, so a line
 * with `*` for both addresses becomes a row for each.
 */
export function tsharkKeyOptions(entries: readonly KeyLogEntry[]): string[] {
  const out = ['esp.enable_encryption_decode:TRUE', 'esp.enable_authentication_check:TRUE'];
  for (const e of entries) {
    if (e.kind === 'IKEV1') {
      out.push(`uat:ikev1_decryption_table:${hex(e.icookie)},${hex(e.encKey)}`);
      continue;
    }
    const families = e.src !== '*' ? [e.src.includes(':') ? 'IPv6' : 'IPv4'] : e.dst !== '*' ? [e.dst.includes(':') ? 'IPv6' : 'IPv4'] : ['IPv4', 'IPv6'];
    for (const family of families) {
      const cols = [family, e.src, e.dst, `0x${spiDigits(e.spi)}`, CIPHERS[e.cipher].tsharkEspName, `0x${hex(e.encKey)}`, INTEGRITIES[e.integrity].tsharkEspName, `0x${hex(e.authKey)}`];
      out.push(`uat:esp_sa:${cols.map((c) => `"${c}"`).join(',')}`);
    }
  }
  return out;
}

/** The same as tshark command-line arguments (`-o` before each value). */
export function tsharkKeyArgs(entries: readonly KeyLogEntry[]): string[] {
  return tsharkKeyOptions(entries).flatMap((o) => ['-o', o]);
}

function spiDigits(spi: number): string {
  return (spi >>> 0).toString(16).padStart(8, '0');
}
