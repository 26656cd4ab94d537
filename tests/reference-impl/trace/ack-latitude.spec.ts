// The named rule 'acknowledgement piggybacked on the next message' (reference-impl/trace/l2tp-filters.ts
// PIGGYBACKED_ACKS, RFC 3931 §4.2): a standalone ACK the next message of its sender also carries
// may be there or not; the last ACK of an exchange, its Nr and its form (ACK or ZLB) stay judged.
import { test, expect } from '@playwright/test';
import { L2TP_ROLE_RULES } from '../../../reference-impl/trace/l2tp-roles.ts';
import { PIGGYBACKED_ACKS, RETRANSMITTED_COPIES } from '../../../reference-impl/trace/l2tp-filters.ts';
import { timingTolerance } from '../../../reference-impl/trace/tolerance.ts';
import { traceEvent, type TraceEvent } from '../../../reference-impl/trace/trace-event.ts';
import { traceVerdict } from '../../../reference-impl/trace/verdict.ts';

const msg = (t: number, label: string, ns: number, nr: number, by: 'device' | 'harness' = 'device'): TraceEvent =>
  traceEvent('control', t, 'peer', label, [{ name: 'CCID', value: '0' }, { name: 'Ns', value: String(ns) }, { name: 'Nr', value: String(nr) }], by);
const judge = (predicted: TraceEvent[], observed: TraceEvent[]) =>
  traceVerdict({ predicted, observed, filters: [RETRANSMITTED_COPIES, PIGGYBACKED_ACKS], roles: L2TP_ROLE_RULES, tolerance: timingTolerance({ timeScale: 10, jitterRealMs: 25, granularityMs: 0 }) });

// The peer's SCCCN and ICRQ arrive close together: the device acknowledges the SCCCN alone, or lets its ICRP carry both.
const before = [msg(0, 'SCCRQ', 0, 0, 'harness'), msg(10, 'SCCRP', 0, 1), msg(20, 'SCCCN', 1, 1, 'harness'), msg(21, 'ICRQ', 2, 1, 'harness')];
const after = [msg(40, 'ICCN', 3, 2, 'harness'), msg(50, 'ACK', 2, 4)];

test('an ACK the next message also carries may be sent alone or not: no divergence, the rule is stated with its counts', () => {
  const alone = [...before, msg(30, 'ACK', 1, 2), msg(31, 'ICRP', 1, 3), ...after];
  const piggybacked = [...before, msg(31, 'ICRP', 1, 3), ...after];
  const v = judge(piggybacked, alone);
  expect(v.comparison.divergence).toBeUndefined();
  expect(v.rules.find((r) => r.startsWith('filter acknowledgement piggybacked on the next message'))).toMatch(/\(removed 0 predicted, 1 observed\)$/);
  expect(judge(alone, piggybacked).comparison.divergence).toBeUndefined();
});

test('the last ACK of an exchange is judged: missing, a ZLB instead of an ACK, or an Nr one behind all diverge', () => {
  const trace = [...before, msg(31, 'ICRP', 1, 3), ...after];
  const without = trace.slice(0, -1);
  expect(judge(trace, without).comparison.divergence?.kind).toBe('missing');
  const zlb = [...without, msg(50, 'ZLB', 2, 4)];
  expect(judge(trace, zlb).comparison.divergence?.kind).toMatch(/missing|extra|value/);
  // one behind = nothing new acknowledged (a copy's answer, filtered): the ACK the ICCN is owed never came
  const behind = [...without, msg(50, 'ACK', 2, 3)];
  expect(judge(trace, behind).comparison.divergence).toMatchObject({ kind: 'missing', predicted: { label: 'ACK' } });
});

test('an ACK whose Nr is higher than the next message\'s is not piggybacked: it stays', () => {
  const trace = [...before, msg(30, 'ACK', 1, 3), msg(60, 'HELLO', 1, 2)];
  const v = judge(trace, trace);
  expect(v.rules.find((r) => r.startsWith('filter acknowledgement piggybacked'))).toMatch(/removed 0 predicted, 0 observed/);
});
