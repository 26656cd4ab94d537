// The summary table printed at the end of a run: one line per tested device with its cell counts,
// then the new regressions (the line a QA engineer reads first), then where the reports are.

import { CELL_KINDS, type CellKind } from './cell-rules.ts';
import type { CompatibilityMatrix } from './build.ts';
import type { HistoryComparison } from '../history/compare.ts';

const SHORT: Readonly<Record<CellKind, string>> = {
  conformant: 'conformant',
  'unsupported-as-documented': 'unsupp-doc',
  'undocumented-support': 'undoc-supp',
  regression: 'regression',
  'not-run': 'not-run',
};

export function renderTerminalSummary(m: CompatibilityMatrix, cmp?: HistoryComparison, files: readonly string[] = []): string {
  const tested = m.rows.filter((r) => r.tested);
  const head = ['device'.padEnd(34), ...CELL_KINDS.map((k) => SHORT[k].padStart(11))].join(' ');
  const lines = [head, '-'.repeat(head.length)];
  for (const row of tested) {
    const cells = m.cells.filter((c) => c.model === row.model && c.firmware === row.firmware);
    const counts = CELL_KINDS.map((k) => String(cells.filter((c) => c.kind === k).length).padStart(11));
    lines.push([`${row.model} ${row.firmware}`.padEnd(34), ...counts].join(' '));
  }
  const untested = m.rows.filter((r) => !r.tested).map((r) => r.model);
  if (untested.length > 0) lines.push(`not run: ${[...new Set(untested)].join(', ')}`);
  if (tested.length === 0) lines.push('no device test ran');
  lines.push('');
  if (cmp !== undefined) {
    const against = cmp.previousRunId ?? 'no previous run';
    if (cmp.newRegressions.length > 0) {
      lines.push(`NEW REGRESSIONS (${cmp.newRegressions.length}) against ${against}:`);
      for (const c of cmp.newRegressions) lines.push(`  ${c.key} (${c.before === undefined ? 'never ran before' : `was ${c.before}`})`);
    } else {
      lines.push(`no new regression against ${against}`);
    }
    if (cmp.ongoingRegressions.length > 0) lines.push(`ongoing regressions: ${cmp.ongoingRegressions.length}`);
    if (cmp.fixed.length > 0) lines.push(`fixed since the last run: ${cmp.fixed.length}`);
  }
  lines.push(`regressions: ${m.summary.regression}, undocumented support: ${m.summary['undocumented-support']}`);
  for (const f of files) lines.push(`  ${f}`);
  return lines.join('\n') + '\n';
}

/** The run's exit status: non-zero when any cell is a regression (issue 9, "The main job"). */
export function exitCodeFor(m: CompatibilityMatrix): number {
  return m.summary.regression > 0 ? 1 : 0;
}
