// The bridge's per-frame keys (reference-impl/bridge/mac.ts MacNumber, learning-table.ts): a MAC
// read as a 48-bit number must name the same address and fall in the same classes as its text
// form (I/G bit, IEEE 802.1D reserved group 01:80:C2:00:00:00..0F), the table's ageing must
// expire exactly when the timer has run (facts §4.2) also at fractional virtual times
// (--time-scale), and decisions shared between frames must follow a tunnel going down and up (§4.3).
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import {
  BPDU_MAC, BROADCAST_MAC, BROADCAST_MAC_NUMBER, BPDU_MAC_NUMBER, isGroupMac, isGroupMacNumber, isReservedGroupMac, isReservedGroupMacNumber,
  LearningBridge, LearningTable, macKey, macKeyOf, macNumber, macNumberOf,
} from '../../../reference-impl/bridge/index.ts';
import { BROADCAST, ethFrame, hostMac } from './frames.ts';

const macBytesArb = fc.oneof(
  fc.uint8Array({ minLength: 6, maxLength: 6 }),
  // the reserved range and its neighbours, which random bytes would almost never hit
  fc.integer({ min: 0, max: 0x20 }).map((x) => Uint8Array.of(0x01, 0x80, 0xc2, 0, 0, x)),
);

test('a MAC as a number names the same address and class as its text key', () => {
  fc.assert(
    fc.property(macBytesArb, fc.integer({ min: 0, max: 8 }), (mac, pad) => {
      const frame = new Uint8Array(pad + 6);
      frame.set(mac, pad);
      const n = macNumber(frame, pad);
      const text = macKey(frame, pad);
      // plain comparisons: Playwright's expect per run would dominate the test's time
      return Number.isInteger(n) && n >= 0 && n < 2 ** 48 && macKeyOf(n) === text && macNumberOf(text) === n &&
        isGroupMacNumber(n) === isGroupMac(text) && isReservedGroupMacNumber(n) === isReservedGroupMac(text);
    }),
    { numRuns: 2000 },
  );
  expect(macKeyOf(BROADCAST_MAC_NUMBER)).toBe(BROADCAST_MAC);
  expect(macKeyOf(BPDU_MAC_NUMBER)).toBe(BPDU_MAC);
});

test('ageing at fractional virtual times expires exactly the entries whose timer has run', () => {
  // steps: learn MAC i at time t (non-decreasing, fractional as with --time-scale), then compare
  // the table with the definition: an entry is gone once now - lastSeen >= ageing (§4.2, at-timer)
  const step = fc.record({ mac: fc.integer({ min: 1, max: 12 }), dt: fc.double({ min: 0, max: 40, noNaN: true }) });
  fc.assert(
    fc.property(fc.double({ min: 0.1, max: 50, noNaN: true }), fc.array(step, { maxLength: 60 }), fc.double({ min: 0, max: 80, noNaN: true }), (ageingMs, steps, tail) => {
      const table = new LearningTable({ dynamicCapacity: 100, staticCapacity: 4, ageingMs, evicts: 'first-learned' });
      const lastSeen = new Map<number, number>();
      let now = 0;
      for (const s of steps) {
        now += s.dt;
        for (const [m, t] of lastSeen) if (now - t >= ageingMs) lastSeen.delete(m);
        table.learn(s.mac, 'lan1', now);
        lastSeen.set(s.mac, now);
        const expected = [...lastSeen.keys()].map((m) => macKeyOf(m)).sort().join(' ');
        if (table.dynamicEntries(now).map((e) => e.mac).sort().join(' ') !== expected) return false;
      }
      now += tail;
      const left = [...lastSeen].filter(([, t]) => !(now - t >= ageingMs)).map(([m]) => macKeyOf(m)).sort().join(' ');
      return table.dynamicEntries(now).map((e) => e.mac).sort().join(' ') === left;
    }),
    { numRuns: 300 },
  );
});

test('flood sets shared between frames follow the tunnel going down and up again (§4.3)', () => {
  const br = new LearningBridge({
    members: [{ name: 'lan1', kind: 'lan' }, { name: 'lan2', kind: 'lan' }, { name: 'tunnel1', kind: 'tunnel' }],
    establishedTunnels: ['tunnel1'], dynamicCapacity: 256, staticCapacity: 32,
  });
  const a = hostMac(1);
  expect(br.forward(ethFrame(BROADCAST, a), 'lan1', 0).egress).toEqual(['lan2', 'tunnel1']);
  br.setTunnelEstablished('tunnel1', false);
  expect(br.forward(ethFrame(BROADCAST, a), 'lan1', 1).egress).toEqual(['lan2']);
  expect(br.forward(ethFrame(hostMac(9), a), 'lan1', 2)).toEqual({ egress: ['lan2'], reason: 'flood-unknown-unicast' });
  br.setTunnelEstablished('tunnel1', true);
  expect(br.forward(ethFrame(BROADCAST, a), 'lan1', 3).egress).toEqual(['lan2', 'tunnel1']);
  // a decision handed out is not changed by later frames, and cannot be changed by its holder
  const d = br.forward(ethFrame(BROADCAST, a), 'lan2', 4);
  br.setTunnelEstablished('tunnel1', false);
  br.forward(ethFrame(BROADCAST, a), 'lan2', 5);
  expect(d.egress).toEqual(['lan1', 'tunnel1']);
  expect(() => (d.egress as string[]).push('lan9')).toThrow();
});
