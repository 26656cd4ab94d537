// Anti-replay (RFC 4303 §3.4.3) and the sender's counter (§3.3.3): replayed ESP is dropped at the
// sequence number's offset with the kind the oracle predicts; the window moves only for packets
// whose ICV was verified; anti-replay-check=off accepts everything; a random delivery order
// agrees with a plain model of the rule (a set of seen numbers and the highest one).
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { decapsulateEsp, encapsulateEsp, ReplayWindow, SequenceCounter, DEFAULT_REPLAY_WINDOW } from '../../../../reference-impl/ipsec/esp/index.ts';
import { iv, seq, testSa } from './esp-fixtures.ts';

const sa = testSa('aes-cbc', 'sha-hmac');
const packet = (sequence: number): Uint8Array => encapsulateEsp({ sa, sequence, nextHeader: 17, payload: seq(20, sequence & 0xff), iv: iv(sa) });

test('replayed ESP: the second copy is dropped as replayed at offset 4; with anti-replay-check=off it is accepted', () => {
  const window = new ReplayWindow({ check: 'on' });
  for (const s of [1, 2, 3]) expect(decapsulateEsp(sa, packet(s), { replay: window }).ok).toBe(true);
  const again = decapsulateEsp(sa, packet(2), { replay: window });
  expect(again).toMatchObject({ ok: false, error: { kind: 'replayed', offset: 4 } });
  expect(!again.ok && again.error.reason).toBe('sequence number 2 was already received (replay)');
  const off = new ReplayWindow({ check: 'off' });
  for (const s of [1, 2, 3, 2, 2, 0]) expect(decapsulateEsp(sa, packet(s), { replay: off }).ok).toBe(true);
});

test('left of the window and sequence 0 are dropped; the default window is 64 (assumption replay-window-size)', () => {
  expect(DEFAULT_REPLAY_WINDOW).toBe(64);
  const w = new ReplayWindow({ check: 'on' });
  expect(decapsulateEsp(sa, packet(100), { replay: w }).ok).toBe(true);
  expect(decapsulateEsp(sa, packet(37), { replay: w }).ok).toBe(true); // 100 - 37 = 63 < 64: inside, new
  expect(decapsulateEsp(sa, packet(36), { replay: w })).toMatchObject({ ok: false, error: { kind: 'outside-window', offset: 4 } });
  expect(decapsulateEsp(sa, packet(0), { replay: w })).toMatchObject({ ok: false, error: { kind: 'sequence-zero', offset: 4 } });
  const small = new ReplayWindow({ check: 'on', windowSize: 32 });
  small.update(100);
  expect(small.check(68)).toMatchObject({ ok: false, kind: 'outside-window' });
  expect(small.check(69)).toEqual({ ok: true });
});

test('a packet failing its ICV does not move the window: the genuine packet with that number still gets in', () => {
  const w = new ReplayWindow({ check: 'on' });
  const forged = packet(5);
  forged[forged.length - 1] ^= 0xff;
  expect(decapsulateEsp(sa, forged, { replay: w })).toMatchObject({ ok: false, error: { kind: 'icv-mismatch' } });
  expect(w.highest).toBe(0);
  expect(decapsulateEsp(sa, packet(5), { replay: w }).ok).toBe(true);
  expect(w.highest).toBe(5);
});

test('the window agrees with the RFC rule on random delivery orders (any window size)', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 200 }),
    fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 300 }),
    (size, arrivals) => {
      const w = new ReplayWindow({ check: 'on', windowSize: size });
      const seen = new Set<number>();
      let top = 0;
      for (const s of arrivals) {
        const want = s === 0 ? 'sequence-zero' : s > top ? 'ok' : top - s >= size ? 'outside-window' : seen.has(s) ? 'replayed' : 'ok';
        const got = w.check(s);
        expect(got.ok ? 'ok' : got.kind).toBe(want);
        if (got.ok) {
          w.update(s);
          seen.add(s);
          top = Math.max(top, s);
        }
      }
    },
  ), { numRuns: 300 });
});

test('the sender counts from 1 and, with anti-replay on, stops before the 32-bit counter cycles', () => {
  const c = new SequenceCounter();
  expect([c.next(), c.next(), c.next()]).toEqual([1, 2, 3]);
  const end = new SequenceCounter(true, 0xfffffffe);
  expect(end.next()).toBe(0xffffffff);
  expect(end.next()).toBeNull();
  const off = new SequenceCounter(false, 0xffffffff);
  expect(off.next()).toBe(0);
});
