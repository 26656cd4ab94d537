// The rules a verdict applies are stated in its report: the tolerance formula with its figures,
// each named filter with how many events it removed from each side, each role rule.
import { test, expect } from '@playwright/test';
import { abstractRoles } from '../../../reference-impl/trace/roles.ts';
import { L2TP_ROLE_RULES } from '../../../reference-impl/trace/l2tp-roles.ts';
import { RETRANSMITTED_COPIES } from '../../../reference-impl/trace/l2tp-filters.ts';
import { timingTolerance } from '../../../reference-impl/trace/tolerance.ts';
import { traceEvent } from '../../../reference-impl/trace/trace-event.ts';
import { traceVerdict } from '../../../reference-impl/trace/verdict.ts';
import { recordedTrace } from './recorded-trace.ts';

test('the tolerance follows from the time scale, the jitter budget and the device timer tick', () => {
  expect(timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 })).toEqual({
    ms: 1500, formula: 'tolerance = jitter 150 real ms x time scale 10 + device timer granularity 0 ms = 1500 virtual ms',
  });
  expect(timingTolerance({ timeScale: 1, jitterRealMs: 150, granularityMs: 1000 }).ms).toBe(1150);
  expect(() => timingTolerance({ timeScale: 0, jitterRealMs: 150, granularityMs: 0 })).toThrow(/bad inputs/);
});

test('a named filter removes what the test does not own, and the report says how much on each side', () => {
  const recorded = recordedTrace();
  const noise = traceEvent('frame', 100, 'lan1', 'frame', [{ name: 'ethertype', value: '0x86dd' }]);
  const ipv6Noise = { name: 'kernel IPv6 noise', why: 'Linux hosts send router solicitations of their own', drops: (e: { source: string; fields: readonly { value: string }[] }) => e.source === 'frame' && e.fields.some((f) => f.value === '0x86dd') };
  const v = traceVerdict({ predicted: recorded, observed: [...recorded, noise, noise], filters: [ipv6Noise], roles: L2TP_ROLE_RULES, tolerance: timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 }) });
  expect(v.comparison.divergence).toBeUndefined();
  expect(v.rules).toContain('filter kernel IPv6 noise: Linux hosts send router solicitations of their own (removed 0 predicted, 2 observed)');
  expect(v.text).toContain('role ccid: Assigned Control Connection ID (device sent)');
});

test('role names are given on first sight and reused; kept values stay exact', () => {
  const e = (ccid: string, own: string) => traceEvent('control', 0, 'p', 'SCCRP', [{ name: 'CCID', value: ccid }, { name: 'Assigned Control Connection ID [M]', value: own }]);
  const line = traceEvent('syslog', 1, 'collector', 'syslog', [{ name: 'text', value: 'TUNNEL[1] tunnel 77 established' }]);
  const { events, roles } = abstractRoles([e('0', '77'), e('55', '77'), line], L2TP_ROLE_RULES);
  expect(events.map((x) => x.fields.map((f) => f.value))).toEqual([['0', 'ccid#1'], ['peer-ccid#1', 'ccid#1'], ['TUNNEL[1] tunnel ccid#1 established']]);
  expect([...roles]).toEqual([['77', 'ccid#1'], ['55', 'peer-ccid#1']]);
  expect(() => abstractRoles([], { fields: [], texts: [{ name: 'x', role: 'r', source: 'syslog', pattern: /(\d+)/, why: '' }] })).toThrow(/global/);
});

test('retransmitted copies are filtered on both sides, named and counted; a new message of the same type is not', () => {
  const recorded = recordedTrace();
  const k = recorded.findIndex((e) => e.label === 'SCCRP');
  const ack = recorded.find((e) => e.label === 'ACK')!;
  const observed = [...recorded, { ...recorded[k], t: recorded[k].t + 1000 }, { ...ack, t: ack.t + 5 }];
  const v = traceVerdict({ predicted: recorded, observed, filters: [RETRANSMITTED_COPIES], roles: L2TP_ROLE_RULES, tolerance: timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 }) });
  expect(v.comparison.divergence).toBeUndefined();
  expect(v.rules.find((r) => r.startsWith('filter retransmitted copies'))).toMatch(/\(removed 0 predicted, 2 observed\)$/);
  const last = Math.max(...recorded.map((e) => e.t));
  const nextAck = { ...ack, t: last + 5, fields: ack.fields.map((f) => (f.name === 'Nr' ? { ...f, value: '9' } : f)) };
  const w = traceVerdict({ predicted: recorded, observed: [...recorded, nextAck], filters: [RETRANSMITTED_COPIES], roles: L2TP_ROLE_RULES, tolerance: timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 }) });
  expect(w.comparison.divergence?.kind).toBe('extra');
});
