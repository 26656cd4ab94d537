// What the three writers (JSON, HTML, Markdown) share: the matrix, its comparison with earlier
// runs, the per-cell trend, and one symbol per cell kind.

import type { CellKind } from './cell-rules.ts';
import { cellKey, type CellTest, type CompatibilityMatrix, type MatrixCell } from './build.ts';
import type { MatrixHistory } from '../history/history-file.ts';
import { compareWithPrevious, trendOf, type HistoryComparison, type TrendPoint } from '../history/compare.ts';

export interface MatrixReport {
  readonly matrix: CompatibilityMatrix;
  /** Undefined when rendered without history. */
  readonly comparison?: HistoryComparison;
  /** cellKey -> the last runs' kinds, oldest first (includes this run). */
  readonly trends: Readonly<Record<string, readonly TrendPoint[]>>;
}

export const TREND_RUNS = 10;

/** Plain-text symbols, so the Markdown and the HTML read the same and survive a terminal. */
export const KIND_SYMBOL: Readonly<Record<CellKind, string>> = {
  conformant: '✔',
  regression: '✘',
  'unsupported-as-documented': '–',
  'undocumented-support': '!',
  'not-run': '·',
};

/** The history must already contain the matrix's run (appendRun) to get a comparison. */
export function matrixReport(matrix: CompatibilityMatrix, history?: MatrixHistory): MatrixReport {
  if (history === undefined || !history.runs.some((r) => r.runId === matrix.runId)) {
    return { matrix, trends: {} };
  }
  const trends: Record<string, readonly TrendPoint[]> = {};
  const upTo = { ...history, runs: history.runs.slice(0, history.runs.findIndex((r) => r.runId === matrix.runId) + 1) };
  for (const c of matrix.cells) {
    const key = cellKey(c.model, c.firmware, c.feature);
    trends[key] = trendOf(upTo, key, TREND_RUNS);
  }
  return { matrix, comparison: compareWithPrevious(history, matrix.runId), trends };
}

export function isNewRegression(r: MatrixReport, c: MatrixCell): boolean {
  const key = cellKey(c.model, c.firmware, c.feature);
  return r.comparison?.newRegressions.some((x) => x.key === key) ?? false;
}

export function cellsOfRow(m: CompatibilityMatrix, model: string, firmware: string): MatrixCell[] {
  return m.features.map((f) => {
    const c = m.cells.find((x) => x.model === model && x.firmware === firmware && x.feature === f.id);
    if (c === undefined) throw new Error(`matrix has no cell ${cellKey(model, firmware, f.id)}`);
    return c;
  });
}

export function cellOfKey(m: CompatibilityMatrix, key: string): MatrixCell | undefined {
  return m.cells.find((c) => cellKey(c.model, c.firmware, c.feature) === key);
}

/** One line per test behind a cell's verdict. */
export function evidenceLines(c: MatrixCell): string[] {
  return c.evidence.map(evidenceText);
}

export function evidenceText(e: CellTest): string {
  return `${testTitle(e)} [${e.status}]: ${e.why}`;
}

export function testTitle(t: CellTest): string {
  return t.title ?? t.testId;
}

/**
 * The test a click on the cell opens: the first behind its verdict (a regression's failing test),
 * else the first that ran with the cell's verdict, else the first.
 */
export function primaryTest(c: MatrixCell): CellTest | undefined {
  return c.evidence[0] ?? c.tests.find((t) => t.verdict === c.kind) ?? c.tests[0];
}

/** An HTML id for the cell's entry in the list of tests (unique: every other character escaped). */
export function cellAnchor(c: MatrixCell): string {
  return 'cell-' + cellKey(c.model, c.firmware, c.feature).replace(/[^A-Za-z0-9.]/g, (ch) => `_${ch.codePointAt(0)?.toString(16) ?? ''}_`);
}
