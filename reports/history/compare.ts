// What changed since earlier runs: trend per cell, new regressions, fixes. A cell is compared with
// the last earlier run in which it RAN (kind other than not-run): a partial run (--grep, --models)
// neither hides an old regression nor makes it look new the next time the cell runs.

import type { CellKind } from '../matrix/cell-rules.ts';
import type { MatrixHistory } from './history-file.ts';

/** 'absent': the run had no such cell (the model/firmware row was not in that matrix). */
export type TrendPoint = { readonly runId: string; readonly kind: CellKind | 'absent' };

export interface CellChange {
  readonly key: string;
  readonly now: CellKind;
  /** The kind in the last earlier run that ran the cell; undefined: never ran before. */
  readonly before?: CellKind;
  readonly beforeRunId?: string;
}

export interface HistoryComparison {
  readonly runId: string;
  /** The run just before, if any (undefined: this is the first run, no baseline). */
  readonly previousRunId?: string;
  /** Regression now, and not a regression the last time the cell ran (or it never ran). */
  readonly newRegressions: readonly CellChange[];
  /** Regression now and the last time too. */
  readonly ongoingRegressions: readonly CellChange[];
  /** Regression the last time it ran, not now. */
  readonly fixed: readonly CellChange[];
  /** Undocumented support now, not the last time. */
  readonly newUndocumentedSupport: readonly CellChange[];
}

export function trendOf(h: MatrixHistory, key: string, last = 10): TrendPoint[] {
  return h.runs.slice(-last).map((r) => ({ runId: r.runId, kind: r.cells[key] ?? 'absent' }));
}

function lastRan(h: MatrixHistory, key: string, beforeIndex: number): { kind: CellKind; runId: string } | undefined {
  for (let i = beforeIndex - 1; i >= 0; i--) {
    const k = h.runs[i].cells[key];
    if (k !== undefined && k !== 'not-run') return { kind: k, runId: h.runs[i].runId };
  }
  return undefined;
}

/** Compares the newest run of the history (or the run `runId`) with the runs before it. */
export function compareWithPrevious(h: MatrixHistory, runId?: string): HistoryComparison {
  const idx = runId === undefined ? h.runs.length - 1 : h.runs.findIndex((r) => r.runId === runId);
  if (idx < 0) throw new Error(runId === undefined ? 'history has no run' : `history has no run "${runId}"`);
  const cur = h.runs[idx];
  const newRegressions: CellChange[] = [];
  const ongoing: CellChange[] = [];
  const fixed: CellChange[] = [];
  const newUndoc: CellChange[] = [];
  for (const [key, now] of Object.entries(cur.cells)) {
    if (now === 'not-run') continue;
    const prev = lastRan(h, key, idx);
    const change: CellChange = { key, now, before: prev?.kind, beforeRunId: prev?.runId };
    if (now === 'regression') (prev?.kind === 'regression' ? ongoing : newRegressions).push(change);
    else if (prev?.kind === 'regression') fixed.push(change);
    if (now === 'undocumented-support' && prev?.kind !== 'undocumented-support') newUndoc.push(change);
  }
  return {
    runId: cur.runId,
    previousRunId: idx > 0 ? h.runs[idx - 1].runId : undefined,
    newRegressions,
    ongoingRegressions: ongoing,
    fixed,
    newUndocumentedSupport: newUndoc,
  };
}
