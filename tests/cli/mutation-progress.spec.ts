// Issue 17 point 5: `mutation` narrates while it runs (its Playwright reporter,
// suites/support/mutation-progress-reporter.ts): per defect when it starts, which test killed it and
// when, then the kill table. Before, nothing was printed until the end.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../suites/helpers/cli-process.ts';
import { OUTPUT_MARKER } from '../../cli/output-folder.ts';

test('mutation prints per defect: running, killed by which test and when; then the kill table', async () => {
  test.setTimeout(300_000);
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'cli-mutation-')), 'new-folder');
  const r = await runCli(['mutation', '--defects', 'syslog-typo', '--grep', '@syslog', '--workers', '1', '--out', out], 280_000);
  await test.info().attach('mutation output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const running = at(/^running {2}syslog-typo on RTX5000 Rev\.\S+ \(\d+ tests\)$/);
  const killed = at(/^killed {3}syslog-typo on RTX5000 Rev\.\S+ by .+ \(\+\d+\.\d s\)$/);
  const baseline = at(/^baseline RTX5000 Rev\.\S+: \d+ test runs, all passed \(\+\d+\.\d s\)$/);
  const table = at(/^kill table$/);
  expect(running, r.stdout).toBeGreaterThanOrEqual(0);
  expect(killed).toBeGreaterThan(running);
  expect(baseline).toBeGreaterThanOrEqual(0);
  expect(table).toBeGreaterThan(killed);
  expect(r.stdout).toMatch(/killed 1\/1/);
  expect(existsSync(path.join(out, OUTPUT_MARKER))).toBe(true); // the folder it created is marked as its own
});
