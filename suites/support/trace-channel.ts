// A channel of a TracedLab verdict (trace-verdict.ts): one kind of observation the harness makes
// of the device (control messages and syslog, CLI outputs, frames at LAN ports, ...) with the
// oracle's prediction of it for the same stimulus. The verdict merges every channel's observed and
// predicted events into one trace each and compares them whole (DESIGN.md "The verdict"), so an
// area adds its observations with `TracedLab.addChannel` without touching the verdict itself.
import type { TimedStep } from '../../drivers/trace/stimulus-log.ts';
import type { TraceClock } from '../../drivers/trace/trace-clock.ts';
import type { TraceFilter } from '../../reference-impl/trace/filters.ts';
import type { RoleRules } from '../../reference-impl/trace/roles.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { DeviceLab } from './device-lab.ts';

/** What a channel's prediction is given: the stimulus so far, on the traces' clock. */
export interface ChannelPredictionContext {
  readonly lab: DeviceLab;
  /** Every stimulus step the TracedLab recorded (real times; `clock` turns them virtual). */
  readonly steps: readonly TimedStep[];
  readonly clock: TraceClock;
  /** Virtual ms the prediction runs to (the observed trace's horizon). */
  readonly horizonMs: number;
  /** The test's logical name of a peer's lab address (what `at` of a control event says). */
  readonly nameOf: (host: string) => string;
  /** This channel's observed events up to the horizon (e.g. to bound when the device really started). */
  readonly observed: readonly TraceEvent[];
}

export interface TraceChannel {
  /** Shown in errors and the verdict's rule lines. */
  readonly name: string;
  /** Events observed so far whose time is at most `horizonMs` (virtual ms on `clock`). */
  observe(clock: TraceClock, horizonMs: number): TraceEvent[];
  /** The oracle's events for the same stimulus up to `ctx.horizonMs`. */
  predict(ctx: ChannelPredictionContext): TraceEvent[];
  /**
   * Named filters of this channel. They are applied to the whole merged trace, so each must drop
   * only events of its own source (e.g. `e.source === 'frame' && ...`).
   */
  readonly filters?: readonly TraceFilter[];
  /** Role rules for values the device chooses in this channel's events (merged with the others'). */
  readonly roles?: Partial<RoleRules>;
  /**
   * Calls `cb` at each new observation until the returned function is called: the verdict then
   * re-evaluates at once instead of waiting out its budget for a predicted event still owed.
   */
  onObservation?(cb: () => void): () => void;
  /** Secrets this channel's events may contain (masked in every attachment). */
  readonly secrets?: () => readonly string[];
}

/** Role rules of several channels as one set. */
export function mergeRoles(base: RoleRules, more: readonly (Partial<RoleRules> | undefined)[]): RoleRules {
  return {
    fields: [...base.fields, ...more.flatMap((r) => r?.fields ?? [])],
    texts: [...base.texts, ...more.flatMap((r) => r?.texts ?? [])],
  };
}
