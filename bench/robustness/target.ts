// One robustness target: a stream of generated or mutated inputs, each checked, each bounded.
// A crash is an exception escaping the code under test or an answer that breaks its contract
// (the check names which); a hang is an input that took longer than the per-input deadline (pure
// code cannot be interrupted, so the deadline is checked after each input and a slow input is
// kept as a reproducer). Memory is sampled at start, middle and end.
import { performance } from 'node:perf_hooks';
import { sampleMemory, rssMb, type MemorySample } from './memory.ts';

export interface TargetResult {
  target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  /** catalogue ids of the lines for bad input the target produced (undefined: not an L2TP target) */
  syslogClasses?: string[];
  /** catalogue ids expected but not seen (empty when all were) */
  syslogMissing?: string[];
  peakRssMb: number;
  memory: MemorySample[];
  /** slowest input, ms */
  slowestMs: number;
  seconds: number;
  /** outcome -> count (e.g. `control:too-short`): shows the inputs reached every class */
  outcomes: Record<string, number>;
  /** the first crash or hang of each kind (its error's first line), with what replays it */
  reproducers: string[];
  /** crash and hang kinds -> how many inputs showed each */
  findingKinds?: Record<string, number>;
}

export interface PureTarget<I> {
  name: string;
  /** input number i of the stream (deterministic from the target's seed and i) */
  generate(i: number): I;
  /** runs the code under test; returns the outcome class, or throws (crash) / returns {problem} */
  check(input: I): string | { problem: string };
  /** the input as a reproducer (hex, JSON, ...) */
  show(input: I): string;
  /** syslog ids the check saw, when the target produces syslog */
  syslogSeen?(): Set<string>;
  syslogExpected?: readonly string[];
}

const MAX_REPRODUCERS = 5;
export const PROGRESS_EVERY = 1000;

/** Runs `count` inputs; `progress` (if given) is told every PROGRESS_EVERY inputs, for a watchdog. */
export function runPureTarget<I>(t: PureTarget<I>, count: number, deadlineMs: number, progress?: (done: number) => void): TargetResult {
  const memory = [sampleMemory('start')];
  const outcomes: Record<string, number> = {};
  const reproducers: string[] = [];
  let crashes = 0;
  let hangs = 0;
  let slowest = 0;
  let peak = memory[0].rssMb;
  const findingKinds: Record<string, number> = {};
  /** one reproducer per kind of finding (the first input that showed it) */
  const note = (kind: string, reproducer: string) => {
    if (findingKinds[kind] === undefined && reproducers.length < MAX_REPRODUCERS) reproducers.push(reproducer);
    findingKinds[kind] = (findingKinds[kind] ?? 0) + 1;
  };
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    if (i === count >> 1) memory.push(sampleMemory('middle'));
    if ((i & 0x3fff) === 0) peak = Math.max(peak, rssMb());
    if (progress && i % PROGRESS_EVERY === 0) progress(i);
    const input = t.generate(i);
    const s = performance.now();
    let outcome: string | { problem: string };
    try {
      outcome = t.check(input);
    } catch (e) {
      outcome = { problem: `threw ${(e as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(e)}` };
    }
    const ms = performance.now() - s;
    slowest = Math.max(slowest, ms);
    if (typeof outcome !== 'string') {
      crashes++;
      note(outcome.problem.split(' | ')[0], `${t.name} #${i}: ${outcome.problem}; input ${t.show(input)}`);
      outcome = 'crash';
    }
    if (ms > deadlineMs) {
      hangs++;
      note(`over the ${deadlineMs} ms deadline`, `${t.name} #${i}: took ${ms.toFixed(0)} ms (deadline ${deadlineMs} ms); input ${t.show(input)}`);
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  memory.push(sampleMemory('end'));
  peak = Math.max(peak, ...memory.map((m) => m.rssMb));
  const seen = t.syslogSeen?.();
  return {
    target: t.name, inputs: count, crashes, hangs, peakRssMb: peak, memory, slowestMs: slowest, seconds, outcomes, reproducers, findingKinds,
    // the classes of bad input: the lines expected for them (other lines the target logs are not counted)
    syslogClasses: seen ? [...seen].filter((id) => !t.syslogExpected || t.syslogExpected.includes(id)).sort() : undefined,
    syslogMissing: seen && t.syslogExpected ? t.syslogExpected.filter((id) => !seen.has(id)) : undefined,
  };
}
