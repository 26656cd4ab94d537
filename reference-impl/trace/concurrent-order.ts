// A named comparison rule for traces where two independent causes coincide: events at one
// observation point whose PREDICTED times are within the timing tolerance of each other and that
// stem from independent causes (a device timer and a peer's message) may arrive in either order;
// their order says nothing about the device. Generated sequences make such coincidences (a drawn
// disconnect time running out as a peer dials); hand-written tests avoid them. Pure.
import { applyFilters, describeFilters } from './filters.ts';
import { renderComparison } from './render.ts';
import { inArrivalOrder, sameEvent, type TraceEvent } from './trace-event.ts';
import { traceVerdict, type TraceVerdict, type VerdictInputs } from './verdict.ts';

/** At most this many near-simultaneous pairs are reordered in one verdict (a bound, not a budget to tune). */
export const MAX_CONCURRENT_SWAPS = 8;

/**
 * The verdict with the rule applied: an `order` divergence between two such events is resolved by
 * taking the observed pair in the predicted order, and the comparison continues; the rule's uses
 * are listed in the verdict text.
 */
export function traceVerdictWithConcurrency(i: VerdictInputs): TraceVerdict {
  // Filtered first and in arrival order, so the comparison's indices point into this list.
  const fp = applyFilters(inArrivalOrder(i.predicted), i.filters);
  const fo = applyFilters(inArrivalOrder(i.observed), i.filters);
  const filterLines = describeFilters(i.filters).map((l, k) => `filter ${l} (removed ${fp.removed.get(i.filters[k].name) ?? 0} predicted, ${fo.removed.get(i.filters[k].name) ?? 0} observed)`);
  let observed = fo.events;
  const swapped: string[] = [];
  for (let n = 0; ; n++) {
    const v = traceVerdict({ ...i, predicted: fp.events, observed, filters: [] });
    const d = v.comparison.divergence;
    if (d?.kind !== 'order' || !d.predicted || !d.observed || n >= MAX_CONCURRENT_SWAPS) {
      const note = swapped.map((s) => `concurrent within tolerance, taken in predicted order: ${s}`);
      const rules = [...v.rules.filter((r) => r !== 'no filters'), ...(filterLines.length > 0 ? [] : ['no filters']), ...filterLines, ...note];
      return { ...v, rules, text: renderComparison(v.comparison, v.predicted, v.observed, { notes: rules }) };
    }
    // Predicted times of the two events: the predicted one (d.predicted), and the observed one's counterpart later in the prediction.
    const pLater = v.predicted.findIndex((e, k) => k > d.predictedIndex && sameEvent(e, d.observed!));
    const oLater = v.observed.findIndex((e, k) => k > d.observedIndex && sameEvent(e, d.predicted!));
    if (pLater < 0 || oLater < 0 || Math.abs(v.predicted[pLater].t - d.predicted.t) > i.tolerance.ms) return v;
    // v.observed is `observed` with roles named (same order, no filter removed any): move the
    // predicted-first event just before the observed-first one, at its time (stable order keeps it first).
    const moved: TraceEvent = { ...observed[oLater], t: observed[d.observedIndex].t };
    observed = [...observed.slice(0, d.observedIndex), moved, ...observed.slice(d.observedIndex, oLater), ...observed.slice(oLater + 1)];
    swapped.push(`${d.predicted.label} ${d.predicted.fields.map((f) => f.value).join(' ')} / ${d.observed.label} ${d.observed.fields.map((f) => f.value).join(' ')}`);
  }
}

