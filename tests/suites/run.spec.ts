// Issue 9 point 1: the README's main command (`npm run conformance`, i.e. `run` with no selection)
// on the default emulated lab (every model of the support table at its newest documented revision)
// runs every suite green and prints the wall time; every feature area of the suites ran on every
// model (no ungated cell left "not-run").
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MODEL_NAMES } from '../../reference-impl/platform/index.ts';
import { FEATURES } from '../../reports/matrix/features.ts';
import { runCli } from './helpers/cli-process.ts';

/** Feature areas the suites have specs for (L2TPv3/IPsec has none yet: that column stays not-run). */
const SUITE_AREAS = ['control-connection', 'tunnel-auth', 'router-id', 'tie-breaking', 'timers', 'syslog', 'frame-kinds', 'learning-table', 'filters', 'platform-gating', 'malformed-input', 'seed-examples', 'scale', 'tag-vlan', 'l2ms-manager', 'tunnel-interface-filter'];

test('the whole emulated conformance run (npm run conformance): green, 11 models, every suite area, wall time printed', async () => {
  test.setTimeout(1_500_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-run-'));
  // --retries 1: a trace verdict can meet scheduling jitter beyond its budget on a loaded CI machine;
  // a retry that passes shows as flaky in the output (attached), a defect fails both attempts.
  // --workers 2: in CI this run shares the machine with the mutation run (tests/suites/mutation.spec.ts),
  // so each takes two workers rather than the default's two per CPU
  const r = await runCli(['run', '--out', out, '--run-id', 'ci-1', '--display', 'dot', '--retries', '1', '--workers', '2'], 1_450_000);
  await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
  expect(r.stdout).toMatch(/wall time: \d+(\.\d)? s/);
  expect(r.stdout).toContain('regressions: 0');
  const matrix = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as { rows: { model: string; tested: boolean }[]; cells: { model: string; feature: string; kind: string; counts: { passed: number; failed: number } }[] };
  const tested = new Set(matrix.rows.filter((x) => x.tested).map((x) => x.model));
  expect([...tested].sort()).toEqual([...MODEL_NAMES].sort());
  for (const f of SUITE_AREAS) expect(FEATURES.map((x) => x.id), f).toContain(f);
  const notRun = matrix.cells.filter((c) => SUITE_AREAS.includes(c.feature) && c.kind === 'not-run').map((c) => `${c.model}/${c.feature}`);
  expect(notRun, 'suite areas that did not run on a model').toEqual([]);
  expect(matrix.cells.filter((c) => c.counts.failed > 0).map((c) => `${c.model}/${c.feature}`)).toEqual([]);
  for (const f of ['matrix.html', 'matrix.md', 'junit.xml', 'history.json', 'allure-report/index.html']) expect(existsSync(path.join(out, f)), f).toBe(true);
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
