// What @generated prints and attaches: the seed, the sequence count, and for a divergence the
// shrunk sequence (numbered actions), the drawn config, the first divergence, and the command that
// replays it; the side-by-side trace of the shrunk sequence goes to the Allure result beside it.
import { test } from '@playwright/test';
import { attachOracleComparison } from '../../reports/allure/attachments.ts';
import { formatEvent, type TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import { describeConfig, type GeneratedOutcome } from './generated-run.ts';

/** The replay command of a device's sequence. */
export function replayCommand(model: string, o: Pick<GeneratedOutcome, 'seed' | 'runs'>): string {
  return `l2tpv3-conformance run --models ${model} --grep @generated --seed ${o.seed} --generated-runs ${o.runs}`;
}

/** The report text: the first line always names the seed (a green run is replayable too). */
export function generatedReport(project: string, model: string, o: GeneratedOutcome): string {
  const head = `@generated ${project}: seed ${o.seed}, ${o.runs} sequence(s) (${o.failed ? `sequence ${o.drawn} diverged` : 'all run'}), ${o.sequencesRun} router run(s) in ${(o.wallMs / 1000).toFixed(1)} s`;
  const drawn = o.sequences.slice(0, o.drawn).map((a, k) => `  sequence ${k + 1}: ${a.join(' ') || '(no action)'}`);
  if (!o.failed) return [`${head}: no divergence`, ...drawn].join('\n');
  if (!o.failure) return `${head}: harness error (not a divergence):\n${o.error}\nreplay: ${replayCommand(model, o)}`;
  const f = o.failure;
  const d = f.verdict.comparison.divergence!;
  return [
    `${head}: DIVERGED; drawn: ${o.sequences[o.drawn - 1]?.join(' ')}; shrunk (${o.shrinks} shrink step(s)) to ${f.actions.length} action(s):`,
    `  config: ${describeConfig(f.config)}`,
    ...f.actions.map((a, k) => `  ${k + 1}. ${a}`),
    `first divergence (${d.kind}): ${d.summary}`,
    ...(d.predicted ? [`  predicted: ${formatEvent(d.predicted)}`] : []),
    ...(d.observed ? [`  observed:  ${formatEvent(d.observed)}`] : []),
    `replay: ${replayCommand(model, o)}`,
  ].join('\n');
}

/** Attaches the report, and for a divergence the shrunk sequence's verdict and both traces. */
export async function attachGenerated(report: string, o: GeneratedOutcome): Promise<void> {
  await test.info().attach('generated sequence.txt', { body: report, contentType: 'text/plain' });
  test.info().annotations.push({ type: 'generated', description: report.split('\n')[0] });
  if (!o.failure) return;
  const v = o.failure.verdict;
  await test.info().attach('trace verdict.txt', { body: v.text, contentType: 'text/plain' });
  const untimed = (events: readonly TraceEvent[]) => events.map((e) => formatEvent({ ...e, t: 0 }).replace(/^\+0 ms /, ''));
  await attachOracleComparison({ what: 'trace', predicted: untimed(v.predicted), observed: untimed(v.observed) });
}
