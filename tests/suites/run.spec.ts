// Issue 9 point 1: `run` on the default emulated lab (every model of the support table at its
// newest documented revision) completes green and prints the wall time. Bounded for the unit CI:
// the @control area only (3 tests x 11 devices); the whole run is `npm run conformance`.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MODEL_NAMES } from '../../reference-impl/platform/index.ts';
import { runCli } from './helpers/cli-process.ts';

test('run --grep @control on the default emulated lab: green, 11 models in the matrix, wall time printed', async () => {
  test.setTimeout(400_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-run-'));
  const r = await runCli(['run', '--grep', '@control', '--out', out, '--run-id', 'ci-1', '--display', 'dot'], 380_000);
  await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/wall time: \d+(\.\d)? s/);
  expect(r.stdout).toContain('regressions: 0');
  const matrix = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as { rows: { model: string; tested: boolean }[] };
  const tested = new Set(matrix.rows.filter((x) => x.tested).map((x) => x.model));
  expect([...tested].sort()).toEqual([...MODEL_NAMES].sort());
  for (const f of ['matrix.html', 'matrix.md', 'junit.xml', 'history.json']) expect(existsSync(path.join(out, f)), f).toBe(true);
});

test('run: bad input gives a clear error, exit 2', async () => {
  const a = await runCli(['run', '--models', 'RTX9999'], 60_000);
  expect(a.code).toBe(2);
  expect(a.stderr).toContain("no device of model 'RTX9999'");
  const b = await runCli(['run', '--defect', 'no-such-defect'], 60_000);
  expect(b.code).toBe(2);
  expect(b.stderr).toContain("unknown defect 'no-such-defect'");
  expect(a.stderr + b.stderr).not.toMatch(/\n\s+at /); // no stack trace
});
