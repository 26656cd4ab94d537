// The whole pipeline of one verdict: both traces in arrival order, the named filters, the role
// abstraction (each trace names its own values on first sight), the comparison, and the report
// text that states every rule it applied. Pure.
import { compareTraces, type TraceComparison } from './compare.ts';
import { applyFilters, describeFilters, type TraceFilter } from './filters.ts';
import { renderComparison } from './render.ts';
import { abstractRoles, describeRoleRules, type RoleRules } from './roles.ts';
import type { TimingTolerance } from './tolerance.ts';
import { inArrivalOrder, type TraceEvent } from './trace-event.ts';

export interface VerdictInputs {
  readonly predicted: readonly TraceEvent[];
  readonly observed: readonly TraceEvent[];
  readonly filters: readonly TraceFilter[];
  readonly roles: RoleRules;
  readonly tolerance: TimingTolerance;
  /** Virtual time both traces were recorded up to. */
  readonly horizonMs?: number;
}

export interface TraceVerdict {
  readonly comparison: TraceComparison;
  /** The traces as compared (filtered, roles named). */
  readonly predicted: readonly TraceEvent[];
  readonly observed: readonly TraceEvent[];
  /** The rules applied, one line each (tolerance, horizon, filters with their counts, role rules). */
  readonly rules: readonly string[];
  /** The attachment: verdict, rules, side-by-side context, field table, both traces. */
  readonly text: string;
}

export function traceVerdict(i: VerdictInputs): TraceVerdict {
  const fp = applyFilters(inArrivalOrder(i.predicted), i.filters);
  const fo = applyFilters(inArrivalOrder(i.observed), i.filters);
  const predicted = abstractRoles(fp.events, i.roles).events;
  const observed = abstractRoles(fo.events, i.roles).events;
  const comparison = compareTraces(predicted, observed, { toleranceMs: i.tolerance.ms, horizonMs: i.horizonMs });
  const filterLines = describeFilters(i.filters).map((l, k) => {
    const name = i.filters[k].name;
    return `filter ${l} (removed ${fp.removed.get(name) ?? 0} predicted, ${fo.removed.get(name) ?? 0} observed)`;
  });
  const rules = [
    i.tolerance.formula,
    ...(i.horizonMs !== undefined ? [`horizon: both traces recorded up to +${Math.round(i.horizonMs)} ms; unmatched events after +${Math.round(i.horizonMs - i.tolerance.ms)} ms are listed, not judged`] : []),
    ...(filterLines.length > 0 ? filterLines : ['no filters']),
    ...describeRoleRules(i.roles).map((l) => `role ${l}`),
  ];
  return { comparison, predicted, observed, rules, text: renderComparison(comparison, predicted, observed, { notes: rules }) };
}
