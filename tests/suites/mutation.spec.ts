// Issue 9 point 3 on a sample: five defects, chosen by name (one per area the suites cover:
// control ids, timers, data framing, syslog, platform limits), each killed by at least one test;
// and the faithful emulator gives zero failures in 3 repeated runs of the same subset.
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/cli-process.ts';

const SAMPLE = ['router-id-not-checked', 'hello-count-off-by-one', 'fcs-appended', 'syslog-typo', 'tunnel-limit-not-enforced'];
const SUBSET = '@ids|@timers|@frames|@syslog|@scale';

test('mutation over a sample of 5 defects: every one killed; kill table printed', async () => {
  test.setTimeout(500_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-mutation-'));
  const r = await runCli(['mutation', '--defects', SAMPLE.join(','), '--models', 'RTX830', '--grep', SUBSET, '--out', out], 480_000);
  await test.info().attach('mutation output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.stdout).toContain('baseline (no defect): no test failed');
  for (const d of SAMPLE) expect(r.stdout, d).toMatch(new RegExp(`^killed +${d} \\(\\d+ failed\\)`, 'm'));
  expect(r.stdout).toContain('kill table');
  expect(r.stdout).toContain(`killed ${SAMPLE.length}/${SAMPLE.length}`);
  expect(r.code).toBe(0);
});

test('faithful emulator: zero failures in 3 repeated runs of the subset', async () => {
  test.setTimeout(400_000);
  for (let i = 1; i <= 3; i++) {
    const out = mkdtempSync(path.join(tmpdir(), `suites-faithful-${i}-`));
    const r = await runCli(['run', '--models', 'RTX830', '--grep', SUBSET, '--out', out, '--no-allure', '--run-id', `faithful-${i}`, '--display', 'dot'], 120_000);
    expect(r.code, `run ${i}: ${r.stdout.slice(-2000)}`).toBe(0);
    expect(r.stdout).toContain('regressions: 0');
  }
});
