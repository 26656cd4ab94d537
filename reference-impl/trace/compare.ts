// The verdict: walk the predicted and the observed trace side by side, per observation point, and
// report the earliest divergence. Events align on everything but their time (sameEvent). Timing is
// judged on intervals: between a device event and its anchor (the stimulus before it, or the event
// before it on its channel), the observed gap must equal the predicted one within the tolerance. Intervals, not absolute times,
// because every step of a live exchange (device, harness, loopback) adds its own jitter: absolute
// times would add it up along the exchange, an interval holds one step's worth. A timer that fires
// late, or a reply that comes slow, is one interval off. Classes:
//   value   — the events at this point of one observation point differ in a field;
//   order   — the predicted event comes later in the observed trace, and the observed one later in the prediction;
//   missing — the predicted event is not in the rest of the observed trace;
//   extra   — the observed event is not in the rest of the prediction;
//   timing  — the same events, but the gap to the previous one differs from the prediction by more than the tolerance.
// The horizon is the virtual time up to which both traces were recorded: events in its last
// `tolerance` may lack their counterpart on the other side yet (still in flight), so trailing
// events there are listed, not judged. Pure.
import { actorOf, sameEvent, type TraceEvent } from './trace-event.ts';

export type DivergenceKind = 'value' | 'order' | 'missing' | 'extra' | 'timing';

export interface Divergence {
  readonly kind: DivergenceKind;
  /** Position in each trace where the walk stopped. */
  readonly predictedIndex: number;
  readonly observedIndex: number;
  readonly predicted?: TraceEvent;
  readonly observed?: TraceEvent;
  /** The field that differs (value, timing: `t`), with both sides' values. */
  readonly field?: string;
  readonly predictedValue?: string;
  readonly observedValue?: string;
  /** One sentence: what diverged, where. */
  readonly summary: string;
}

export interface CompareOptions {
  readonly toleranceMs: number;
  /** Virtual time both traces were recorded up to (default: no horizon, every event is judged). */
  readonly horizonMs?: number;
}

export interface TraceComparison {
  readonly divergence?: Divergence;
  /** Pairs that agreed before the divergence (or in all). */
  readonly matched: number;
  /** Trailing events inside the horizon window that had no counterpart yet (not judged). */
  readonly atHorizon: { readonly predicted: readonly TraceEvent[]; readonly observed: readonly TraceEvent[] };
  readonly options: CompareOptions;
  /** The largest difference between an observed and a predicted gap that was judged (how close timing came to the tolerance). */
  readonly largestGapErrorMs: number;
}

interface FieldDifference {
  field: string;
  predicted: string;
  observed: string;
}

/** The first thing two events differ in (label, then the fields in order). */
export function firstDifference(p: TraceEvent, o: TraceEvent): FieldDifference | undefined {
  if (p.source !== o.source) return { field: 'source', predicted: p.source, observed: o.source };
  if (p.at !== o.at) return { field: 'at', predicted: p.at, observed: o.at };
  if (p.label !== o.label) return { field: 'label', predicted: p.label, observed: o.label };
  const n = Math.max(p.fields.length, o.fields.length);
  for (let i = 0; i < n; i++) {
    const a = p.fields[i];
    const b = o.fields[i];
    if (a === undefined) return { field: b.name, predicted: '(absent)', observed: b.value };
    if (b === undefined) return { field: a.name, predicted: a.value, observed: '(absent)' };
    if (a.name !== b.name) return { field: a.name, predicted: `${a.name}=${a.value}`, observed: `${b.name}=${b.value}` };
    if (a.value !== b.value) return { field: a.name, predicted: a.value, observed: b.value };
  }
  return undefined;
}

/** An observation point: one stream of events in the order it saw them (a peer, a port, the collector, a CLI session). */
export function streamOf(e: TraceEvent): string {
  return `${actorOf(e)} ${e.source}@${e.at}`;
}

const indexFrom = (events: readonly TraceEvent[], idx: readonly number[], from: number, e: TraceEvent): number => {
  for (let k = from; k < idx.length; k++) if (sameEvent(events[idx[k]], e)) return k;
  return -1;
};

/** Where a stream's end falls in the whole trace: the first event at or after time t. */
const positionAt = (events: readonly TraceEvent[], t: number): number => {
  const k = events.findIndex((e) => e.t >= t);
  return k < 0 ? events.length : k;
};

interface StreamResult {
  divergence?: Divergence;
  /** Aligned events: [predicted index, observed index]. */
  pairs: [number, number][];
  matched: number;
  atHorizon: { predicted: TraceEvent[]; observed: TraceEvent[] };
  /** Time of the divergence (the earlier of the two events involved). */
  at: number;
}

/**
 * Arrival order is compared within each observation point only: the device may log a line and
 * send a message in the same instant, and which reaches the harness first says nothing about the
 * device. Across observation points events are related by their times (the tolerance). The first
 * divergence is the earliest one over all streams.
 */
export function compareTraces(predicted: readonly TraceEvent[], observed: readonly TraceEvent[], options: CompareOptions): TraceComparison {
  const streams = [...new Set([...predicted, ...observed].map(streamOf))];
  const results = streams.map((s) => compareStream(predicted, observed, s, options));
  const { divergence: timing, largest } = timingDivergence(predicted, observed, results.flatMap((r) => r.pairs), options.toleranceMs);
  const diverged = [...results, ...(timing ? [timing] : [])].filter((r) => r.divergence !== undefined)
    .sort((a, b) => a.at - b.at || a.divergence!.observedIndex - b.divergence!.observedIndex);
  const matched = results.reduce((n, r) => n + r.matched, 0);
  if (diverged.length > 0) return { divergence: diverged[0].divergence, matched, atHorizon: { predicted: [], observed: [] }, options, largestGapErrorMs: largest };
  return { matched, atHorizon: { predicted: results.flatMap((r) => r.atHorizon.predicted), observed: results.flatMap((r) => r.atHorizon.observed) }, options, largestGapErrorMs: largest };
}

function compareStream(predicted: readonly TraceEvent[], observed: readonly TraceEvent[], stream: string, options: CompareOptions): StreamResult {
  const window = options.horizonMs === undefined ? Infinity : options.horizonMs - options.toleranceMs;
  const inWindow = (e: TraceEvent) => e.t > window;
  const P = predicted.flatMap((e, k) => (streamOf(e) === stream ? [k] : []));
  const O = observed.flatMap((e, k) => (streamOf(e) === stream ? [k] : []));
  let i = 0;
  let j = 0;
  const pairs: [number, number][] = [];
  const done = (): StreamResult => ({ pairs, matched: i, atHorizon: { predicted: P.slice(i).map((k) => predicted[k]), observed: O.slice(j).map((k) => observed[k]) }, at: Infinity });
  const diverge = (kind: DivergenceKind, summary: string, extra: Partial<Divergence> = {}): StreamResult => {
    const p = i < P.length ? predicted[P[i]] : undefined;
    const o = j < O.length ? observed[O[j]] : undefined;
    const at = Math.min(p?.t ?? Infinity, o?.t ?? Infinity);
    const predictedIndex = p ? P[i] : positionAt(predicted, at);
    const observedIndex = o ? O[j] : positionAt(observed, at);
    return { divergence: { kind, predictedIndex, observedIndex, predicted: p, observed: o, summary, ...extra }, pairs, matched: i, atHorizon: { predicted: [], observed: [] }, at };
  };

  while (i < P.length || j < O.length) {
    const p = i < P.length ? predicted[P[i]] : undefined;
    const o = j < O.length ? observed[O[j]] : undefined;
    if (p === undefined) return O.slice(j).every((k) => inWindow(observed[k])) ? done() : diverge('extra', `observed event #${O[j] + 1} was not predicted: ${describe(o!)}`);
    if (o === undefined) return P.slice(i).every((k) => inWindow(predicted[k])) ? done() : diverge('missing', `predicted event #${P[i] + 1} was never observed: ${describe(p)}`);
    if (sameEvent(p, o)) {
      pairs.push([P[i], O[j]]);
      i++;
      j++;
      continue;
    }
    // Both may be in flight at the horizon: what is left is listed, not judged.
    if (inWindow(p) && inWindow(o)) return done();
    const pLater = indexFrom(observed, O, j + 1, p);
    const oLater = indexFrom(predicted, P, i + 1, o);
    if (pLater >= 0 && oLater >= 0) return diverge('order', `${describe(p)} was predicted before ${describe(o)}, observed after it (observed #${O[pLater] + 1})`);
    if (oLater >= 0) return diverge('missing', `predicted event #${P[i] + 1} was not observed: ${describe(p)}`);
    if (pLater >= 0) return diverge('extra', `observed event #${O[j] + 1} was not predicted: ${describe(o)}`);
    const d = firstDifference(p, o);
    if (d) {
      return diverge('value', `${describe(p)}: field '${d.field}' is ${JSON.stringify(d.observed)}, predicted ${JSON.stringify(d.predicted)}`,
        { field: d.field, predictedValue: d.predicted, observedValue: d.observed });
    }
    return diverge('missing', `predicted event #${P[i] + 1} was not observed (observed instead: ${describe(o)}): ${describe(p)}`);
  }
  return done();
}

/** The channel an event travelled on: one observation point, both directions (one transport, one latency). */
const channelOf = (e: TraceEvent): string => `${e.source}@${e.at}`;

/**
 * The first aligned device event whose gap to its anchor differs from the predicted gap by more
 * than the tolerance. The anchor is the later (in predicted time) of the previous aligned event on
 * the same channel and the last aligned harness event anywhere: a device event follows either the
 * stimulus that caused it or, for a timer, what came before it on its channel. Gaps across two
 * device channels (the peer's socket, the syslog collector) are not taken: each has its own
 * latency, and such a gap would judge their difference, not the device. An event with no anchor
 * (the device's first output) is not judged: when a live device really started is known only roughly.
 */
function timingDivergence(predicted: readonly TraceEvent[], observed: readonly TraceEvent[], pairs: readonly [number, number][], tol: number): { divergence?: StreamResult; largest: number } {
  const sorted = [...pairs].sort((a, b) => predicted[a[0]].t - predicted[b[0]].t || a[0] - b[0]);
  const lastOnChannel = new Map<string, [number, number]>();
  let lastHarness: [number, number] | undefined;
  let largest = 0;
  for (let k = 0; k < sorted.length; k++) {
    const [pi, oi] = sorted[k];
    const p = predicted[pi];
    const o = observed[oi];
    const channel = channelOf(p);
    const onChannel = lastOnChannel.get(channel);
    lastOnChannel.set(channel, sorted[k]);
    // The harness's own events (the stimulus) are anchors: their timing is the harness's, not the device's.
    if (actorOf(p) === 'harness') {
      lastHarness = sorted[k];
      continue;
    }
    const anchor = !onChannel ? lastHarness : !lastHarness ? onChannel : predicted[onChannel[0]].t > predicted[lastHarness[0]].t ? onChannel : lastHarness;
    if (!anchor) continue;
    const [pa, oa] = anchor;
    const dp = p.t - predicted[pa].t;
    const dob = o.t - observed[oa].t;
    largest = Math.max(largest, Math.abs(dob - dp));
    if (Math.abs(dob - dp) <= tol) continue;
    const summary = `${describe(p)} came ${Math.round(dob)} ms after ${describe(predicted[pa])}, predicted ${Math.round(dp)} ms (${Math.round(dob - dp)} ms off, tolerance ${tol} ms)`;
    const divergence: Divergence = { kind: 'timing', predictedIndex: pi, observedIndex: oi, predicted: p, observed: o, summary, field: 't', predictedValue: `+${Math.round(dp)} ms after the previous event`, observedValue: `+${Math.round(dob)} ms after the previous event` };
    return { divergence: { divergence, pairs: [], matched: k, atHorizon: { predicted: [], observed: [] }, at: Math.min(p.t, o.t) }, largest };
  }
  return { largest };
}

function describe(e: TraceEvent): string {
  return `${e.source}@${e.at} ${e.label}`;
}
