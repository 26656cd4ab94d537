// Issue 9 point 2 (first half): matrix.html rendered in headless Chromium (Debian's chromium driven
// by Playwright with executablePath): all 11 models appear, the page is self-contained, the legend
// and assumptions are there, a new regression stands out; a screenshot is attached to the test.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeMatrixReports } from '../../../reports/matrix/write-reports.ts';
import type { TestOutcome } from '../../../reports/matrix/cell-rules.ts';
import { cellKey } from '../../../reports/matrix/build.ts';
import { PLATFORM_ASSUMPTIONS } from '../../../reference-impl/platform/index.ts';
import { launchChromium, NO_CHROMIUM } from '../chromium.ts';

// seed: 対応機種とファームウェアリビジョン, the model column.
const SEED_MODELS = ['vRX VMware ESXi版', 'RTX3510', 'RTX1300', 'RTX1220', 'RTX830', 'NVR700W', 'RTX1210', 'RTX5000', 'RTX3500', 'RTX810', 'RTX1200'];

test('matrix.html in headless Chromium: all 11 models, legend, assumptions, new regression highlighted', async () => {
  test.skip(NO_CHROMIUM !== undefined, NO_CHROMIUM ?? '');
  const dir = mkdtempSync(join(tmpdir(), 'reports-matrix-html-'));
  const browser = await launchChromium();
  try {
    // Two runs: every kind of cell, and RTX830 filters regressing in the second.
    const base = (filtersStatus: TestOutcome['status']): TestOutcome[] => [
      { model: 'RTX830', firmware: 'Rev.15.02.22', feature: 'control-connection', testId: 'cc', status: 'passed', expectation: 'supported' },
      { model: 'RTX830', firmware: 'Rev.15.02.22', feature: 'filters', testId: 'f', status: filtersStatus, expectation: 'supported' },
      { model: 'RTX1210', firmware: 'Rev.14.01.08', feature: 'tag-vlan', testId: 'tv', status: 'passed', expectation: 'unsupported', device: 'refused' },
      { model: 'RTX810', firmware: 'Rev.11.01.25', feature: 'l2ms-manager', testId: 'l2', status: 'failed', expectation: 'unsupported', device: 'accepted', worked: true },
    ];
    writeMatrixReports(base('passed'), { outDir: dir, runId: 'night-1', generatedAt: new Date('2025-03-01T02:00:00Z') });
    const w = writeMatrixReports(base('failed'), { outDir: dir, runId: 'night-2', generatedAt: new Date('2025-03-02T02:00:00Z') });

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) foreign.push(r.url());
    });
    await page.goto(pathToFileURL(w.files.html).href);

    await expect(page.locator('h1')).toHaveText('L2TPv3 compatibility matrix');
    const rowModels = await page.locator('#matrix tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')));
    expect(new Set(rowModels)).toEqual(new Set(SEED_MODELS));
    for (const m of SEED_MODELS) await expect(page.locator('#matrix tbody th.row', { hasText: m }).first()).toBeVisible();
    // Untested models say so.
    await expect(page.locator('tr.untested', { hasText: 'RTX1300' })).toContainText('not run');

    // The new regression: banner first, the cell marked NEW with the regression colour.
    await expect(page.locator('#new-regressions')).toContainText('1 new regression');
    await expect(page.locator('#new-regressions')).toContainText(cellKey('RTX830', 'Rev.15.02.22', 'filters'));
    const newCell = page.locator('td.new-regression');
    await expect(newCell).toHaveCount(1);
    await expect(newCell).toContainText('NEW');
    await expect(newCell).toHaveCSS('background-color', 'rgb(255, 205, 210)');
    // Each kind is drawn in its own colour.
    // Browser-side code as a string: the project's tsconfig has no DOM lib.
    const colours = (await page.evaluate(`(() => {
      const byKind = {};
      for (const td of document.querySelectorAll('td.cell')) (byKind[td.dataset.kind] ??= new Set()).add(getComputedStyle(td).backgroundColor);
      return Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, [...v]]));
    })()`)) as Record<string, string[]>;
    expect(Object.keys(colours).sort()).toEqual(['conformant', 'not-run', 'regression', 'undocumented-support', 'unsupported-as-documented']);
    expect(new Set(Object.values(colours).map((v) => v.join())).size).toBe(5);

    await expect(page.locator('#legend')).toContainText('undocumented support');
    await expect(page.locator('#assumptions li')).toHaveCount(PLATFORM_ASSUMPTIONS.length);
    expect(foreign).toEqual([]);

    const shot = await page.screenshot({ fullPage: true });
    expect(shot.length).toBeGreaterThan(10_000);
    await test.info().attach('matrix.html screenshot', { body: shot, contentType: 'image/png' });
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
