// The trace verdict of one generated sequence, without attaching anything: fast-check runs many
// sequences and shrinks a failing one through many more, so only the final (shrunk) failure is
// attached (generated-report.ts). Same channels, prediction, filters, roles and tolerance as
// TracedLab.verdict (TracedLab.judge), plus the concurrency rule (reference-impl/trace/concurrent-order.ts).
import { realNowMs } from '../../drivers/trace/trace-clock.ts';
import { timingTolerance } from '../../reference-impl/trace/tolerance.ts';
import { traceVerdictWithConcurrency } from '../../reference-impl/trace/concurrent-order.ts';
import type { TraceVerdict } from '../../reference-impl/trace/verdict.ts';
import { controlTolerance, type TracedLab } from './trace-verdict.ts';

/** Observes until the horizon (now plus the tolerance), predicts the same stimulus, compares. */
export async function judgeSequence(t: TracedLab): Promise<TraceVerdict> {
  const tol = timingTolerance(controlTolerance(t.lab));
  // "never came" and "came too late" are told apart by waiting out the jitter budget once (a deadline).
  const horizonReal = realNowMs() + tol.ms / t.lab.timeScale;
  await new Promise((r) => setTimeout(r, Math.max(0, horizonReal - realNowMs())));
  return t.judge(horizonReal, traceVerdictWithConcurrency).verdict;
}
