// History across runs (issue 9 point 4 at the reports level): a second run after an injected
// regression shows that regression as new in matrix.json, matrix.md and matrix.html; a third run
// with the same failure shows it as ongoing, not new; a fix shows as fixed.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMatrixReports } from '../../../reports/matrix/write-reports.ts';
import type { TestOutcome } from '../../../reports/matrix/cell-rules.ts';
import { appendRun, emptyHistory, HistoryFileError, loadHistory } from '../../../reports/history/history-file.ts';
import { compareWithPrevious, trendOf } from '../../../reports/history/compare.ts';
import { buildMatrix, cellKey } from '../../../reports/matrix/build.ts';

const DEVICES = [
  { model: 'RTX830', firmware: 'Rev.15.02.22' },
  { model: 'RTX1210', firmware: 'Rev.14.01.26' },
];
const FEATURES = ['control-connection', 'filters', 'syslog'];

/** A run where every test passes, except the `failing` cells. */
function run(failing: string[] = [], only?: string[]): TestOutcome[] {
  const out: TestOutcome[] = [];
  for (const d of DEVICES) {
    for (const f of FEATURES) {
      const key = cellKey(d.model, d.firmware, f);
      if (only !== undefined && !only.includes(key)) continue;
      out.push({ ...d, feature: f, testId: `${f}.spec.ts > ${d.model} > works`, status: failing.includes(key) ? 'failed' : 'passed', expectation: 'supported' });
    }
  }
  return out;
}

let dir = '';
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reports-history-'));
});
test.afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const INJECTED = cellKey('RTX830', 'Rev.15.02.22', 'filters');

test('issue 9 point 4: a second run after an injected regression shows it as new', () => {
  const first = writeMatrixReports(run(), { outDir: dir, runId: 'run-1', generatedAt: new Date('2025-01-01T00:00:00Z') });
  expect(first.comparison.newRegressions).toEqual([]);
  expect(first.comparison.previousRunId).toBeUndefined();

  const second = writeMatrixReports(run([INJECTED]), { outDir: dir, runId: 'run-2', generatedAt: new Date('2025-01-02T00:00:00Z') });
  expect(second.comparison.previousRunId).toBe('run-1');
  expect(second.comparison.newRegressions).toEqual([{ key: INJECTED, now: 'regression', before: 'conformant', beforeRunId: 'run-1' }]);

  const json = JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8'));
  expect(json.runId).toBe('run-2');
  expect(json.history.newRegressions.map((c: { key: string }) => c.key)).toEqual([INJECTED]);
  expect(json.history.trends[INJECTED].map((p: { kind: string }) => p.kind)).toEqual(['conformant', 'regression']);

  const md = readFileSync(join(dir, 'matrix.md'), 'utf8');
  expect(md).toMatch(/## ⛔ 1 new regression\b/);
  expect(md).toContain(`**${INJECTED}** — was conformant in run-1`);
  expect(md).toMatch(/\| RTX830 \| Rev\.15\.02\.22 .*✘ \*\*NEW\*\*/);

  const html = readFileSync(join(dir, 'matrix.html'), 'utf8');
  expect(html).toContain('<div class="banner" id="new-regressions">');
  expect(html).toContain('1 new regression</h2>');
  expect(html).toContain(`<b>${INJECTED}</b>`);
  expect((html.match(/class="cell regression new-regression"/g) ?? []).length).toBe(1);

  const history = loadHistory(join(dir, 'history.json'));
  expect(history.runs.map((r) => r.runId)).toEqual(['run-1', 'run-2']);
});

test('the same regression in the next run is ongoing, not new; a fix shows as fixed', () => {
  const at = (d: number) => new Date(Date.UTC(2025, 0, d));
  writeMatrixReports(run(), { outDir: dir, runId: 'r1', generatedAt: at(1) });
  writeMatrixReports(run([INJECTED]), { outDir: dir, runId: 'r2', generatedAt: at(2) });
  const third = writeMatrixReports(run([INJECTED]), { outDir: dir, runId: 'r3', generatedAt: at(3) });
  expect(third.comparison.newRegressions).toEqual([]);
  expect(third.comparison.ongoingRegressions.map((c) => c.key)).toEqual([INJECTED]);
  expect(readFileSync(join(dir, 'matrix.md'), 'utf8')).toContain('**No new regression** against previous run r2.');
  const fourth = writeMatrixReports(run(), { outDir: dir, runId: 'r4', generatedAt: at(4) });
  expect(fourth.comparison.fixed).toEqual([{ key: INJECTED, now: 'conformant', before: 'regression', beforeRunId: 'r3' }]);
  expect(readFileSync(join(dir, 'matrix.html'), 'utf8')).toContain('Fixed since the last run');
  expect(trendOf(loadHistory(join(dir, 'history.json')), INJECTED).map((p) => p.kind)).toEqual(['conformant', 'regression', 'regression', 'conformant']);
});

test('a partial run in between neither hides an old regression nor makes it new', () => {
  const at = (d: number) => new Date(Date.UTC(2025, 0, d));
  const other = cellKey('RTX1210', 'Rev.14.01.26', 'syslog');
  let h = appendRun(emptyHistory(), buildMatrix(run([INJECTED]), { runId: 'full-1', generatedAt: at(1) }));
  h = appendRun(h, buildMatrix(run([], [other]), { runId: 'grep-2', generatedAt: at(2) }));
  h = appendRun(h, buildMatrix(run([INJECTED]), { runId: 'full-3', generatedAt: at(3) }));
  const cmp = compareWithPrevious(h);
  expect(cmp.previousRunId).toBe('grep-2');
  expect(cmp.newRegressions).toEqual([]);
  expect(cmp.ongoingRegressions).toEqual([{ key: INJECTED, now: 'regression', before: 'regression', beforeRunId: 'full-1' }]);
});

test('first run: a regression has no baseline and counts as new', () => {
  const r = writeMatrixReports(run([INJECTED]), { outDir: dir, runId: 'only', generatedAt: new Date(0) });
  expect(r.comparison.newRegressions.map((c) => c.key)).toEqual([INJECTED]);
  expect(r.comparison.newRegressions[0].before).toBeUndefined();
  expect(readFileSync(join(dir, 'matrix.md'), 'utf8')).toContain('Against no previous run (first run: every regression is new)');
});

test('history keeps the newest runs; a re-written run id replaces itself', () => {
  let h = emptyHistory();
  for (let i = 1; i <= 5; i++) h = appendRun(h, buildMatrix(run(), { runId: `r${i}`, generatedAt: new Date(i) }), 3);
  expect(h.runs.map((r) => r.runId)).toEqual(['r3', 'r4', 'r5']);
  h = appendRun(h, buildMatrix(run([INJECTED]), { runId: 'r5', generatedAt: new Date(6) }), 3);
  expect(h.runs.map((r) => r.runId)).toEqual(['r3', 'r4', 'r5']);
  expect(h.runs[2].cells[INJECTED]).toBe('regression');
});

test('a malformed history file: an error naming the file and the place, no stack trace', () => {
  const p = join(dir, 'history.json');
  writeFileSync(p, '{ not json');
  expect(() => loadHistory(p)).toThrow(HistoryFileError);
  expect(() => loadHistory(p)).toThrow(new RegExp(`${p}: not JSON`));
  writeFileSync(p, JSON.stringify({ schema: 'l2tpv3-conformance/matrix-history@1', runs: [{ runId: 'a', time: '2025-01-01T00:00:00Z', cells: { k: 'great' } }] }));
  expect(() => loadHistory(p)).toThrow(new RegExp(`${p}: at runs\\.0\\.cells\\.k: `));
  expect(loadHistory(join(dir, 'missing.json')).runs).toEqual([]);
});
