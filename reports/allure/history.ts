// The Allure report's own history across runs (its Trend, Retries, Duration and Categories graphs,
// and each test's History tab), carried the way allure-commandline 2.x expects it: before
// `allure generate`, the previous report's history/*.json goes into <results>/history/, and an
// executor.json names the run (build name, build order) so the trend's points are labelled.
//
// The single-file report keeps its history only inside index.html; after generating, history/ is
// extracted next to it, so the report folder has the layout every Allure tool (and the next run) reads.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readAllureReportFiles } from './report-files.ts';

/** What Allure 2 writes per run in history-trend.json (newest first). */
const trendItem = z.object({
  buildOrder: z.number().optional(),
  reportName: z.string().optional(),
  reportUrl: z.string().optional(),
  data: z.record(z.string(), z.number()),
});
export type AllureTrendItem = z.infer<typeof trendItem>;

export interface CarriedHistory {
  /** Runs in the history handed to the generator (the new report's trend has one more). */
  readonly previousRuns: number;
  /** This run's build order in executor.json. */
  readonly buildOrder: number;
  /**
   * true: the results folder already carried a history (the report is being generated again from the
   * same results, e.g. `report --allure` after `run`), which is kept, so the run is not counted twice.
   */
  readonly reused: boolean;
}

export interface CarryOptions {
  readonly resultsDir: string;
  /** The previous report (and where the new one goes). */
  readonly reportDir: string;
  /** Executor build name: the run id of the matrix and history.json, so both name the run alike. */
  readonly runId?: string;
  readonly reportName: string;
}

function parseTrend(bytes: Buffer | undefined): AllureTrendItem[] {
  if (bytes === undefined) return [];
  try {
    const parsed = z.array(trendItem).safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    // A damaged trend file only costs the build order; allure generate reports damaged history itself.
    return [];
  }
}

/** The report's trend (history-trend.json, newest first), from the files next to it or inside index.html. */
export function readAllureTrend(reportDir: string, file = 'history-trend.json'): AllureTrendItem[] {
  return parseTrend(readAllureReportFiles(reportDir, 'history/').get(`history/${file}`));
}

/** Before `allure generate`: the previous report's history into the results, and executor.json. */
export function carryAllureHistory(opts: CarryOptions): CarriedHistory {
  const target = join(opts.resultsDir, 'history');
  const executorFile = join(opts.resultsDir, 'executor.json');
  if (existsSync(target)) {
    const again = parseTrend(readAllureReportFiles(opts.resultsDir, 'history/').get('history/history-trend.json'));
    const buildOrder = readExecutor(executorFile)?.buildOrder ?? nextBuildOrder(again);
    // Reported again under another run id: the report names the run the matrix names.
    if (opts.runId !== undefined) writeExecutor(executorFile, executorOf(opts.runId, buildOrder, opts.reportName));
    return { previousRuns: again.length, buildOrder, reused: true };
  }
  const files = readAllureReportFiles(opts.reportDir, 'history/');
  // Created even when empty: it marks these results as carried (see `reused`).
  mkdirSync(target, { recursive: true });
  for (const [path, bytes] of files) writeFileSync(join(opts.resultsDir, path), bytes);
  const trend = parseTrend(files.get('history/history-trend.json'));
  const buildOrder = nextBuildOrder(trend);
  writeExecutor(executorFile, executorOf(opts.runId ?? `run ${buildOrder}`, buildOrder, opts.reportName));
  return { previousRuns: trend.length, buildOrder, reused: false };
}

/** Allure's executor.json (its Executors widget, and the labels of the trend's points). */
export interface AllureExecutor {
  readonly name: string;
  readonly type: string;
  readonly buildName: string;
  readonly buildOrder: number;
  readonly reportName: string;
}

export const EXECUTOR_NAME = 'l2tpv3-conformance';

function executorOf(buildName: string, buildOrder: number, reportName: string): AllureExecutor {
  return { name: EXECUTOR_NAME, type: EXECUTOR_NAME, buildName, buildOrder, reportName };
}

function writeExecutor(path: string, e: AllureExecutor): void {
  writeFileSync(path, JSON.stringify(e, null, 2) + '\n');
}

function readExecutor(path: string): { buildOrder?: number } | undefined {
  try {
    const parsed = z.object({ buildOrder: z.number().optional() }).safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The run id a generated report names (its executor's build name), or undefined. */
export function allureReportRunId(reportDir: string): string | undefined {
  const bytes = readAllureReportFiles(reportDir, 'widgets/').get('widgets/executors.json');
  if (bytes === undefined) return undefined;
  try {
    const parsed = z.array(z.object({ name: z.string().optional(), buildName: z.string().optional() })).safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data.find((e) => e.name === EXECUTOR_NAME)?.buildName : undefined;
  } catch {
    return undefined;
  }
}

function nextBuildOrder(trend: readonly AllureTrendItem[]): number {
  const orders = trend.map((t) => t.buildOrder).filter((n): n is number => n !== undefined);
  return (orders.length > 0 ? Math.max(...orders) : trend.length) + 1;
}

/** After a single-file `allure generate`: writes the embedded history/*.json next to index.html. */
export function exportAllureHistory(reportDir: string): number {
  const dir = join(reportDir, 'history');
  if (existsSync(dir) && readdirSync(dir).length > 0) return readdirSync(dir).length; // multi-file: already there
  const files = readAllureReportFiles(reportDir, 'history/');
  mkdirSync(dir, { recursive: true });
  for (const [path, bytes] of files) writeFileSync(join(reportDir, path), bytes);
  return files.size;
}

/**
 * After a failed `allure generate`: --clean may have emptied the report folder, and the history it
 * had lives on only in the results, which the next run replaces. Puts it back as REPORT/history/.
 */
export function restoreAllureHistory(resultsDir: string, reportDir: string): number {
  const dir = join(reportDir, 'history');
  if (existsSync(dir) && readdirSync(dir).length > 0) return 0;
  const files = readAllureReportFiles(resultsDir, 'history/');
  if (files.size === 0) return 0;
  mkdirSync(dir, { recursive: true });
  for (const [path, bytes] of files) writeFileSync(join(reportDir, path), bytes);
  return files.size;
}
