// Issue 16 must-be-shown 2 for the emulated device (tests/suites/bench-kill.spec.ts does the posing
// bench): `kill -9` of `run` mid-test leaves no process of that run (Playwright's runner, its
// workers, the emulated routers they started) and no lease held; the next run on the same output
// folder takes the device slots the dead run held and runs green. An emulated device has no config
// to restore: each test starts its own router, so "restored" is "nothing of the killed run left".
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './helpers/cli-process.ts';
import { markedProcesses, noneLeft } from './helpers/marked-processes.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('kill -9 of run mid-test on the emulated lab: no process of that run is left; the next run takes the device and runs green', async () => {
  test.setTimeout(300_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-emulated-kill-'));
  const mark = `L2TPV3_KILL_TEST_MARK=${randomUUID()}`;
  const [key, value] = mark.split('=');
  // @timers: tests that hold their router for seconds, so one is running when the kill comes
  const run = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'tests/suites/helpers/run-cli.ts'),
    'run', '--models', 'RTX1210', '--grep', '@timers', '--out', out, '--no-allure', '--workers', '2', '--display', 'list'], {
    cwd: ROOT, env: { ...process.env, [key]: value }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const firstPass = new Promise<void>((resolve) => {
    run.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (/✓/.test(output)) resolve();
    });
  });
  run.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<NodeJS.Signals | null>((r) => run.once('exit', (_c, sig) => r(sig)));
  const guard = setTimeout(() => run.kill('SIGKILL'), 200_000);
  try {
    await Promise.race([firstPass, exited]);
    expect(run.exitCode, `the run ended before a test passed:\n${output}`).toBeNull();
    // mid-run: the runner, its workers and at least one emulated router are alive
    const before = markedProcesses(mark).filter((p) => p !== run.pid);
    expect(before.length, output.slice(-1000)).toBeGreaterThan(2);
  } finally {
    clearTimeout(guard);
    run.kill('SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');
  await test.info().attach('killed run output', { body: output, contentType: 'text/plain' });
  // nothing of that run is left: its watchdog killed the suites' process group at once
  expect(await noneLeft(mark, 15_000), 'processes of the killed run still alive').toEqual([]);

  // the next run on the same folder: the dead run's device slots are taken (their holders are dead) and it runs green
  const r = await runCli(['run', '--models', 'RTX1210', '--grep', '@syslog', '--out', out, '--no-allure', '--workers', '2', '--display', 'list'], 240_000);
  await test.info().attach('next run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.code, r.stdout.slice(-2000) + r.stderr.slice(-2000)).toBe(0);
  expect(r.stdout).toMatch(/\d+ passed/);
  expect(r.stdout).not.toMatch(/\d+ failed/);
});
