// Issue 16, "setup mistakes recorded as 14 NEW REGRESSIONS" and "the firmware is never read from
// the device": `run --lab` checks the bench before any test. Each mistake below is a lab error
// (exit 3) naming what is wrong; no test runs, the bench's config is untouched, and the output
// folder gets no matrix and no history entry (a previous history stays as it was).
import { test, expect } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchConfig, BENCH_ADMIN, BENCH_PASSWORD, startBench, type Bench } from './helpers/bench.ts';
import { runCli } from './helpers/cli-process.ts';

const HISTORY = JSON.stringify({ schema: 'placeholder' });

/** A run on the bench into a folder that already holds a history; the history must not change. */
async function benchRun(b: Bench, env: NodeJS.ProcessEnv, label: string) {
  const out = path.join(b.dir, `out-${label}`);
  mkdirSync(out, { recursive: true });
  const before = await benchConfig(b);
  const r = await runCli(['run', '--lab', b.inventory, '--grep', '@syslog', '--out', out, '--no-allure'], 120_000, env);
  await test.info().attach(`run output (${label})`, { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.code, r.stdout.slice(-2000) + r.stderr.slice(-2000)).toBe(3);
  expect(r.stderr).toContain('preflight failed: a lab error, no test was run and nothing was added to the history');
  expect(existsSync(path.join(out, 'matrix.json')), 'no matrix was written').toBe(false);
  expect(existsSync(path.join(out, 'results.json')), 'no test ran').toBe(false);
  expect(await benchConfig(b)).toBe(before);
  for (const secret of [BENCH_PASSWORD, BENCH_ADMIN]) expect(r.stdout + r.stderr).not.toContain(secret);
  return r;
}

test.describe('run --lab preflight', () => {
  test.setTimeout(240_000);

  test('an unset password variable is a lab error naming the variable, before any test', async () => {
    const b = await startBench('preflight-unset');
    try {
      const env = { ...b.env };
      delete env.BENCH_RTX_ADMIN_PASSWORD;
      const r = await benchRun(b, env, 'unset');
      expect(r.stderr).toContain('environment variable BENCH_RTX_ADMIN_PASSWORD');
      expect(r.stderr).toContain('is not set');
    } finally {
      await b.stop();
    }
  });

  test('a firmware the device does not run (read from show environment) stops the run: the inventory says 14.01.26, the bench runs 14.01.41', async () => {
    const b = await startBench('preflight-firmware', { runs: 'Rev.14.01.41', claims: 'Rev.14.01.26' });
    try {
      // an earlier run's history in the folder: it must stay byte for byte
      const out = path.join(b.dir, 'out-firmware');
      mkdirSync(out, { recursive: true });
      writeFileSync(path.join(out, 'history.json'), HISTORY);
      const r = await benchRun(b, b.env, 'firmware');
      expect(r.stderr).toMatch(/the inventory says firmware Rev\.14\.01\.26; the device runs Rev\.14\.01\.41 \(show environment, serial \S+\)/);
      expect(readFileSync(path.join(out, 'history.json'), 'utf8')).toBe(HISTORY);
    } finally {
      await b.stop();
    }
  });

  test('a harness syslog address that is not on this host is a lab error saying so', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no interface of a test machine
    const b = await startBench('preflight-bind', { syslogAddress: '192.0.2.1' });
    try {
      const r = await benchRun(b, b.env, 'bind');
      expect(r.stderr).toContain('syslog collector cannot bind 192.0.2.1:');
      expect(r.stderr).toContain('is not an address of this host');
    } finally {
      await b.stop();
    }
  });
});
