// Memory samples for "memory flat" (issue 17 point 6): heap used after a full GC (so the figure is
// what is still reachable, not garbage waiting) and RSS, at the start, middle and end of a target.
// The GC is exposed at run time (v8 flag + a fresh context), so the bench needs no node flag.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemorySample {
  at: string;
  heapMb: number;
  rssMb: number;
}

const mb = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;

export function sampleMemory(at: string): MemorySample {
  gc();
  const m = process.memoryUsage();
  return { at, heapMb: mb(m.heapUsed), rssMb: mb(m.rss) };
}

/** RSS now, without a GC (cheap: for the running peak between samples). */
export function rssMb(): number {
  return mb(process.memoryUsage.rss());
}

/**
 * Flat: the heap after GC at the end is within `slackMb` of the middle sample (the start is before
 * the target's corpus and caches exist, so growth from start to middle is set-up, not a leak).
 */
export function heapFlat(samples: readonly MemorySample[], slackMb = 8): boolean {
  const mid = samples.find((s) => s.at === 'middle');
  const end = samples.find((s) => s.at === 'end');
  return mid === undefined || end === undefined || end.heapMb - mid.heapMb <= slackMb;
}
