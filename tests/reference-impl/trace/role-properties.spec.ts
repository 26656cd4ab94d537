// Properties of the verdict (issue 13, "What must be shown" 2): a trace never diverges from
// itself; renaming the values the device chose, consistently (one new value per old one, every
// use), never diverges; changing one later use of a chosen value to a value of its own (an
// inconsistent renaming) diverges, at that event.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { L2TP_ROLE_RULES } from '../../../reference-impl/trace/l2tp-roles.ts';
import { timingTolerance } from '../../../reference-impl/trace/tolerance.ts';
import { traceEvent, type TraceEvent } from '../../../reference-impl/trace/trace-event.ts';
import { traceVerdict } from '../../../reference-impl/trace/verdict.ts';

const tolerance = timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 });
const verdict = (p: readonly TraceEvent[], o: readonly TraceEvent[]) => traceVerdict({ predicted: p, observed: o, filters: [], roles: L2TP_ROLE_RULES, tolerance }).comparison;

/** One step of a generated trace: which kind of event, which chosen value (by pool index) it uses. */
interface Step {
  kind: 'sccrp' | 'ack' | 'icrp' | 'tunnelLine' | 'sessionLine' | 'hostLine';
  a: number;
  b: number;
  dt: number;
}

const ID = fc.integer({ min: 1000, max: 0xffffffff });
const pool = fc.uniqueArray(ID, { minLength: 4, maxLength: 4 });
const steps = fc.array(
  fc.record({ kind: fc.constantFrom<Step['kind']>('sccrp', 'ack', 'icrp', 'tunnelLine', 'sessionLine', 'hostLine'), a: fc.nat(3), b: fc.nat(3), dt: fc.integer({ min: 0, max: 5000 }) }),
  { minLength: 1, maxLength: 25 },
);

/** The trace of `steps` with the chosen values of `ids` (the same steps with other ids = a consistent renaming). */
function build(s: readonly Step[], ids: readonly number[]): TraceEvent[] {
  let t = 0;
  return s.map((x) => {
    t += x.dt;
    const A = String(ids[x.a]);
    const B = String(ids[x.b]);
    const head = [{ name: 'CCID', value: B }, { name: 'Ns', value: '0' }, { name: 'Nr', value: '1' }];
    switch (x.kind) {
      case 'sccrp':
        return traceEvent('control', t, 'peer', 'SCCRP', [...head, { name: 'Host Name [M]', value: 'LAB-RTX' }, { name: 'Assigned Control Connection ID [M]', value: A }]);
      case 'ack':
        return traceEvent('control', t, 'peer', 'ACK', head);
      case 'icrp':
        return traceEvent('control', t, 'peer', 'ICRP', [...head, { name: 'Local Session ID [M]', value: A }, { name: 'Remote Session ID [M]', value: B }]);
      case 'tunnelLine':
        return traceEvent('syslog', t, 'collector', 'syslog', [{ name: 'severity', value: 'info(6)' }, { name: 'text', value: `[L2TPv3] TUNNEL[1] tunnel ${A} established` }]);
      case 'sessionLine':
        return traceEvent('syslog', t, 'collector', 'syslog', [{ name: 'severity', value: 'info(6)' }, { name: 'text', value: `[L2TPv3] TUNNEL[1] disconnect session ${A} complete` }]);
      case 'hostLine':
        return traceEvent('syslog', t, 'collector', 'syslog', [{ name: 'severity', value: 'info(6)' }, { name: 'text', value: '[L2TPv3] TUNNEL[1] connected from 127.0.0.2' }]);
    }
  });
}

/** Whether a step uses its `a` value (the chosen value the inconsistent renaming changes). */
function usesOfA(s: Step): boolean {
  return s.kind !== 'ack' && s.kind !== 'hostLine';
}

test.describe('trace verdict properties', () => {
  test('a trace never diverges from itself', () => {
    fc.assert(fc.property(steps, pool, (s, ids) => {
      const c = verdict(build(s, ids), build(s, ids));
      expect(c.divergence).toBeUndefined();
      expect(c.matched).toBe(s.length);
    }));
  });

  test('renaming the chosen values consistently never diverges', () => {
    fc.assert(fc.property(steps, pool, pool, (s, ids, renamed) => {
      expect(verdict(build(s, ids), build(s, renamed)).divergence).toBeUndefined();
    }));
  });

  test('an inconsistent renaming (one later use of a value changed) diverges, at that event', () => {
    const withRepeat = fc.tuple(steps, pool, ID).filter(([s, ids, fresh]) => {
      if (ids.includes(fresh)) return false;
      // a value whose `a` use comes after an earlier use of the same value (anywhere)
      return s.some((x, k) => usesOfA(x) && k > 0 && s.slice(0, k).some((y) => (usesOfA(y) && y.a === x.a) || (y.kind !== 'tunnelLine' && y.kind !== 'sessionLine' && y.kind !== 'hostLine' && y.b === x.a)));
    });
    fc.assert(fc.property(withRepeat, ([s, ids, fresh]) => {
      const k = s.findIndex((x, i) => usesOfA(x) && i > 0 && s.slice(0, i).some((y) => (usesOfA(y) && y.a === x.a) || (y.kind !== 'tunnelLine' && y.kind !== 'sessionLine' && y.kind !== 'hostLine' && y.b === x.a)));
      const predicted = build(s, ids);
      // the same trace, but step k uses a value of its own where it should repeat one
      const observed = predicted.map((e, i) => (i === k ? build([s[k]], ids.map((v, j) => (j === s[k].a ? fresh : v)))[0] : e)).map((e, i) => (i === k ? { ...e, t: predicted[k].t } : e));
      const c = verdict(predicted, observed);
      // 'value' where the step differs from its prediction; 'extra' or 'missing' when, after the
      // renaming, an identical event comes later on the other side: whichever, at step k.
      expect(c.divergence).toBeDefined();
      expect([c.divergence!.predictedIndex, c.divergence!.observedIndex]).toEqual([k, k]);
    }));
  });
});
