// Allure integration end to end (issue 9 point 2, second half): a tiny device suite run by its own
// Playwright process with the conformance reporters (allure-playwright, JUnit, JSON); the Allure
// results carry the labels, parameters and attachments; the JSON report feeds the matrix; the
// Allure HTML report is generated with allure-commandline and opens in headless Chromium.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { reportPaths } from '../../../reports/allure/reporter-config.ts';
import { allureUnavailableReason, generateAllureReport, AllureReportError } from '../../../reports/allure/generate.ts';
import { outcomesFromPlaywrightJsonFile } from '../../../reports/matrix/outcomes-from-playwright.ts';
import { buildMatrix, cellAt } from '../../../reports/matrix/build.ts';
import { launchChromium, NO_CHROMIUM } from '../chromium.ts';
import { runFixtureSuite, type FixtureRun } from './fixture-suite.ts';

interface AllureResult {
  name: string;
  status: string;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  attachments: { name: string; type: string; source: string }[];
  steps: { name: string; attachments: { name: string; type: string; source: string }[] }[];
}

test.describe.configure({ mode: 'serial' });

let dir = '';
let run: FixtureRun = { code: null, output: '' };
test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'reports-allure-'));
  run = await runFixtureSuite(dir, { fixture: 'device.fixture-spec.ts', env: { FIXTURE_TUNNEL_SECRET: 's3cr3t-pass' } });
});
test.afterAll(() => {
  if (process.env.REPORTS_KEEP) return;
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('the fixture suite ran: 2 passed, 1 failed', () => {
  expect(run.code, run.output).toBe(1);
  expect(run.output).toMatch(/1 failed/);
  expect(run.output).toMatch(/2 passed/);
});

test('allure-results: labels, parameters, attachments; secrets masked', () => {
  const paths = reportPaths(join(dir, 'out'));
  const files = readdirSync(paths.allureResults);
  const results = files.filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(paths.allureResults, f), 'utf8')) as AllureResult);
  expect(results.map((r) => r.name).sort()).toEqual(['RTX1210 old firmware refuses tag VLAN', 'RTX830 filters: frames as predicted', 'RTX830 syslog: a line missing']);
  const filters = results.find((r) => r.name.startsWith('RTX830 filters'));
  if (filters === undefined) throw new Error('no filters result');
  const label = (r: AllureResult, n: string) => r.labels.filter((l) => l.name === n).map((l) => l.value);
  expect(label(filters, 'model')).toEqual(['RTX830']);
  expect(label(filters, 'firmware')).toEqual(['Rev.15.02.22']);
  expect(label(filters, 'feature')).toEqual(['Filters and stage order']);
  expect(label(filters, 'severity')).toEqual(['critical']);
  expect(filters.parameters).toEqual(expect.arrayContaining([{ name: 'model', value: 'RTX830' }, { name: 'documented', value: 'supported' }, { name: 'time scale', value: '50' }]));
  const attachments = [...filters.attachments, ...filters.steps.flatMap((s) => s.attachments)];
  const byName = new Map(attachments.map((a) => [a.name, a]));
  expect(byName.get('wan.pcap')?.type).toBe('application/vnd.tcpdump.pcap');
  const pcap = readFileSync(join(paths.allureResults, byName.get('wan.pcap')?.source ?? 'missing'));
  expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4); // pcap magic (microsecond timestamps)
  const cli = readFileSync(join(paths.allureResults, byName.get('cli')?.source ?? 'missing'), 'utf8');
  expect(cli).toContain('l2tp tunnel auth on ********');
  expect(cli).not.toContain('s3cr3t-pass');
  expect(byName.has('LAN B: oracle prediction')).toBe(true);
  expect(byName.has('LAN B: diff')).toBe(false); // agreed: no diff
  expect(files.every((f) => !readFileSync(join(paths.allureResults, f)).includes('s3cr3t-pass'))).toBe(true);

  const syslog = results.find((r) => r.name.startsWith('RTX830 syslog'));
  expect(syslog?.status).toBe('failed');
  const sAtt = [...(syslog?.attachments ?? []), ...(syslog?.steps.flatMap((s) => s.attachments) ?? [])];
  const diff = sAtt.find((a) => a.name === 'syslog: diff');
  expect(diff?.type).toBe('text/plain');
  expect(readFileSync(join(paths.allureResults, diff?.source ?? 'missing'), 'utf8')).toMatch(/^-\s+"session up"$/m);
});

test('JUnit XML: three test cases, one failure, annotations as properties', () => {
  const xml = readFileSync(reportPaths(join(dir, 'out')).junit, 'utf8');
  expect(xml).toMatch(/<testsuites [^>]*tests="3"[^>]*failures="1"/);
  expect(xml).toContain('name="conformance.model" value="RTX830"');
});

test('the JSON report feeds the matrix: outcomes and cells', () => {
  const outcomes = outcomesFromPlaywrightJsonFile(reportPaths(join(dir, 'out')).playwrightJson);
  expect(outcomes.map((o) => [o.model, o.firmware, o.feature, o.status, o.expectation, o.device]).sort()).toEqual([
    ['RTX1210', 'Rev.14.01.08', 'tag-vlan', 'passed', 'unsupported', 'refused'],
    ['RTX830', 'Rev.15.02.22', 'filters', 'passed', 'supported', 'unobserved'],
    ['RTX830', 'Rev.15.02.22', 'syslog', 'failed', 'supported', 'unobserved'],
  ]);
  const m = buildMatrix(outcomes, { runId: 'fixture', generatedAt: new Date(0) });
  expect(cellAt(m, 'RTX830', 'Rev.15.02.22', 'filters')?.kind).toBe('conformant');
  expect(cellAt(m, 'RTX830', 'Rev.15.02.22', 'syslog')?.kind).toBe('regression');
  expect(cellAt(m, 'RTX1210', 'Rev.14.01.08', 'tag-vlan')?.kind).toBe('unsupported-as-documented');
});

test('Allure HTML report generated with allure-commandline opens in headless Chromium', async () => {
  const reason = allureUnavailableReason();
  test.skip(reason !== undefined, reason ?? '');
  test.skip(NO_CHROMIUM !== undefined, NO_CHROMIUM ?? '');
  test.setTimeout(120_000);
  const paths = reportPaths(join(dir, 'out'));
  const index = await generateAllureReport({ resultsDir: paths.allureResults, reportDir: paths.allureReport });
  expect(existsSync(index)).toBe(true);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(pathToFileURL(index).href);
    // The single-file report renders its summary from embedded data (no server).
    await expect(page.getByText('L2TPv3 conformance').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('body')).toContainText(/3\s*test cases/i, { timeout: 30_000 });
    await test.info().attach('allure report screenshot', { body: await page.screenshot(), contentType: 'image/png' });
  } finally {
    await browser.close();
  }
});

test('generateAllureReport without Java: a clear message naming what to install', async () => {
  const env = { ...process.env, JAVA_HOME: join(dir, 'no-java-here') };
  expect(allureUnavailableReason(env)).toMatch(/allure-commandline needs Java, and JAVA_HOME=.*no-java-here has no working bin\/java: install a Java runtime/);
  await expect(generateAllureReport({ resultsDir: dir, reportDir: join(dir, 'never'), env })).rejects.toThrow(AllureReportError);
  await expect(generateAllureReport({ resultsDir: join(dir, 'empty-missing'), reportDir: join(dir, 'never') })).rejects.toThrow(/no Allure results in .*empty-missing/);
});
