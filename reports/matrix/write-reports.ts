// The run command's one call: build the matrix from the outcomes, append it to the history, link
// the cells' tests to the Allure report when one was generated, and write matrix.json, matrix.html,
// matrix.md and history.json into the output folder.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestOutcome } from './cell-rules.ts';
import { buildMatrix, type BuildOptions, type CompatibilityMatrix } from './build.ts';
import { linkMatrixToAllureReport } from './allure-links.ts';
import { appendRun, loadHistory, saveHistory } from '../history/history-file.ts';
import type { HistoryComparison } from '../history/compare.ts';
import { matrixReport } from './report-view.ts';
import { renderMatrixJson } from './write-json.ts';
import { renderMatrixHtml } from './write-html.ts';
import { renderMatrixMarkdown } from './write-markdown.ts';

export interface WriteMatrixOptions extends BuildOptions {
  /** e.g. reports/out */
  readonly outDir: string;
  /** Default <outDir>/history.json. */
  readonly historyPath?: string;
  /** Runs kept in the history (default 100). */
  readonly keepRuns?: number;
  /**
   * The Allure HTML report generated from this run's results (generateAllureReport, called first):
   * each cell's tests link to their results in it. Absent, or no report there: titles without links.
   */
  readonly allureReportDir?: string;
}

export interface WrittenMatrix {
  readonly matrix: CompatibilityMatrix;
  readonly comparison: HistoryComparison;
  readonly files: { readonly json: string; readonly html: string; readonly markdown: string; readonly history: string };
}

export function writeMatrixReports(outcomes: readonly TestOutcome[], opts: WriteMatrixOptions): WrittenMatrix {
  const built = buildMatrix(outcomes, opts);
  const matrix = opts.allureReportDir === undefined ? built : linkMatrixToAllureReport(built, opts.allureReportDir, opts.outDir);
  const historyPath = opts.historyPath ?? join(opts.outDir, 'history.json');
  const history = appendRun(loadHistory(historyPath), matrix, opts.keepRuns ?? 100);
  const report = matrixReport(matrix, history);
  mkdirSync(opts.outDir, { recursive: true });
  const files = {
    json: join(opts.outDir, 'matrix.json'),
    html: join(opts.outDir, 'matrix.html'),
    markdown: join(opts.outDir, 'matrix.md'),
    history: historyPath,
  };
  writeFileSync(files.json, renderMatrixJson(report));
  writeFileSync(files.html, renderMatrixHtml(report));
  writeFileSync(files.markdown, renderMatrixMarkdown(report));
  saveHistory(historyPath, history);
  if (report.comparison === undefined) throw new Error('internal: history lost the run just appended');
  return { matrix, comparison: report.comparison, files };
}
