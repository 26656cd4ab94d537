// Named filters: events the test does not own (kernel IPv6 noise from Linux hosts, keepalives of
// other tunnels, ...) are removed before the comparison, each filter by name and reason, and the
// report says how many events each removed from each trace. Pure.
import type { TraceEvent } from './trace-event.ts';

export interface TraceFilter {
  readonly name: string;
  readonly why: string;
  /**
   * `kept`: the events kept so far, in order (a filter of repeats compares with them); `later`:
   * every event after `e` in the trace, unfiltered (a filter of what a later event makes redundant).
   */
  readonly drops: (e: TraceEvent, kept: readonly TraceEvent[], later: LaterEvents) => boolean;
}

/** The events after the one being judged (a view: no copy per event). */
export interface LaterEvents {
  find(pred: (e: TraceEvent) => boolean): TraceEvent | undefined;
}

export interface FilterOutcome {
  readonly events: TraceEvent[];
  /** filter name -> events it removed. */
  readonly removed: ReadonlyMap<string, number>;
}

export function applyFilters(events: readonly TraceEvent[], filters: readonly TraceFilter[]): FilterOutcome {
  const removed = new Map<string, number>(filters.map((f) => [f.name, 0]));
  const kept: TraceEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const later: LaterEvents = {
      find: (pred) => {
        for (let k = i + 1; k < events.length; k++) if (pred(events[k])) return events[k];
        return undefined;
      },
    };
    const f = filters.find((x) => x.drops(e, kept, later));
    if (f) removed.set(f.name, (removed.get(f.name) ?? 0) + 1);
    else kept.push(e);
  }
  return { events: kept, removed };
}

export function describeFilters(filters: readonly TraceFilter[]): string[] {
  return filters.map((f) => `${f.name}: ${f.why}`);
}
