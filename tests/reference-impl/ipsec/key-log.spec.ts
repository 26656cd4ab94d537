// The key-log format of issue 14 point 5, kept exactly: round trips (entries -> text -> entries,
// and a hand-written file -> entries -> the same lines), comments and blank lines, and an error for
// each kind of bad line that names the line and the field but never the field's value.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { CIPHER_NAMES, CIPHERS, INTEGRITIES, INTEGRITY_NAMES } from '../../../reference-impl/ipsec/cipher-suite.ts';
import {
  espKeyLogEntry, espSaOf, formatKeyLogEntry, parseKeyLog, tsharkKeyArgs, tsharkKeyOptions, writeKeyLog, type KeyLogEntry,
} from '../../../reference-impl/ipsec/key-log.ts';
import { espSa } from '../../../reference-impl/ipsec/esp/esp-sa.ts';
import { formatIpv6, parseIpv6 } from '../../../reference-impl/capture/ip.ts';

const ENC = '00112233445566778899aabbccddeeff';
const AUTH = '0102030405060708090a0b0c0d0e0f1011121314';

test('a hand-written file: comments, blank lines, CRLF, upper-case hex; lines written back in the exact format', () => {
  const text = [
    '# IPsec keys of run 42',
    '',
    'IKEV1 79211118FBE8D268 0A6445E921B79FD813E53673091C18AB',
    'ESP 10.96.0.1 10.96.0.2 CA6E501F aes-cbc A023FE7270619BFA6AAE7F76DE35DC68 sha-hmac E7EB75120601732893D922DA4F4181228F5EEC68\r',
    `ESP * * c001 aes256-cbc ${ENC}${ENC} sha256-hmac ${AUTH}000000000000000000000000 # trailing comment`,
    `ESP 2001:DB8:0:0::1 * 1000 3des-cbc ${ENC}0011223344556677 md5-hmac ${ENC}`,
  ].join('\n');
  const r = parseKeyLog(text);
  expect(r.errors).toEqual([]);
  expect(r.entries.map(formatKeyLogEntry)).toEqual([
    'IKEV1 79211118fbe8d268 0a6445e921b79fd813e53673091c18ab',
    'ESP 10.96.0.1 10.96.0.2 ca6e501f aes-cbc a023fe7270619bfa6aae7f76de35dc68 sha-hmac e7eb75120601732893d922da4f4181228f5eec68',
    `ESP * * 0000c001 aes256-cbc ${ENC}${ENC} sha256-hmac ${AUTH}000000000000000000000000`,
    `ESP 2001:db8::1 * 00001000 3des-cbc ${ENC}0011223344556677 md5-hmac ${ENC}`,
  ]);
  const e = r.entries[1];
  expect(e.kind === 'ESP' && [e.src, e.dst, e.spi, e.cipher, e.integrity]).toEqual(['10.96.0.1', '10.96.0.2', 0xca6e501f, 'aes-cbc', 'sha-hmac']);
});

const hexOf = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
// Addresses in the canonical text the parser produces (RFC 5952 for IPv6).
const address = fc.oneof(fc.constant('*'), fc.ipV4(), fc.ipV6().map((a) => formatIpv6(parseIpv6(a), 0)));
const entry: fc.Arbitrary<KeyLogEntry> = fc.oneof(
  fc.record({ kind: fc.constant('IKEV1' as const), icookie: hexOf(8), encKey: fc.constantFrom(8, 16, 24, 32).chain(hexOf) }),
  fc.tuple(fc.constantFrom(...CIPHER_NAMES), fc.constantFrom(...INTEGRITY_NAMES), address, fc.boolean(), fc.integer({ min: 0, max: 0xffffffff })).chain(([cipher, integrity, a, sameFamily, spi]) =>
    fc.record({
      kind: fc.constant('ESP' as const),
      src: fc.constant(a),
      // SRC and DST of one line are the same IP version (or *).
      dst: sameFamily || a === '*' ? fc.constant(a) : fc.constant('*'),
      spi: fc.constant(spi),
      cipher: fc.constant(cipher),
      encKey: hexOf(CIPHERS[cipher].keyBytes),
      integrity: fc.constant(integrity),
      authKey: hexOf(INTEGRITIES[integrity].keyBytes),
    })),
);

test('any entries survive writeKeyLog -> parseKeyLog (addresses in canonical form)', () => {
  fc.assert(fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
    const unique = entries.filter((e, i) => entries.findIndex((x) => formatKeyLogEntry(x).split(' ').slice(0, e.kind === 'IKEV1' ? 2 : 4).join(' ') === formatKeyLogEntry(e).split(' ').slice(0, e.kind === 'IKEV1' ? 2 : 4).join(' ')) === i);
    const text = writeKeyLog(unique, ['generated']);
    const back = parseKeyLog(text);
    expect(back.errors).toEqual([]);
    expect(writeKeyLog(back.entries, ['generated'])).toBe(text);
    expect(back.entries.length).toBe(unique.length);
  }), { numRuns: 300 });
});

test('an SA set up by the oracle becomes a key-log line and back', () => {
  const sa = espSa({ spi: 0xc53c1f8b, cipher: 'aes-cbc', encryptionKey: Buffer.from(ENC, 'hex'), integrity: 'sha-hmac', authenticationKey: Buffer.from(AUTH, 'hex') });
  const line = formatKeyLogEntry(espKeyLogEntry(sa, '10.96.0.2', '10.96.0.1'));
  expect(line).toBe(`ESP 10.96.0.2 10.96.0.1 c53c1f8b aes-cbc ${ENC} sha-hmac ${AUTH}`);
  const back = parseKeyLog(line).entries[0];
  expect(back.kind === 'ESP' && espSaOf(back)).toEqual(sa);
});

const BAD: [string, string][] = [
  ['IKE 0011223344556677 00112233445566778899aabbccddeeff', 'line 1: unknown record type; a line starts with IKEV1 or ESP'],
  ['IKEV1 0011223344556677', 'line 1: IKEV1 line has 2 fields, needs 3 (IKEV1 ICOOKIE ENCKEY)'],
  ['IKEV1  0011223344556677 00112233445566778899aabbccddeeff', 'line 1: fields must be separated by single spaces'],
  ['IKEV1\t0011223344556677\t00112233445566778899aabbccddeeff', 'line 1: holds a tab or a non-ASCII character; fields are separated by single spaces'],
  ['IKEV1 00112233445566 00112233445566778899aabbccddeeff', 'line 1: ICOOKIE: 7 octets, an initiator cookie has 8'],
  ['IKEV1 0011223344556677 0x00112233445566778899aabbccddeeff', 'line 1: ENCKEY: hex is written without 0x'],
  ['IKEV1 0011223344556677 00112233445566778899aabbccddeeffzz', 'line 1: ENCKEY: not hex digits'],
  ['IKEV1 0011223344556677 00112233445566778899aabbccddeef', 'line 1: ENCKEY: odd number of hex digits (31)'],
  ['IKEV1 0011223344556677 0011223344556677889900', 'line 1: ENCKEY: 11 octets, a phase-1 key has 8, 16, 24, 32'],
  [`ESP 10.0.0.1 10.0.0.2 c001 aes-cbc ${ENC} sha-hmac`, 'line 1: ESP line has 7 fields, needs 8 (ESP SRC DST SPI ENCALG ENCKEY AUTHALG AUTHKEY)'],
  [`ESP 10.0.0.256 10.0.0.2 c001 aes-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: SRC: not an IPv4 or IPv6 address or *'],
  [`ESP 10.0.0.1 any c001 aes-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: DST: not an IPv4 or IPv6 address or *'],
  [`ESP 10.0.0.1 ::1 c001 aes-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: DST: SRC and DST are of different IP versions'],
  [`ESP * * 0x1234 aes-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: SPI: not 1 to 8 hex digits (without 0x)'],
  [`ESP * * 123456789 aes-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: SPI: not 1 to 8 hex digits (without 0x)'],
  [`ESP * * c001 aes128-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: ENCALG: not one of aes-cbc, aes256-cbc, 3des-cbc'],
  [`ESP * * c001 aes256-cbc ${ENC} sha-hmac ${AUTH}`, 'line 1: ENCKEY: 16 octets, aes256-cbc needs 32'],
  [`ESP * * c001 aes-cbc ${ENC} sha1-hmac ${AUTH}`, 'line 1: AUTHALG: not one of sha-hmac, sha256-hmac, md5-hmac'],
  [`ESP * * c001 aes-cbc ${ENC} sha256-hmac ${AUTH}`, 'line 1: AUTHKEY: 20 octets, sha256-hmac needs 32'],
];

for (const [i, [line, message]] of BAD.entries()) {
  test(`rejected (${i + 1}): ${message}`, () => {
    const r = parseKeyLog(`${line}\n`);
    expect(r.entries).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual([message]);
    // No key material in the message: no run of 8+ hex digits from the line appears in it.
    for (const run of line.match(/[0-9a-fA-F]{8,}/g) ?? []) expect(message).not.toContain(run.slice(0, 8));
  });
}

test('errors carry their line numbers; good lines around them still parse; a repeated SA is refused', () => {
  const text = ['# keys', `ESP * * c001 aes-cbc ${ENC} sha-hmac ${AUTH}`, 'ESP * * c001', `ESP * * C001 aes-cbc ${ENC} sha-hmac ${AUTH}`, `ESP 10.0.0.1 * c001 aes-cbc ${ENC} sha-hmac ${AUTH}`].join('\n');
  const r = parseKeyLog(text);
  expect(r.errors.map((e) => [e.line, e.field, e.message])).toEqual([
    [3, null, 'line 3: ESP line has 4 fields, needs 8 (ESP SRC DST SPI ENCALG ENCKEY AUTHALG AUTHKEY)'],
    [4, null, 'line 4: the same SA as line 2'],
  ]);
  expect(r.entries.length).toBe(2);
});

test('tshark options: the exact shapes of ipsec-facts.md, one esp_sa row per family for "* *"', () => {
  const r = parseKeyLog([
    'IKEV1 79211118fbe8d268 0A6445E921B79FD813E53673091C18AB',
    'ESP * * CA6E501F aes-cbc A023FE7270619BFA6AAE7F76DE35DC68 sha-hmac E7EB75120601732893D922DA4F4181228F5EEC68',
    `ESP 2001:db8::1 2001:db8::2 1000 3des-cbc ${ENC}0011223344556677 md5-hmac ${ENC}`,
    `ESP * 10.0.0.2 1001 aes256-cbc ${ENC}${ENC} sha256-hmac ${AUTH}000000000000000000000000`,
  ].join('\n'));
  expect(tsharkKeyOptions(r.entries)).toEqual([
    'esp.enable_encryption_decode:TRUE',
    'esp.enable_authentication_check:TRUE',
    'uat:ikev1_decryption_table:79211118fbe8d268,0a6445e921b79fd813e53673091c18ab',
    'uat:esp_sa:"IPv4","*","*","0xca6e501f","AES-CBC [RFC3602]","0xa023fe7270619bfa6aae7f76de35dc68","HMAC-SHA-1-96 [RFC2404]","0xe7eb75120601732893d922da4f4181228f5eec68"',
    'uat:esp_sa:"IPv6","*","*","0xca6e501f","AES-CBC [RFC3602]","0xa023fe7270619bfa6aae7f76de35dc68","HMAC-SHA-1-96 [RFC2404]","0xe7eb75120601732893d922da4f4181228f5eec68"',
    `uat:esp_sa:"IPv6","2001:db8::1","2001:db8::2","0x00001000","TripleDES-CBC [RFC2451]","0x${ENC}0011223344556677","HMAC-MD5-96 [RFC2403]","0x${ENC}"`,
    `uat:esp_sa:"IPv4","*","10.0.0.2","0x00001001","AES-CBC [RFC3602]","0x${ENC}${ENC}","HMAC-SHA-256-128 [RFC4868]","0x${AUTH}000000000000000000000000"`,
  ]);
  expect(tsharkKeyArgs(r.entries.slice(0, 1))).toEqual(['-o', 'esp.enable_encryption_decode:TRUE', '-o', 'esp.enable_authentication_check:TRUE', '-o', 'uat:ikev1_decryption_table:79211118fbe8d268,0a6445e921b79fd813e53673091c18ab']);
});
