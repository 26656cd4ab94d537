// RFC 3931 Appendix C sequence processing (reference-impl/router/data-sequencing.ts), checked against
// the RFC's words: a number within the window at or after the expected one is new, anything else old
// or a duplicate; 24-bit wrap; resynchronisation after a run of in-sequence "old" numbers; which
// frames level 1 numbers.
import { test, expect } from '@playwright/test';
import { mustSequence, SEQUENCE_SPACE, SequenceReceiver, SequenceSender } from '../../../reference-impl/router/data-sequencing.ts';

const W = 2 ** 23;

test('the sender counts from 0 and wraps at 2^24 (RFC 3931 §4.6: 0 is a valid number)', () => {
  const s = new SequenceSender();
  expect([s.take(), s.take(), s.take()]).toEqual([0, 1, 2]);
  for (let i = 3; i < SEQUENCE_SPACE - 1; i += 1) s.take();
  expect([s.take(), s.take()]).toEqual([SEQUENCE_SPACE - 1, 0]);
});

test('new, duplicate, old and a gap: exact match and anything in the window are new; the rest dropped', () => {
  const r = new SequenceReceiver(W, 32);
  expect(['0', '1', '1', '0', '5', '3', '6'].map((n) => r.receive(Number(n)))).toEqual(['new', 'new', 'old', 'old', 'new', 'old', 'new']);
  // the window edge: expected + 2^23 - 1 is new, expected + 2^23 is old (half the space, App. C)
  const e = new SequenceReceiver(W, 32);
  expect(e.receive(W)).toBe('old');
  expect(e.receive(W - 1)).toBe('new');
});

test('numbers wrap: after 2^24 - 1 comes 0 as new; 2^24 - 1 again is old', () => {
  const r = new SequenceReceiver(W, 32);
  expect(r.receive(W - 1)).toBe('new'); // two in-window steps bring the expected number near the top
  expect(r.receive(SEQUENCE_SPACE - 2)).toBe('new');
  expect(r.receive(SEQUENCE_SPACE - 1)).toBe('new');
  expect(r.receive(0)).toBe('new');
  expect(r.receive(SEQUENCE_SPACE - 1)).toBe('old');
});

test('after a long outage the receiver resynchronises on a run of in-sequence old numbers (App. C MUST)', () => {
  const r = new SequenceReceiver(W, 4);
  expect(r.receive(100)).toBe('new'); // expected 101
  // the peer restarted at 0: 0..2 are old; the 4th in a row resets
  expect([0, 1, 2].map((n) => r.receive(n))).toEqual(['old', 'old', 'old']);
  expect(r.receive(3)).toBe('new');
  expect(r.receive(4)).toBe('new');
  // a run that is not in sequence does not reset
  const q = new SequenceReceiver(W, 3);
  q.receive(100);
  expect([0, 5, 1, 7].map((n) => q.receive(n))).toEqual(['old', 'old', 'old', 'old']);
});

test('level 1 numbers non-IP frames only (IPv4/IPv6 after any VLAN tags go unnumbered), level 2 all, level 0 none', () => {
  const f = (...typeBytes: number[]) => Uint8Array.from([...new Array(12).fill(2), ...typeBytes, 0, 0]);
  const ipv4 = f(0x08, 0x00);
  const taggedIpv6 = f(0x81, 0x00, 0x00, 0x0a, 0x86, 0xdd);
  const arp = f(0x08, 0x06);
  expect([ipv4, taggedIpv6, arp].map((x) => mustSequence(1, x, 'by-ethertype'))).toEqual([false, false, true]);
  expect([ipv4, taggedIpv6, arp].map((x) => mustSequence(1, x, 'all-frames'))).toEqual([true, true, true]);
  expect([ipv4, arp].map((x) => mustSequence(2, x, 'by-ethertype'))).toEqual([true, true]);
  expect([ipv4, arp].map((x) => mustSequence(0, x, 'by-ethertype'))).toEqual([false, false]);
});
