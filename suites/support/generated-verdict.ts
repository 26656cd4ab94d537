// The trace verdict of one generated sequence, without attaching anything: fast-check runs many
// sequences and shrinks a failing one through many more, so only the final (shrunk) failure is
// attached (generated-report.ts). Same observation, prediction, filters, roles and tolerance as
// TracedLab.verdict (trace-verdict.ts).
// NOTE: mirrors the first half of TracedLab.verdict; if that method is split into "judge" and
// "attach" (a change for the trace helper), this file calls the judge half instead.
import { controlEventsFrom, syslogEventsFrom } from '../../drivers/trace/observed-trace.ts';
import { realNowMs, toVirtualMs } from '../../drivers/trace/trace-clock.ts';
import { controlProfileFor } from '../../reference-impl/control/profile-variants.ts';
import { L2TP_ROLE_RULES } from '../../reference-impl/trace/l2tp-roles.ts';
import { timingTolerance } from '../../reference-impl/trace/tolerance.ts';
import { traceVerdict, type TraceVerdict, type VerdictInputs } from '../../reference-impl/trace/verdict.ts';
import { inArrivalOrder, sameEvent, type TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import { ROUTER_ADDRESS } from './device-lab.ts';
import { predictControlTrace } from './trace-control-prediction.ts';
import { CONTROL_TRACE_FILTERS, controlTolerance, type TracedLab } from './trace-verdict.ts';

/** Observes until the horizon (now plus the tolerance), predicts the same stimulus, compares. */
export async function judgeSequence(t: TracedLab): Promise<TraceVerdict> {
  const lab = t.lab;
  const tol = timingTolerance(controlTolerance(lab));
  // "never came" and "came too late" are told apart by waiting out the jitter budget once (a deadline).
  const horizonReal = realNowMs() + tol.ms / lab.timeScale;
  await new Promise((r) => setTimeout(r, Math.max(0, horizonReal - realNowMs())));
  const clock = t.stimulus.clock(lab.timeScale);
  const horizonMs = toVirtualMs(clock, horizonReal);
  const wallOffset = Date.now() - realNowMs();
  const logical = new Map(lab.peers.map((p) => [p.local.host, p.local.host]));
  const nameOf = (host: string) => logical.get(host) ?? host;
  const secretFor = (host: string) => {
    const p = lab.peers.find((x) => x.local.host === host);
    return p?.settings.auth.enabled ? p.settings.auth.password : undefined;
  };
  const observed = [
    ...controlEventsFrom(lab.conversation.datagrams, clock, { nameOf, secretFor }),
    ...syslogEventsFrom(lab.syslog.lines.map((l) => ({ ...l, atMs: (lab.syslog.arrivals.get(l) ?? Date.now()) - wallOffset })), clock),
  ].filter((e) => e.t <= horizonMs);
  const predicted = predictControlTrace({
    config: lab.config, model: lab.device.model, deviceAddress: lab.peers[0]?.device?.host ?? ROUTER_ADDRESS,
    peers: lab.peers, steps: t.stimulus.steps, clock, horizonMs, nameOf, observed, profile: controlProfileFor(lab.device.profile),
  });
  return judgeWithConcurrency({ predicted, observed: inArrivalOrder(observed), filters: CONTROL_TRACE_FILTERS, roles: L2TP_ROLE_RULES, tolerance: tol, horizonMs });
}

/** At most this many near-simultaneous pairs are reordered in one verdict (a bound, not a budget to tune). */
const MAX_CONCURRENT_SWAPS = 8;

/**
 * Rule stated in the verdict: two events at one observation point whose PREDICTED times are within
 * the timing tolerance of each other and that stem from independent causes (a device timer and a
 * peer's message) may arrive in either order; their order says nothing about the device. Generated
 * sequences make such coincidences (a drawn disconnect time running out as a peer dials); hand-written
 * tests avoid them. An `order` divergence between two such events is resolved by taking the observed
 * pair in the predicted order, and the comparison continues; the rule's uses are listed in the text.
 * NOTE: belongs in reference-impl/trace/compare.ts (the trace helper's), see this helper's report.
 */
export function judgeWithConcurrency(i: VerdictInputs & { observed: readonly TraceEvent[] }): TraceVerdict {
  let observed = [...i.observed];
  const swapped: string[] = [];
  for (let n = 0; ; n++) {
    const v = traceVerdict({ ...i, observed });
    const d = v.comparison.divergence;
    if (d?.kind !== 'order' || !d.predicted || !d.observed || n >= MAX_CONCURRENT_SWAPS || v.observed.length !== observed.length) {
      const note = swapped.map((s) => `concurrent within tolerance, taken in predicted order: ${s}`);
      return note.length === 0 ? v : { ...v, rules: [...v.rules, ...note], text: `${v.text}\n${note.join('\n')}\n` };
    }
    // Predicted times of the two events: the predicted one (d.predicted), and the observed one's counterpart later in the prediction.
    const pLater = v.predicted.findIndex((e, k) => k > d.predictedIndex && sameEvent(e, d.observed!));
    const oLater = v.observed.findIndex((e, k) => k > d.observedIndex && sameEvent(e, d.predicted!));
    if (pLater < 0 || oLater < 0 || Math.abs(v.predicted[pLater].t - d.predicted.t) > i.tolerance.ms) return v;
    // v.observed is `observed` with roles named (same order, no filters removed any): move the
    // predicted-first event just before the observed-first one, at its time (stable order keeps it first).
    const moved = { ...observed[oLater], t: observed[d.observedIndex].t };
    observed = [...observed.slice(0, d.observedIndex), moved, ...observed.slice(d.observedIndex, oLater), ...observed.slice(oLater + 1)];
    swapped.push(`${d.predicted.label} ${d.predicted.fields.map((f) => f.value).join(' ')} / ${d.observed.label} ${d.observed.fields.map((f) => f.value).join(' ')}`);
  }
}
