// RFC 4303 packet processing: encapsulate/decapsulate for every algorithm pair, the layout
// (§2: SPI, sequence, IV, ciphertext, ICV; §2.4 padding 1, 2, 3, ...), and each inbound rejection
// with its kind and offset: lengths, SPI, ICV (§3.4.4), padding and next header (§2.4-2.6).
import { test, expect } from '@playwright/test';
import { cbcDecrypt, cbcEncrypt, icv } from '../../../../reference-impl/ipsec/cipher-suite.ts';
import { decapsulateEsp, encapsulateEsp, readEspHeader, type EspSa } from '../../../../reference-impl/ipsec/esp/index.ts';
import { espSa } from '../../../../reference-impl/ipsec/esp/esp-sa.ts';
import { hex, iv, PAIRS, seq, testSa } from './esp-fixtures.ts';

/** An ESP packet whose plaintext (payload | padding | pad length | next header) the test chooses, with a valid ICV. */
function handMade(sa: EspSa, plain: Uint8Array, sequence = 1): Uint8Array {
  const ct = cbcEncrypt(sa.cipher, sa.encryptionKey, iv(sa), plain);
  const body = new Uint8Array(8 + sa.cipher.ivBytes + ct.length);
  new DataView(body.buffer).setUint32(0, sa.spi);
  new DataView(body.buffer).setUint32(4, sequence);
  body.set(iv(sa), 8);
  body.set(ct, 8 + sa.cipher.ivBytes);
  const out = new Uint8Array(body.length + sa.integrity.icvBytes);
  out.set(body);
  out.set(icv(sa.integrity, sa.authenticationKey, body), body.length);
  return out;
}

for (const { cipher, integrity } of PAIRS) {
  test(`${cipher} + ${integrity}: every payload length round-trips with the RFC 4303 layout`, () => {
    const sa = testSa(cipher, integrity);
    const block = sa.cipher.blockBytes;
    for (let len = 0; len <= 3 * block + 3; len++) {
      const payload = seq(len, 0x33);
      const esp = encapsulateEsp({ sa, sequence: len + 1, nextHeader: 17, payload, iv: iv(sa) });
      const cipherLen = Math.ceil((len + 2) / block) * block;
      expect(esp.length).toBe(8 + sa.cipher.ivBytes + cipherLen + sa.integrity.icvBytes);
      expect(readEspHeader(esp)).toEqual({ ok: true, value: { spi: sa.spi, sequence: len + 1 } });
      expect(hex(esp.subarray(8, 8 + sa.cipher.ivBytes))).toBe(hex(iv(sa)));
      // Decrypted independently: payload, then 1, 2, 3, ..., pad length, next header.
      const plain = cbcDecrypt(sa.cipher, sa.encryptionKey, iv(sa), esp.subarray(8 + sa.cipher.ivBytes, esp.length - sa.integrity.icvBytes));
      const padLen = cipherLen - len - 2;
      expect(hex(plain)).toBe(hex(Uint8Array.from([...payload, ...Array.from({ length: padLen }, (_, i) => i + 1), padLen, 17])));
      const d = decapsulateEsp(sa, esp);
      if (!d.ok) throw new Error(d.error.reason);
      expect(hex(d.value.payload)).toBe(hex(payload));
      expect([d.value.nextHeader, d.value.padLength, d.value.sequence]).toEqual([17, padLen, len + 1]);
    }
  });
}

test('extra padding blocks are allowed up to 255 octets and checked on the way in', () => {
  const sa = testSa('aes-cbc', 'sha-hmac');
  const esp = encapsulateEsp({ sa, sequence: 1, nextHeader: 115, payload: seq(14, 0), iv: iv(sa), extraPadBlocks: 3 });
  const d = decapsulateEsp(sa, esp);
  expect(d.ok && d.value.padLength).toBe(48);
  expect(() => encapsulateEsp({ sa, sequence: 1, nextHeader: 115, payload: seq(14, 0), iv: iv(sa), extraPadBlocks: 16 })).toThrow(/pad length 256 is over 255/);
});

test('too short, not block-aligned and foreign SPI are rejected with their offsets', () => {
  const sa = testSa('aes-cbc', 'sha-hmac');
  const esp = encapsulateEsp({ sa, sequence: 1, nextHeader: 17, payload: seq(30, 0), iv: iv(sa) });
  expect(decapsulateEsp(sa, esp.subarray(0, 8 + 16 + 16 + 11))).toMatchObject({ ok: false, error: { kind: 'truncated', offset: 51 } });
  expect(decapsulateEsp(sa, esp.subarray(0, esp.length - 1))).toMatchObject({ ok: false, error: { kind: 'not-block-aligned', offset: 24 } });
  const other = espSa({ spi: 0x2000, cipher: 'aes-cbc', encryptionKey: sa.encryptionKey, integrity: 'sha-hmac', authenticationKey: sa.authenticationKey });
  expect(decapsulateEsp(other, esp)).toMatchObject({ ok: false, error: { kind: 'spi-mismatch', offset: 0 } });
  expect(readEspHeader(esp.subarray(0, 7))).toMatchObject({ ok: false, error: { kind: 'truncated', offset: 7 } });
});

test('bad ICV: any altered octet, or the wrong authentication key, is dropped at the ICV offset before decryption', () => {
  const sa = testSa('aes256-cbc', 'sha256-hmac');
  const esp = encapsulateEsp({ sa, sequence: 9, nextHeader: 17, payload: seq(100, 1), iv: iv(sa) });
  const icvAt = esp.length - 16;
  for (const at of [0, 4, 8, 30, icvAt - 1, icvAt, esp.length - 1]) {
    const bad = esp.slice();
    bad[at] ^= 0x01;
    const r = decapsulateEsp(at < 4 ? { ...sa, spi: (sa.spi ^ 0x01000000) >>> 0 } : sa, bad);
    expect(r, `octet ${at} flipped`).toMatchObject({ ok: false, error: { kind: 'icv-mismatch', offset: icvAt } });
  }
  const wrongKey = espSa({ spi: sa.spi, cipher: 'aes256-cbc', encryptionKey: sa.encryptionKey, integrity: 'sha256-hmac', authenticationKey: seq(32, 0x81) });
  expect(decapsulateEsp(wrongKey, esp)).toMatchObject({ ok: false, error: { kind: 'icv-mismatch', offset: icvAt } });
  // The reason names the algorithm, never key octets.
  const r = decapsulateEsp(wrongKey, esp);
  expect(!r.ok && r.error.reason).not.toContain(hex(sa.authenticationKey).slice(0, 8));
});

test('padding: a pad octet out of sequence, a pad length past the data, next header 59 and an unadmitted next header', () => {
  const sa = testSa('aes-cbc', 'sha-hmac');
  const cipherAt = 8 + 16;
  // 10 payload octets, pad 1..4 with the third wrong, pad length 4, next header 17.
  const badPad = Uint8Array.from([...seq(10, 0), 1, 2, 9, 4, 4, 17]);
  expect(decapsulateEsp(sa, handMade(sa, badPad))).toMatchObject({ ok: false, error: { kind: 'bad-padding', offset: cipherAt + 12 } });
  const longPad = Uint8Array.from([...seq(14, 0), 15, 17]);
  expect(decapsulateEsp(sa, handMade(sa, longPad))).toMatchObject({ ok: false, error: { kind: 'pad-length', offset: cipherAt + 14 } });
  const dummy = Uint8Array.from([...seq(14, 0), 0, 59]);
  expect(decapsulateEsp(sa, handMade(sa, dummy))).toMatchObject({ ok: false, error: { kind: 'dummy-packet', offset: cipherAt + 15 } });
  const tcp = Uint8Array.from([...seq(14, 0), 0, 6]);
  expect(decapsulateEsp(sa, handMade(sa, tcp), { acceptNextHeader: (n) => n === 17 || n === 115 })).toMatchObject({ ok: false, error: { kind: 'next-header', offset: cipherAt + 15 } });
  expect(decapsulateEsp(sa, handMade(sa, tcp)).ok).toBe(true);
});

test('an SA refuses reserved SPIs and wrong key sizes without printing keys', () => {
  const k = seq(16, 0x10);
  expect(() => espSa({ spi: 255, cipher: 'aes-cbc', encryptionKey: k, integrity: 'sha-hmac', authenticationKey: seq(20, 0) })).toThrow(/SPI 255 is outside 256/);
  let msg = '';
  try {
    espSa({ spi: 0x1000, cipher: 'aes256-cbc', encryptionKey: k, integrity: 'sha-hmac', authenticationKey: seq(20, 0) });
  } catch (e) {
    msg = (e as Error).message;
  }
  expect(msg).toBe('aes256-cbc needs a 32-octet key, got 16 octets');
});
