// Property: with room to spare, the bridge behaves like the one-line rule of §4.2 — a unicast goes
// where its destination last sent from within the ageing time, otherwise to all but the ingress.
// The model below is a history scan, written independently of the table implementation.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { LearningBridge } from '../../../reference-impl/bridge/index.ts';
import { BROADCAST, ethFrame, hostMac } from './frames.ts';

const MEMBERS = ['lan1', 'lan2', 'lan3', 'lan4'];
const AGEING_MS = 30_000;

interface Step {
  src: number;
  dst: number; // 0 = broadcast
  ingress: number;
  gapMs: number;
}

const step = fc.record({
  src: fc.integer({ min: 1, max: 6 }),
  dst: fc.integer({ min: 0, max: 6 }),
  ingress: fc.integer({ min: 0, max: MEMBERS.length - 1 }),
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40_000 })),
});

function modelEgress(history: { src: number; member: string; t: number }[], s: Step, now: number): string[] {
  const ingress = MEMBERS[s.ingress];
  const flood = MEMBERS.filter((m) => m !== ingress);
  if (s.dst === 0) return flood;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h.src !== s.dst) continue;
    // only the last sighting counts; it must be younger than the ageing time
    if (now - h.t >= AGEING_MS) return flood;
    return h.member === ingress ? [] : [h.member];
  }
  return flood;
}

test('learning bridge agrees with the history model on random frame sequences', () => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
      const br = new LearningBridge({
        members: MEMBERS.map((name) => ({ name, kind: 'lan' as const })),
        dynamicCapacity: 256,
        staticCapacity: 32,
        ageingMs: AGEING_MS,
      });
      const history: { src: number; member: string; t: number }[] = [];
      let now = 0;
      for (const s of steps) {
        now += s.gapMs;
        history.push({ src: s.src, member: MEMBERS[s.ingress], t: now });
        const expected = modelEgress(history, s, now);
        const frame = ethFrame(s.dst === 0 ? BROADCAST : hostMac(s.dst), hostMac(s.src));
        const got = br.forward(frame, MEMBERS[s.ingress], now).egress;
        expect(got).toEqual(expected);
        expect(got).not.toContain(MEMBERS[s.ingress]);
      }
    }),
    { numRuns: 300 },
  );
});
