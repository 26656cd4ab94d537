// Issue 17 point 5, "Reports people open every morning": two nightly runs into one output folder, as
// the run command does them (allure-results emptied, suites, Allure HTML report with the real
// allure-commandline, then the matrix linked to it).
//  - The Allure report keeps its own history: the second report's trend, retries and duration data
//    have both nights, each test's History tab has both results, and headless Chromium draws the
//    Trend graph with two points.
//  - Every link of matrix.html and matrix.md resolves to a test result of that Allure report that
//    belongs to the cell's model / firmware / feature; a click opens the test with its evidence.
//  - Without the Allure report (--no-allure), or with another run's report left in the folder, the
//    cells list their tests by title, without links.
import { test, expect } from '@playwright/test';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reportPaths } from '../../../reports/allure/reporter-config.ts';
import { allureUnavailableReason, generateAllureReport } from '../../../reports/allure/generate.ts';
import { readAllureTrend } from '../../../reports/allure/history.ts';
import { readAllureReportJson } from '../../../reports/allure/report-files.ts';
import { labelOf, readAllureTestCases, type AllureTestCase } from '../../../reports/allure/test-cases.ts';
import { outcomesFromPlaywrightJsonFile } from '../../../reports/matrix/outcomes-from-playwright.ts';
import { writeMatrixReports, writeRunReports, type WrittenRunReports } from '../../../reports/matrix/write-reports.ts';
import { launchChromium, NO_CHROMIUM } from '../chromium.ts';
import { runFixtureSuite, type FixtureRun } from './fixture-suite.ts';

const DEVICES = [
  ['RTX830', 'Rev.15.02.22'],
  ['RTX1210', 'Rev.14.01.08'],
] as const;
// The fixture's tests per feature (nightly.fixture-spec.ts), on each device.
const FIXTURE_TESTS: Readonly<Record<string, readonly string[]>> = {
  timers: ['keepalive at the documented interval'],
  filters: ['stage order', 'stage order with tagged frames'],
  'control-connection': ['control connection comes up'],
};
const CONFIG = `retries: 1, projects: ${JSON.stringify(DEVICES.map(([m, f]) => ({ name: `${m} ${f}` })))},`;

const unavailable = allureUnavailableReason();
test.skip(unavailable !== undefined, `needs the real allure-commandline: ${unavailable ?? ''}`);
test.describe.configure({ mode: 'serial' });

let dir = '';
const nights: { run: FixtureRun; matrix: WrittenRunReports }[] = [];
const paths = () => reportPaths(join(dir, 'out'));

/** One night as the run command does it: fresh results, suites, then its one report call. */
async function night(n: number): Promise<void> {
  const p = paths();
  rmSync(p.allureResults, { recursive: true, force: true });
  rmSync(p.playwrightJson, { force: true });
  const run = await runFixtureSuite(dir, { fixture: 'nightly.fixture-spec.ts', env: { FIXTURE_NIGHT: String(n) }, configExtra: CONFIG });
  const matrix = await writeRunReports(outcomesFromPlaywrightJsonFile(p.playwrightJson), {
    outDir: p.outDir,
    runId: `night-${n}`,
    generatedAt: new Date(Date.UTC(2026, 11, n, 2)),
    allure: { resultsDir: p.allureResults, reportDir: p.allureReport },
  });
  nights.push({ run, matrix });
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  dir = mkdtempSync(join(tmpdir(), 'reports-nightly-'));
  await night(1);
  await night(2);
});
test.afterAll(() => {
  if (process.env.REPORTS_KEEP) return;
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('the two nights ran: night 1 all passed (one flaky), night 2 one failure', () => {
  expect(nights.map((x) => x.run.code), nights.map((x) => x.run.output).join('\n')).toEqual([0, 1]);
  expect(nights[0].run.output).toMatch(/2 flaky/);
  expect(nights[1].run.output).toMatch(/1 failed/);
  expect(nights[1].matrix.comparison.newRegressions.map((c) => c.key)).toEqual(['RTX830 / Rev.15.02.22 / filters']);
  expect(nights.map((x) => [x.matrix.allureIndex, x.matrix.allureError])).toEqual([
    [join(paths().allureReport, 'index.html'), undefined],
    [join(paths().allureReport, 'index.html'), undefined],
  ]);
});

test('the second Allure report carries the first: trend, retries, duration, categories, per-test history', () => {
  const report = paths().allureReport;
  // history-trend.json, newest first: night 2 (1 failed of 8), then night 1 (8 passed).
  const trend = readAllureTrend(report);
  expect(trend.map((t) => t.buildOrder)).toEqual([2, 1]);
  expect(trend.map((t) => [t.data.total, t.data.passed, t.data.failed])).toEqual([
    [8, 7, 1],
    [8, 8, 0],
  ]);
  // The same in the widget the Overview page draws.
  const widget = readAllureReportJson(report, 'widgets/history-trend.json') as { buildOrder?: number }[];
  expect(widget.map((w) => w.buildOrder)).toEqual([2, 1]);
  // Retries (retries: 1): the flaky test once on each device each night, and on night 2 RTX830's
  // failing stage order too.
  expect(readAllureTrend(report, 'retry-trend.json').map((t) => t.data.retry)).toEqual([3, 2]);
  for (const f of ['duration-trend.json', 'categories-trend.json']) expect(readAllureTrend(report, f)).toHaveLength(2);
  // The executor names the run as the matrix does.
  expect(readAllureReportJson(report, 'widgets/executors.json')).toEqual([expect.objectContaining({ buildName: 'night-2', buildOrder: 2 })]);
  // history/ sits next to the single-file index.html, where the next run (and any Allure tool) reads it.
  expect(existsSync(join(report, 'history', 'history-trend.json'))).toBe(true);
  // A test's History tab: RTX830's stage order, passed on night 1, failed on night 2.
  const cases = readAllureTestCases(report);
  const stage = cases.find((c) => !c.retry && c.name === 'stage order' && labelOf(c, 'model') === 'RTX830');
  if (stage === undefined) throw new Error('no RTX830 stage order result');
  const full = readAllureReportJson(report, `data/test-cases/${stage.uid}.json`) as { extra?: { history?: { items?: { status: string }[] } } };
  expect(full.extra?.history?.items?.map((i) => i.status)).toEqual(['passed']);
});

test('generating the same results again does not count the night twice', async () => {
  const p = paths();
  // On a copy of the report folder, so the links checked below stay those of the report they name.
  const again = join(dir, 'again');
  cpSync(p.allureReport, again, { recursive: true });
  // The results already carry the history they were first generated with: it is reused.
  await generateAllureReport({ resultsDir: p.allureResults, reportDir: again, runId: 'night-2' });
  expect(readAllureTrend(again).map((t) => t.buildOrder)).toEqual([2, 1]);
});

test('headless Chromium draws the Trend graph with two points', async () => {
  test.skip(NO_CHROMIUM !== undefined, NO_CHROMIUM ?? '');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) foreign.push(r.url());
    });
    await page.goto(pathToFileURL(join(paths().allureReport, 'index.html')).href);
    const chart = page.locator('.history-trend__chart');
    await expect(chart).toBeVisible({ timeout: 30_000 });
    // One x-axis tick per run, labelled with the executor's build order, and one slice (point) per run.
    await expect(chart.locator('.chart__axis_x .tick text')).toHaveText(['#1', '#2']);
    await expect(chart.locator('g.slice')).toHaveCount(2);
    // The Executors widget names the run as the matrix does.
    await expect(page.locator('body')).toContainText('night-2');
    // The report opens offline: no analytics beacon.
    expect(foreign).toEqual([]);
    await test.info().attach('allure overview with trend', { body: await page.screenshot(), contentType: 'image/png' });
  } finally {
    await browser.close();
  }
});

interface HtmlLink {
  href: string;
  model: string;
  firmware: string;
  feature: string;
  text: string;
}

function resultOf(cases: readonly AllureTestCase[], href: string): AllureTestCase | undefined {
  const m = /^allure-report\/index\.html#testresult\/([A-Za-z0-9_-]+)$/.exec(href);
  return m === null ? undefined : cases.find((c) => c.uid === m[1]);
}

test('every link of matrix.html opens a test result of that cell in the Allure report', async () => {
  test.skip(NO_CHROMIUM !== undefined, NO_CHROMIUM ?? '');
  const cases = readAllureTestCases(paths().allureReport);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(nights[1].matrix.files.html).href);
    // Browser-side code as a string: the project's tsconfig has no DOM lib.
    const links = (await page.evaluate(`[...document.querySelectorAll('a.allure-test')].map((a) => {
      const owner = a.closest('[data-feature]');
      return { href: a.getAttribute('href'), text: a.textContent, model: owner.dataset.model, firmware: owner.dataset.firmware, feature: owner.dataset.feature };
    })`)) as HtmlLink[];
    // Each device's cells: the symbol of each of the 3 cells, each of the 4 tests in the list, and the
    // regression's test in the details and in the new-regression banner (RTX830 filters).
    expect(links.length).toBe(2 * (3 + 4) + 2);
    for (const l of links) {
      const r = resultOf(cases, l.href);
      expect(r, `${l.href} is a test result of the report`).toBeDefined();
      if (r === undefined) continue;
      expect(r.retry).toBe(false);
      expect([labelOf(r, 'model'), labelOf(r, 'firmware'), r.labels.get('tag')]).toEqual([l.model, l.firmware, [l.feature]]);
      expect(FIXTURE_TESTS[l.feature]).toContain(r.name);
      if (l.text !== '✔' && l.text !== '✘') expect(l.text).toBe(r.name);
    }
    // Every test of every cell is reachable: 8 distinct results (the 6 cells' tests on 2 devices).
    const uids = new Set(links.map((l) => resultOf(cases, l.href)?.uid));
    expect(uids.size).toBe(2 * Object.values(FIXTURE_TESTS).flat().length);
    await expect(page.locator('#allure-links')).toContainText('8 of 8 tests link to their result');

    // A click on the regression's cell opens the failing test with its evidence.
    await page.locator('td.cell[data-model="RTX830"][data-feature="filters"] a.allure-test').click();
    await expect(page).toHaveURL(/allure-report\/index\.html#testresult\//);
    await expect(page.locator('body')).toContainText('frames at LAN B as predicted', { timeout: 30_000 });
    await expect(page.locator('body')).toContainText('wan.pcap');
    await test.info().attach('allure test result opened from matrix.html', { body: await page.screenshot(), contentType: 'image/png' });
  } finally {
    await browser.close();
  }
});

test('matrix.md and matrix.json carry the same links', () => {
  const cases = readAllureTestCases(paths().allureReport);
  const md = readFileSync(nights[1].matrix.files.markdown, 'utf8');
  const mdLinks = [...md.matchAll(/\]\((allure-report\/index\.html#testresult\/[^)]+)\)/g)].map((m) => m[1]);
  // 6 cell symbols, plus the regression's evidence in the banner and in the details.
  expect(mdLinks.length).toBe(6 + 2);
  for (const h of mdLinks) expect(resultOf(cases, h), h).toBeDefined();
  const json = JSON.parse(readFileSync(nights[1].matrix.files.json, 'utf8')) as {
    allureReport: { href: string; linkedTests: number; tests: number };
    cells: { model: string; firmware: string; feature: string; tests: { title: string; allure?: { uid: string; href: string } }[] }[];
  };
  expect(json.allureReport).toEqual({ href: 'allure-report/index.html', linkedTests: 8, tests: 8 });
  for (const c of json.cells.filter((x) => x.tests.length > 0)) {
    expect(c.tests.map((t) => t.title).sort()).toEqual([...FIXTURE_TESTS[c.feature]].sort());
    for (const t of c.tests) {
      const r = cases.find((x) => x.uid === t.allure?.uid);
      expect([r?.name, labelOf(r ?? cases[0], 'model')]).toEqual([t.title, c.model]);
      expect(t.allure?.href).toBe(`allure-report/index.html#testresult/${r?.uid ?? ''}`);
    }
  }
});

test('without the Allure report (--no-allure), or with another run\'s report: titles, no links', () => {
  const p = paths();
  const outcomes = outcomesFromPlaywrightJsonFile(p.playwrightJson);
  const noAllure = join(dir, 'no-allure');
  const w = writeMatrixReports(outcomes, { outDir: noAllure, runId: 'night-2', generatedAt: new Date(0) });
  const html = readFileSync(w.files.html, 'utf8');
  expect(html).not.toContain('allure-report');
  expect(html).toContain('<span class="test">stage order with tagged frames</span>');
  expect(html).toContain('No Allure HTML report is linked');
  expect(readFileSync(w.files.markdown, 'utf8')).not.toContain('testresult');

  // The report in the folder names night-2; a matrix of another run must not link to it.
  const stale = writeMatrixReports(outcomes, { outDir: join(dir, 'stale'), runId: 'night-3', generatedAt: new Date(0), allureReportDir: p.allureReport });
  const staleHtml = readFileSync(stale.files.html, 'utf8');
  expect(staleHtml).not.toContain('class="allure-test"');
  expect(staleHtml).toMatch(/Not linked to the Allure report: the Allure report at .* is of run night-2, not night-3/);
});

test('the Allure report fails to generate (no Java): the matrix is written, unlinked, and says why', async () => {
  const p = paths();
  const outDir = join(dir, 'no-java');
  const w = await writeRunReports(outcomesFromPlaywrightJsonFile(p.playwrightJson), {
    outDir,
    runId: 'night-3',
    generatedAt: new Date(0),
    allure: { resultsDir: p.allureResults, reportDir: p.allureReport, env: { ...process.env, JAVA_HOME: join(dir, 'no-java-here') } },
  });
  expect(w.allureIndex).toBeUndefined();
  expect(w.allureError).toMatch(/^Allure HTML report not generated: allure-commandline needs Java/);
  // night-2's report is still in the folder: not this run's, so not linked.
  const html = readFileSync(w.files.html, 'utf8');
  expect(html).not.toContain('class="allure-test"');
  expect(html).toContain('is of run night-2, not night-3');
  expect(readAllureTrend(p.allureReport).map((t) => t.buildOrder)).toEqual([2, 1]);
});
