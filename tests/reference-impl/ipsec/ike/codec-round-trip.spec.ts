// ISAKMP codec round trips for every payload kind, the header and whole messages, in the clear and
// encrypted (RFC 2409 Appendix B CBC, each cipher RTX offers): decode(encode(x)) equals x, and
// re-encoding the decoded message gives the same octets (HASH_I and HASH(1) are computed over them).
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { CIPHERS, CIPHER_NAMES } from '../../../../reference-impl/ipsec/cipher-suite.ts';
import { decodeMessage, encodePlainMessage, HEADER_LENGTH } from '../../../../reference-impl/ipsec/isakmp/message.ts';
import { EXCHANGE, FLAG, PAYLOAD } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import type { PayloadKind } from '../../../../reference-impl/ipsec/isakmp/payloads.ts';
import { decryptBody, encryptMessage } from '../../../../reference-impl/ipsec/ike/phase1-cipher.ts';
import { anyPayloadArb, headerFieldsArb, PAYLOAD_ARBS } from './arbitraries.ts';

for (const kind of Object.keys(PAYLOAD_ARBS) as PayloadKind[]) {
  test(`${kind} payload round-trips`, () => {
    fc.assert(
      fc.property(headerFieldsArb, PAYLOAD_ARBS[kind], (h, p) => {
        const bytes = encodePlainMessage({ ...h, flags: h.flags & ~FLAG.encryption }, [p]);
        const m = decodeMessage(bytes);
        if (m.encrypted) throw new Error('unexpected encryption flag');
        expect(m.payloads).toEqual([p]);
        expect(encodePlainMessage({ ...h, flags: h.flags & ~FLAG.encryption }, m.payloads)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });
}

test('a message of several payloads round-trips, header fields included', () => {
  fc.assert(
    fc.property(headerFieldsArb, fc.array(anyPayloadArb, { maxLength: 8 }), (h, ps) => {
      const bytes = encodePlainMessage({ ...h, flags: h.flags & ~FLAG.encryption }, ps);
      const m = decodeMessage(bytes);
      expect(m.header).toMatchObject({ icookie: h.icookie, rcookie: h.rcookie, exchange: h.exchange, flags: h.flags & ~FLAG.encryption, messageId: h.messageId, length: bytes.length, version: 0x10 });
      expect(m.encrypted ? [] : m.payloads).toEqual(ps);
    }),
    { numRuns: 300 },
  );
});

for (const name of CIPHER_NAMES) {
  test(`encrypted payloads round-trip under ${name} (padding to the ${CIPHERS[name].blockBytes}-octet block, IV chaining)`, () => {
    const c = CIPHERS[name];
    fc.assert(
      fc.property(headerFieldsArb, fc.array(anyPayloadArb, { minLength: 1, maxLength: 5 }), fc.uint8Array({ minLength: c.keyBytes, maxLength: c.keyBytes }), fc.uint8Array({ minLength: c.ivBytes, maxLength: c.ivBytes }), (h, ps, key, iv) => {
        const e = encryptMessage({ ...h, exchange: EXCHANGE.quick }, ps, c, key, iv);
        expect((e.bytes.length - HEADER_LENGTH) % c.blockBytes).toBe(0);
        const m = decodeMessage(e.bytes);
        if (!m.encrypted) throw new Error('encryption flag missing');
        const d = decryptBody(m.header, m.body, c, key, iv);
        expect(d.payloads).toEqual(ps);
        // The next IV is the last cipher block (RFC 2409 Appendix B).
        expect(d.nextIv).toEqual(e.nextIv);
        expect(e.nextIv).toEqual(e.bytes.slice(e.bytes.length - c.blockBytes));
      }),
      { numRuns: 100 },
    );
  });
}

test('RFC 2408 §3.1 layout: cookies, next payload, version 0x10, exchange, flags, message ID, length', () => {
  const b = encodePlainMessage({ icookie: new Uint8Array(8).fill(0x11), rcookie: new Uint8Array(8).fill(0x22), exchange: EXCHANGE.aggressive, messageId: 0x01020304 }, [{ kind: 'nonce', data: Uint8Array.of(9, 9) }]);
  expect([...b]).toEqual([...new Array(8).fill(0x11), ...new Array(8).fill(0x22), PAYLOAD.nonce, 0x10, 4, 0, 1, 2, 3, 4, 0, 0, 0, 34, 0, 0, 0, 6, 9, 9]);
});
