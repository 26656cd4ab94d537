// Round trips for every message type and every AVP of the table:
// decode(encode(x)) equals x, and encode(decode(bytes)) gives the same bytes.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import {
  AVP_TYPES, MESSAGE_TYPES, decodeControlMessage, encodeControlMessage, decodeDataMessage, encodeDataMessage,
  type ControlMessage, type L2tpTransport,
} from '../../../reference-impl/l2tpv3/index.ts';
import { dataMessageArbitrary, messageArbitrary } from './arbitraries.ts';

const SECRET = 'round-trip-secret';
const TRANSPORTS: L2tpTransport[] = ['udp', 'ip'];

function checkRoundTrip(msg: ControlMessage, transport: L2tpTransport): void {
  const bytes = encodeControlMessage(msg, { transport, secret: SECRET });
  const decoded = decodeControlMessage(bytes, transport, { secret: SECRET });
  if (!decoded.ok) throw new Error(`decode failed: ${decoded.error.detail}`);
  expect(decoded.message).toEqual(msg);
  expect(decoded.trailingOctets).toBe(0);
  expect(encodeControlMessage(decoded.message, { transport, secret: SECRET })).toEqual(bytes);
}

for (const mt of MESSAGE_TYPES) {
  test(`${mt.name} round-trips over UDP and IP with all its mandatory and random optional AVPs`, () => {
    for (const transport of TRANSPORTS) {
      fc.assert(fc.property(messageArbitrary(mt), (m) => checkRoundTrip(m, transport)), { numRuns: 150 });
    }
  });
}

for (const info of AVP_TYPES) {
  test(`AVP ${info.type} (${info.name}) round-trips${info.hideable ? ', hidden and in the clear' : ''}`, () => {
    // Carried in an SLI, which has room for any extra AVP, so every table entry is exercised.
    const sli = MESSAGE_TYPES.find((m) => m.name === 'SLI');
    if (!sli) throw new Error('SLI missing from the message table');
    fc.assert(
      fc.property(messageArbitrary(sli, { force: info.type }), (m) => {
        expect(m.avps.some((a) => a.attributeType === info.type)).toBe(true);
        checkRoundTrip(m, 'udp');
      }),
      { numRuns: 200 },
    );
  });
}

test('ZLB (no AVPs) round-trips and has Length 12', () => {
  const zlb: ControlMessage = { ccid: 0x1234, ns: 7, nr: 9, avps: [] };
  const b = encodeControlMessage(zlb);
  expect(b.length).toBe(12);
  expect([b[0], b[1], b[2], b[3]]).toEqual([0xc8, 0x03, 0x00, 0x0c]); // facts §1.1: 0xC803, Length 12
  checkRoundTrip(zlb, 'udp');
  checkRoundTrip(zlb, 'ip');
});

test('data messages round-trip with cookie 0/4/8, with and without the Default L2SS, over UDP and IP', () => {
  for (const transport of TRANSPORTS) {
    fc.assert(
      fc.property(dataMessageArbitrary, (m) => {
        const b = encodeDataMessage(m, transport);
        const d = decodeDataMessage(b, transport, { cookieLength: m.cookie.length as 0 | 4 | 8, l2ss: m.l2ss ? 'default' : 'none' });
        if (!d.ok) throw new Error(d.error.detail);
        expect(d.value).toEqual(m);
        expect(encodeDataMessage(d.value, transport)).toEqual(b);
      }),
      { numRuns: 300 },
    );
  }
});

test('a data message over UDP starts 00 03 00 00; the Default L2SS S bit is 0x40 (facts §1.2, §1.5)', () => {
  const b = encodeDataMessage({ sessionId: 0xb002, cookie: new Uint8Array(0), l2ss: { sequenced: true, sequence: 7 }, payload: new Uint8Array(14) });
  expect([...b.subarray(0, 12)]).toEqual([0, 3, 0, 0, 0, 0, 0xb0, 0x02, 0x40, 0, 0, 7]);
});
