// The algorithm table's primitives against published test vectors: RFC 3602 §4 (AES-128-CBC),
// NIST SP 800-38A F.2.5 (AES-256-CBC), RFC 2202 §2/§3 (HMAC-MD5, HMAC-SHA-1), RFC 4231 §4.2
// (HMAC-SHA-256 untruncated), RFC 4868 §2.7.2.2 AUTH256-1 (HMAC-SHA-256-128); truncation as
// RFC 2403/2404/4868 say.
import { test, expect } from '@playwright/test';
import { cbcDecrypt, cbcEncrypt, CIPHERS, icv, INTEGRITIES, hmac } from '../../../../reference-impl/ipsec/cipher-suite.ts';

const h = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

test('AES-128-CBC: RFC 3602 §4 cases 1 and 2', () => {
  const c = CIPHERS['aes-cbc'];
  expect(hex(cbcEncrypt(c, h('06a9214036b8a15b512e03d534120006'), h('3dafba429d9eb430b422da802c9fac41'), text('Single block msg')))).toBe('e353779c1079aeb82708942dbe77181a');
  const key2 = h('c286696d887c9aa0611bbb3e2025a45a');
  const iv2 = h('562e17996d093d28ddb3ba695a2e6f58');
  const plain2 = h('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  const cipher2 = 'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1';
  expect(hex(cbcEncrypt(c, key2, iv2, plain2))).toBe(cipher2);
  expect(hex(cbcDecrypt(c, key2, iv2, h(cipher2)))).toBe(hex(plain2));
});

test('AES-256-CBC: NIST SP 800-38A F.2.5, first block', () => {
  const c = CIPHERS['aes256-cbc'];
  const key = h('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
  expect(hex(cbcEncrypt(c, key, h('000102030405060708090a0b0c0d0e0f'), h('6bc1bee22e409f96e93d7e117393172a')))).toBe('f58c4c04d6e5f1ba779eabfb5f7bfbd6');
});

test('3DES-CBC round-trips and is not the identity; sizes follow RFC 2451', () => {
  const c = CIPHERS['3des-cbc'];
  expect([c.keyBytes, c.blockBytes, c.ivBytes]).toEqual([24, 8, 8]);
  const key = Uint8Array.from({ length: 24 }, (_, i) => i * 7 + 1);
  const iv = Uint8Array.from({ length: 8 }, (_, i) => 0xa0 + i);
  const plain = text('sixteen octets!!');
  const enc = cbcEncrypt(c, key, iv, plain);
  expect(hex(enc)).not.toBe(hex(plain));
  expect(hex(cbcDecrypt(c, key, iv, enc))).toBe(hex(plain));
});

test('HMAC ICVs: RFC 2202 / RFC 4231 test case 1 and RFC 4868 AUTH256-1, truncated to 96 / 96 / 128 bits', () => {
  expect(hex(icv(INTEGRITIES['sha-hmac'], new Uint8Array(20).fill(0x0b), text('Hi There')))).toBe('b617318655057264e28bc0b6');
  expect(hex(icv(INTEGRITIES['md5-hmac'], new Uint8Array(16).fill(0x0b), text('Hi There')))).toBe('9294727a3638bb1c13f48ef8');
  expect(hex(icv(INTEGRITIES['sha256-hmac'], new Uint8Array(32).fill(0x0b), text('Hi There')))).toBe('198a607eb44bfbc69903a0f1cf2bbdc5');
  // The full HMAC-SHA-256 of RFC 4231 case 1 (20-octet key): what the IKE prf uses untruncated.
  expect(hex(hmac('sha256', new Uint8Array(20).fill(0x0b), text('Hi There')))).toBe('b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7');
});

test('sizes that do not fit are refused, naming sizes only', () => {
  const c = CIPHERS['aes-cbc'];
  expect(() => cbcEncrypt(c, new Uint8Array(15), new Uint8Array(16), new Uint8Array(16))).toThrow(/key is 15 octets, needs 16/);
  expect(() => cbcEncrypt(c, new Uint8Array(16), new Uint8Array(8), new Uint8Array(16))).toThrow(/IV is 8 octets/);
  expect(() => cbcEncrypt(c, new Uint8Array(16), new Uint8Array(16), new Uint8Array(17))).toThrow(/not a multiple of the 16-octet block/);
  expect(() => icv(INTEGRITIES['sha-hmac'], new Uint8Array(16), new Uint8Array(1))).toThrow(/key is 16 octets, needs 20/);
});
