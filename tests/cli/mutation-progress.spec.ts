// Issue 17 point 5: `mutation` narrates while it runs (its Playwright reporter,
// suites/support/mutation-progress-reporter.ts): per defect when it starts, which test killed it and
// when, then the kill table. Before, nothing was printed until the end.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../suites/helpers/cli-process.ts';
import { OUTPUT_MARKER } from '../../cli/output-folder.ts';
import type { FullConfig, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import MutationProgressReporter from '../../suites/support/mutation-progress-reporter.ts';
import { fullMatrixDevices, type SuiteDevice } from '../../suites/support/devices.ts';
import { mutantProjectName, notObservableReason } from '../../suites/support/mutants.ts';

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

// The live lines and the kill table agree on a defect the oracle rules out on a device: both print
// notObservableReason's "not observable on MODEL: reason" (suites/support/mutants.ts), never SURVIVED.
test('progress: a defect no test killed is "not observable on MODEL: reason" where the oracle rules it out, SURVIVED elsewhere', async () => {
  const newest = (model: string): SuiteDevice => fullMatrixDevices().filter((d) => d.model === model).at(-1)!;
  const cases = [
    { device: newest('RTX1210'), defect: 'input-blocking-on-out' },
    { device: newest('RTX5000'), defect: 'input-blocking-on-out' },
    { device: newest('RTX1210'), defect: 'syslog-typo' },
  ];
  const tests = cases.flatMap(({ device, defect }) => {
    const project = { name: mutantProjectName(device, defect), use: { device: { ...device, defects: [defect] } } };
    return [1, 2].map((k) => ({ title: `test ${k}`, expectedStatus: 'passed', parent: { project: () => project } }) as unknown as TestCase);
  });
  const suite = { allTests: () => tests } as unknown as Suite;
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    lines.push(...chunk.split('\n').filter((l) => l !== ''));
    return true;
  }) as typeof process.stdout.write;
  try {
    const r = new MutationProgressReporter();
    r.onBegin({} as FullConfig, suite);
    for (const t of tests) {
      r.onTestBegin(t);
      r.onTestEnd(t, { status: 'passed' } as TestResult);
    }
  } finally {
    process.stdout.write = write;
  }
  await test.info().attach('progress lines', { body: lines.join('\n'), contentType: 'text/plain' });
  const why = notObservableReason('input-blocking-on-out', [cases[0].device]);
  expect(why).toMatch(/^not observable on RTX1210: /);
  const endOf = (defect: string, device: SuiteDevice) => lines.filter((l) => l.includes(`${defect} on ${device.model} ${device.firmware}`) && !l.startsWith('running'));
  const [ruledOut] = endOf('input-blocking-on-out', cases[0].device);
  expect(ruledOut).toMatch(/ tests passed \(\+\d+\.\d s\)$/);
  expect(ruledOut.replace(/ \(\+\d+\.\d s\)$/, '')).toBe(`n/a      input-blocking-on-out on RTX1210 ${cases[0].device.firmware}: ${why}; 2 tests passed`);
  expect(endOf('input-blocking-on-out', cases[0].device)).toHaveLength(1);
  expect(lines.join('\n')).not.toMatch(/SURVIVED input-blocking-on-out on RTX1210/);
  expect(endOf('input-blocking-on-out', cases[1].device)).toEqual([expect.stringMatching(/^SURVIVED input-blocking-on-out on RTX5000 \S+: 2 tests passed/)]);
  expect(endOf('syslog-typo', cases[2].device)).toEqual([expect.stringMatching(/^SURVIVED syslog-typo on RTX1210 \S+: 2 tests passed/)]);
});
