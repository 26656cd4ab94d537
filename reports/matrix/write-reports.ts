// The run command's one call (writeRunReports): generate the Allure HTML report (its history carried
// from the previous one), build the matrix from the outcomes, append it to the history, link the
// cells' tests to the Allure report, and write matrix.json, matrix.html, matrix.md and history.json
// into the output folder. writeMatrixReports is the matrix half alone.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestOutcome } from './cell-rules.ts';
import { buildMatrix, type BuildOptions, type CompatibilityMatrix } from './build.ts';
import { linkMatrixToAllureReport } from './allure-links.ts';
import { AllureReportError, generateAllureReport } from '../allure/generate.ts';
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

export interface AllureStep {
  /** allure-results of this run (the allure-playwright reporter's resultsDir). */
  readonly resultsDir: string;
  /** The report folder; the previous report there lends its history. */
  readonly reportDir: string;
  /** Default true; false: only link to the report already there, when it is of this run. */
  readonly generate?: boolean;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunReportOptions extends Omit<WriteMatrixOptions, 'allureReportDir'> {
  /** false: no Allure report (run --no-allure): the cells list their tests by title. */
  readonly allure: AllureStep | false;
}

export interface WrittenRunReports extends WrittenMatrix {
  /** The Allure report's index.html when this call generated it. */
  readonly allureIndex?: string;
  /** Why the Allure report was not generated (no Java, no results, ...): one line; the matrix is written, unlinked. */
  readonly allureError?: string;
}

/** Allure report first (its uids are new on each generation), then the matrix linked to it. */
export async function writeRunReports(outcomes: readonly TestOutcome[], opts: RunReportOptions): Promise<WrittenRunReports> {
  const { allure, ...matrixOpts } = opts;
  if (allure === false) return writeMatrixReports(outcomes, matrixOpts);
  let allureIndex: string | undefined;
  let allureError: string | undefined;
  if (allure.generate ?? true) {
    try {
      allureIndex = await generateAllureReport({ resultsDir: allure.resultsDir, reportDir: allure.reportDir, runId: opts.runId, timeoutMs: allure.timeoutMs, env: allure.env });
    } catch (e) {
      if (!(e instanceof AllureReportError)) throw e;
      allureError = e.message;
    }
  }
  // After a failed generation the folder may hold an earlier run's report: the link step refuses it.
  const w = writeMatrixReports(outcomes, { ...matrixOpts, allureReportDir: allure.reportDir });
  return { ...w, ...(allureIndex === undefined ? {} : { allureIndex }), ...(allureError === undefined ? {} : { allureError }) };
}
