// Packets arrive as Node Buffers (fs, dgram), whose slice() is a view. The codec must neither
// write into them nor misread them: found when `decode` read a file and every digest failed.
import { test, expect } from '@playwright/test';
import { avps, decodeControlMessage, encodeControlMessage, verifyControlMessage } from '../../../reference-impl/l2tpv3/index.ts';

test('a Buffer packet verifies like a Uint8Array one and is left unchanged', () => {
  const nonces = { sender: Uint8Array.of(1, 2, 3, 4), receiver: Uint8Array.of(5, 6, 7, 8) };
  const msg = { ccid: 7, ns: 1, nr: 1, avps: [avps.messageType(3), avps.messageDigest(0)] };
  const bytes = encodeControlMessage(msg, { secret: 's3cret', sign: { nonces } });
  const framed = Buffer.concat([Buffer.from([0xee, 0xee]), Buffer.from(bytes)]).subarray(2);
  const before = Buffer.from(framed).toString('hex');
  expect(verifyControlMessage(framed, 'udp', 's3cret', nonces)).toBe('valid');
  expect(verifyControlMessage(framed, 'udp', 'wrong', nonces)).toBe('invalid');
  expect(framed.toString('hex')).toBe(before);
  const d = decodeControlMessage(framed, 'udp', { secret: 's3cret' });
  expect(d.ok).toBe(true);
  if (d.ok) expect(Object.getPrototypeOf(d.message.avps[1].value.kind === 'messageDigest' ? d.message.avps[1].value.digest : null)).toBe(Uint8Array.prototype);
});
