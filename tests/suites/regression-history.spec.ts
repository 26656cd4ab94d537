// Issue 9 point 4: a second run after an injected regression (`run --defect NAME`) shows that
// regression as new in the matrix history, and the run exits non-zero.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/cli-process.ts';

test('run, then run --defect syslog-typo: syslog on RTX830 is a NEW regression against the first run', async () => {
  test.setTimeout(300_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-history-'));
  const common = ['--models', 'RTX830', '--grep', '@syslog', '--out', out, '--no-allure', '--display', 'dot'];
  const first = await runCli(['run', ...common, '--run-id', 'night-1'], 120_000);
  expect(first.code, first.stdout.slice(-2000)).toBe(0);
  const second = await runCli(['run', ...common, '--run-id', 'night-2', '--defect', 'syslog-typo'], 120_000);
  await test.info().attach('second run', { body: second.stdout + second.stderr, contentType: 'text/plain' });
  expect(second.code).toBe(1);
  expect(second.stdout).toContain('NEW REGRESSIONS (1) against night-1:');
  expect(second.stdout).toMatch(/RTX830 \/ Rev\.15\.02\.22 \/ syslog \(was conformant\)/);
  const history = JSON.parse(readFileSync(path.join(out, 'history.json'), 'utf8')) as { runs: { runId: string; cells: Record<string, string> }[] };
  expect(history.runs.map((r) => r.runId)).toEqual(['night-1', 'night-2']);
  const key = Object.keys(history.runs[1].cells).find((k) => k.startsWith('RTX830') && k.endsWith('syslog'))!;
  expect(history.runs[0].cells[key]).toBe('conformant');
  expect(history.runs[1].cells[key]).toBe('regression');
  const matrixMd = readFileSync(path.join(out, 'matrix.md'), 'utf8');
  expect(matrixMd).toMatch(/new/i);
});
