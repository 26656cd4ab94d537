// Reliable delivery on its own (RFC 3931 §4.2; facts §4.4): window, ACK without Ns,
// duplicates, out-of-order queue, Nr sanity, back-off to the cap, giving up.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { ReliableDelivery, seqBefore } from '../../../reference-impl/control/reliable-delivery.ts';

const cfg = (over = {}) => ({ initialTimeoutMs: 1000, capTimeoutMs: 8000, maxRetransmissions: 5, receiveWindow: 4, peerWindow: 4, ...over });

test('no more than the peer\'s Receive Window Size messages are in flight; an ACK opens the window', () => {
  const r = new ReliableDelivery<string, string>(cfg({ peerWindow: 2 }));
  const sent = ['a', 'b', 'c', 'd'].flatMap((x) => r.send(x, 0));
  expect(sent.map((t) => [t.item, t.ns])).toEqual([['a', 0], ['b', 1]]);
  expect(r.queuedCount).toBe(2);
  // The peer acknowledges Ns 0 with Nr 1 in an ACK, which carries the peer's next Ns and uses none.
  const res = r.receive(0, 1, true, 'ack', 10);
  expect(res.deliver).toEqual([]);
  expect(res.transmit.map((t) => [t.item, t.ns])).toEqual([['c', 2]]);
  expect(r.ackOwed).toBe(false); // an ACK is not acknowledged
});

test('an ACK does not use up an Ns: the next message keeps the Ns the ACK carried', () => {
  const r = new ReliableDelivery<string, string>(cfg());
  r.send('sccrq', 0);
  r.receive(0, 1, false, 'sccrp', 5);
  expect(r.ackNs).toBe(1);
  r.ackSent();
  expect(r.send('scccn', 6)[0]).toMatchObject({ ns: 1, nr: 1 });
});

test('duplicates are acknowledged but not passed up; out-of-order messages wait for the gap', () => {
  const r = new ReliableDelivery<string, string>(cfg());
  expect(r.receive(1, 0, false, 'm1', 0).deliver).toEqual([]);
  expect(r.ackOwed).toBe(true);
  expect(r.receive(2, 0, false, 'm2', 0).deliver).toEqual([]);
  expect(r.receive(0, 0, false, 'm0', 0).deliver.map((d) => d.payload)).toEqual(['m0', 'm1', 'm2']);
  expect(r.nr).toBe(3);
  r.ackSent();
  const dup = r.receive(1, 0, false, 'm1-again', 0);
  expect(dup.deliver).toEqual([]);
  expect(dup.duplicate).toBe(true);
  expect(r.ackOwed).toBe(true); // MUST be acknowledged (3931 §4.2)
});

test('messages beyond our receive window are not queued', () => {
  const r = new ReliableDelivery<string, string>(cfg({ receiveWindow: 2 }));
  r.receive(5, 0, false, 'far', 0);
  r.receive(1, 0, false, 'near', 0);
  expect(r.receive(0, 0, false, 'first', 0).deliver.map((d) => d.payload)).toEqual(['first', 'near']);
});

test('an Nr acknowledging a message never sent makes the message invalid', () => {
  const r = new ReliableDelivery<string, string>(cfg());
  r.send('x', 0);
  expect(r.receive(0, 5, false, 'bad', 0).valid).toBe(false);
  expect(r.nr).toBe(0);
});

test('retransmission: same Ns, current Nr, timeouts double up to the cap, then give up after the retries', () => {
  fc.assert(
    fc.property(fc.integer({ min: 100, max: 2000 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 12 }), (initial, capFactor, retries) => {
      const cap = initial * 2 ** capFactor;
      const r = new ReliableDelivery<string, string>(cfg({ initialTimeoutMs: initial, capTimeoutMs: cap, maxRetransmissions: retries }));
      r.send('m', 0);
      r.receive(0, 0, false, 'peer', 1); // our Nr becomes 1
      r.ackSent();
      let timeout = initial;
      let t = 0;
      for (let i = 1; i <= retries; i++) {
        t += timeout;
        expect(r.nextDeadline()).toBe(t);
        const res = r.onTimer(t);
        expect(res.gaveUp).toBe(false);
        expect(res.transmit).toEqual([{ ns: 0, nr: 1, item: 'm', attempt: i }]);
        timeout = Math.min(timeout * 2, cap);
      }
      t += timeout;
      expect(r.nextDeadline()).toBe(t);
      expect(r.onTimer(t).gaveUp).toBe(true);
    }),
    { numRuns: 50 },
  );
});

test('sequence comparison wraps at 2^16 (3931 §4.2: the 32768 values before are "less")', () => {
  expect(seqBefore(65535, 0)).toBe(true);
  expect(seqBefore(0, 65535)).toBe(false);
  expect(seqBefore(0, 32768)).toBe(true);
  expect(seqBefore(0, 32769)).toBe(false);
  const r = new ReliableDelivery<number, number>(cfg({ peerWindow: 100 }));
  let delivered = 0;
  for (let i = 0; i < 65538; i++) delivered += r.receive(i % 65536, 0, false, i, 0).deliver.length;
  expect(delivered).toBe(65538);
  expect(r.nr).toBe(2);
});
