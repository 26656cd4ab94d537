// Issue 9 point 3: every defect of the emulated router is killed by at least one test, and with
// no defect there is no failure in 3 repeated runs (the mutation run's baseline project, run three
// times). One `mutation` invocation on its default device (RTX5000: two or more tunnels, the
// policy-filter stages, a revision below its oldest band).
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFECT_NAMES } from '../../reference-impl/router/defects.ts';
import { DEFECT_SYMPTOM_TAGS, defectOfProject, mutantProjectName, tagsGrep } from '../../suites/support/mutants.ts';
import { runCli } from './helpers/cli-process.ts';

test('mutation over every defect: each killed; the defect-free baseline passes 3 times; kill table printed', async () => {
  test.setTimeout(1_200_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-mutation-'));
  const r = await runCli(['mutation', '--baseline-repeat', '3', '--out', out], 1_150_000);
  await test.info().attach('mutation output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.stdout).toMatch(/baseline \(no defect, 3 run\(s\), \d+ test runs\): no test failed/);
  // progress lines (cli/mutation.ts): `killed   DEFECT on DEVICE by TEST (+T s)`, then `done     DEFECT: N of M tests failed`
  for (const d of DEFECT_NAMES) {
    expect(r.stdout, d).toMatch(new RegExp(`^killed +${d} on .+ by .+`, 'm'));
    expect(r.stdout, d).toMatch(new RegExp(`^done +${d}: [1-9]\\d* of \\d+ tests failed`, 'm'));
  }
  expect(r.stdout).toContain('kill table');
  expect(r.stdout).toContain(`killed ${DEFECT_NAMES.length}/${DEFECT_NAMES.length}`);
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
});

test('mutation: every defect has symptom areas; project names carry the defect; tag grep matches only those tags', () => {
  for (const d of DEFECT_NAMES) expect(DEFECT_SYMPTOM_TAGS[d].length, d).toBeGreaterThan(0);
  const device = { model: 'RTX5000', firmware: 'Rev.14.00.26', kind: 'emulated' as const, role: 'RTX5000', defects: [] };
  expect(defectOfProject(mutantProjectName(device, 'syslog-typo'))).toBe('syslog-typo');
  expect(defectOfProject('RTX5000 Rev.14.00.26')).toBeUndefined();
  const g = tagsGrep(['@tie-break', '@ids']);
  expect(g.test('simultaneous SCCRQ @tie-break')).toBe(true);
  expect(g.test('wrong Router ID @ids')).toBe(true);
  expect(g.test('learning @learning')).toBe(false);
  expect(g.test('x @idsomething')).toBe(false);
});

test('mutation: bad input is a one-line error, exit 2', async () => {
  const a = await runCli(['mutation', '--defects', 'no-such-defect'], 60_000);
  expect(a.code).toBe(2);
  expect(a.stderr).toContain("unknown defect 'no-such-defect'");
  const b = await runCli(['mutation', '--baseline-repeat', '0'], 60_000);
  expect(b.code).toBe(2);
  expect(a.stderr + b.stderr).not.toMatch(/\n\s+at /);
});
