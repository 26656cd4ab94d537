// The Allure history's file handling without the generator (reports/allure/history.ts,
// report-files.ts): files read from a single-file index.html (`d('<path>','<base64>')`, as
// allure-commandline 2.x embeds them) or from disk; the previous report's history carried into new
// results with an executor.json; a second generation from the same results keeps the history they
// carry; a failed generation puts the history back into the report folder.
import { test, expect } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAllureReportFiles } from '../../../reports/allure/report-files.ts';
import { allureReportRunId, carryAllureHistory, exportAllureHistory, readAllureTrend, restoreAllureHistory } from '../../../reports/allure/history.ts';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64');
const TREND = [
  { buildOrder: 7, reportName: 'x', data: { passed: 3, failed: 1, total: 4 } },
  { buildOrder: 6, reportName: 'x', data: { passed: 4, failed: 0, total: 4 } },
];

let dir = '';
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reports-allure-history-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A single-file report as allure-commandline writes it: the data only inside index.html. */
function singleFileReport(at: string): void {
  mkdirSync(at, { recursive: true });
  writeFileSync(
    join(at, 'index.html'),
    `<html><script>d('history/history-trend.json','${b64(TREND)}'),
d('widgets/executors.json','${b64([{ name: 'l2tpv3-conformance', buildName: 'night-7', buildOrder: 7 }])}'),
d('data/test-cases/abc.json','${b64({ uid: 'abc' })}'),
d("not/ours.json",'eA=='), d('bad path/x.json','eA==')</script></html>`,
  );
}

test('files are read from a single-file index.html, only under the prefix asked for', () => {
  const report = join(dir, 'report');
  singleFileReport(report);
  expect([...readAllureReportFiles(report, 'history/').keys()]).toEqual(['history/history-trend.json']);
  expect(readAllureTrend(report).map((t) => t.buildOrder)).toEqual([7, 6]);
  expect(allureReportRunId(report)).toBe('night-7');
  expect(JSON.parse(readAllureReportFiles(report, 'data/test-cases/').get('data/test-cases/abc.json')?.toString() ?? 'null')).toEqual({ uid: 'abc' });
  // Extracted next to index.html; from then on read from disk.
  expect(exportAllureHistory(report)).toBe(1);
  expect(JSON.parse(readFileSync(join(report, 'history', 'history-trend.json'), 'utf8'))).toEqual(TREND);
  expect(readAllureReportFiles(join(dir, 'missing'), 'history/').size).toBe(0);
});

test('carry: history into the results, executor.json with the next build order; again: reused, renamed', () => {
  const report = join(dir, 'report');
  const results = join(dir, 'results');
  singleFileReport(report);
  mkdirSync(results);
  expect(carryAllureHistory({ resultsDir: results, reportDir: report, runId: 'night-8', reportName: 'R' })).toEqual({ previousRuns: 2, buildOrder: 8, reused: false });
  expect(JSON.parse(readFileSync(join(results, 'history', 'history-trend.json'), 'utf8'))).toEqual(TREND);
  expect(JSON.parse(readFileSync(join(results, 'executor.json'), 'utf8'))).toEqual({ name: 'l2tpv3-conformance', type: 'l2tpv3-conformance', buildName: 'night-8', buildOrder: 8, reportName: 'R' });
  // Meanwhile the report folder got night 8's report (3 runs): the same results must not carry that.
  writeFileSync(join(report, 'index.html'), `d('history/history-trend.json','${b64([{ buildOrder: 8, data: {} }, ...TREND])}')`);
  expect(carryAllureHistory({ resultsDir: results, reportDir: report, runId: 'night-8b', reportName: 'R' })).toEqual({ previousRuns: 2, buildOrder: 8, reused: true });
  expect(JSON.parse(readFileSync(join(results, 'history', 'history-trend.json'), 'utf8'))).toEqual(TREND);
  expect(JSON.parse(readFileSync(join(results, 'executor.json'), 'utf8'))).toMatchObject({ buildName: 'night-8b', buildOrder: 8 });
});

test('first run: an empty history, build order 1; a failed generation puts the carried history back', () => {
  const results = join(dir, 'results');
  mkdirSync(results);
  expect(carryAllureHistory({ resultsDir: results, reportDir: join(dir, 'none'), reportName: 'R' })).toEqual({ previousRuns: 0, buildOrder: 1, reused: false });
  expect(JSON.parse(readFileSync(join(results, 'executor.json'), 'utf8'))).toMatchObject({ buildName: 'run 1', buildOrder: 1 });

  const report = join(dir, 'report');
  const results2 = join(dir, 'results2');
  singleFileReport(report);
  mkdirSync(results2);
  carryAllureHistory({ resultsDir: results2, reportDir: report, reportName: 'R' });
  rmSync(report, { recursive: true }); // what --clean does before the generator fails
  expect(restoreAllureHistory(results2, report)).toBe(1);
  expect(existsSync(join(report, 'index.html'))).toBe(false);
  expect(readAllureTrend(report).map((t) => t.buildOrder)).toEqual([7, 6]);
});
