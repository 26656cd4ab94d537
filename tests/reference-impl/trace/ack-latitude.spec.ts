// The named rule 'acknowledgement piggybacked on the next message' (reference-impl/trace/l2tp-filters.ts
// PIGGYBACKED_ACKS, RFC 3931 §4.2): a standalone ACK the next message of its sender also carries
// may be there or not; the last ACK of an exchange, its Nr and its form (ACK or ZLB) stay judged, and
// the form of any standalone ACK the device did send is judged against its profile's ackStyle.
import { test, expect } from '@playwright/test';
import { L2TP_ROLE_RULES } from '../../../reference-impl/trace/l2tp-roles.ts';
import { PIGGYBACKED_ACKS, piggybackedAcks, RETRANSMITTED_COPIES } from '../../../reference-impl/trace/l2tp-filters.ts';
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

// The peer's Hellos are acknowledged alone, and much later the device's StopCCN carries the same Nr:
// whether each ACK went out alone is free (RFC 3931 §4.2), which form it took is the profile's.
const hellos = (ack: 'ACK' | 'ZLB' | undefined) => [
  ...before, msg(31, 'ICRP', 1, 3), ...after,
  msg(6050, 'HELLO', 4, 2, 'harness'), ...(ack ? [msg(6060, ack, 2, 5)] : []),
  msg(15050, 'StopCCN', 2, 5), msg(15060, 'ACK', 5, 3, 'harness'),
];

test('a Hello\'s ACK that a later message also acknowledges: its absence is forgiven, a ZLB instead of the profile\'s explicit ACK is the divergence', () => {
  expect(judge(hellos('ACK'), hellos(undefined)).comparison.divergence).toBeUndefined();
  expect(judge(hellos(undefined), hellos('ACK')).comparison.divergence).toBeUndefined();
  const d = judge(hellos('ACK'), hellos('ZLB')).comparison.divergence;
  expect(d).toMatchObject({ kind: 'extra', observed: { label: 'ZLB' } });
  expect(d?.summary).toMatch(/ZLB/);
  // the rule says which form it expects, so the report names ZLB against ACK
  expect(PIGGYBACKED_ACKS.why).toMatch(/an explicit ACK/);
  expect(judge(hellos(undefined), hellos('ZLB')).comparison.divergence).toMatchObject({ kind: 'extra', observed: { label: 'ZLB' } });
});

test('a profile that acknowledges with ZLBs: a piggybacked ZLB is forgiven, an explicit ACK in its place is the divergence', () => {
  const zlbJudge = (predicted: TraceEvent[], observed: TraceEvent[]) =>
    traceVerdict({ predicted, observed, filters: [RETRANSMITTED_COPIES, piggybackedAcks('zlb')], roles: L2TP_ROLE_RULES, tolerance: timingTolerance({ timeScale: 10, jitterRealMs: 25, granularityMs: 0 }) });
  expect(zlbJudge(hellos('ZLB'), hellos(undefined)).comparison.divergence).toBeUndefined();
  expect(zlbJudge(hellos(undefined), hellos('ACK')).comparison.divergence).toMatchObject({ kind: 'extra', observed: { label: 'ACK' } });
});

test('on a signed connection (Message Digest) the form due is an explicit ACK whatever the profile: a ZLB there is not forgiven', () => {
  const sign = (e: TraceEvent): TraceEvent => (e.by === 'harness' || e.label === 'ZLB' || e.label === 'ACK' ? e : { ...e, fields: [...e.fields, { name: 'Message Digest [M]', value: 'x' }] });
  const zlbJudge = (predicted: TraceEvent[], observed: TraceEvent[]) =>
    traceVerdict({ predicted, observed, filters: [RETRANSMITTED_COPIES, piggybackedAcks('zlb')], roles: L2TP_ROLE_RULES, tolerance: timingTolerance({ timeScale: 10, jitterRealMs: 25, granularityMs: 0 }) });
  expect(zlbJudge(hellos('ACK').map(sign), hellos(undefined).map(sign)).comparison.divergence).toBeUndefined();
  expect(zlbJudge(hellos(undefined).map(sign), hellos('ZLB').map(sign)).comparison.divergence).toMatchObject({ kind: 'extra', observed: { label: 'ZLB' } });
});

test('the harness\'s own acknowledgements are stimulus: either form is forgiven when piggybacked', () => {
  const peerAck = (label: 'ACK' | 'ZLB') => [...before, msg(30, label, 3, 1, 'harness'), msg(31, 'ICRP', 1, 3), msg(35, 'ICCN', 3, 2, 'harness'), msg(50, 'ACK', 2, 4)];
  expect(judge(peerAck('ACK'), peerAck('ZLB')).comparison.divergence).toBeUndefined();
});
