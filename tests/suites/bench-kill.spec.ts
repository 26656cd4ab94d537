// Issue 16, "`kill -9` of the `run` process leaves Playwright's runner and worker driving the
// device; a new run restores a journal without checking that its owner is dead, and test 1 ran on
// the dirty device": `run` is SIGKILLed while a test has its config pushed on the bench (an
// emulated RTX posing as the device). Then no process of that run is left (its watchdog killed
// the suites' process group), the device lease is free, the journal is left; the next run's
// preflight restores the device from it before its first test, and ends green and clean.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { journalFiles, readJournalFile } from '../../drivers/config/journal.ts';
import { acquireLease } from '../../drivers/lease/lease.ts';
import { benchConfig, startBench } from './helpers/bench.ts';
import { runCli } from './helpers/cli-process.ts';
import { markedProcesses, noneLeft } from './helpers/marked-processes.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Pids of this user's processes whose environment holds `mark` (Linux /proc). */
/** Resolves when a journal under dir records a finished push (its device folder is made by the push). */
function journalPushed(dir: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watchers: FSWatcher[] = [];
    const seen = new Set<string>();
    const check = () => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && !seen.has(e.name)) {
          seen.add(e.name);
          watchers.push(watch(path.join(dir, e.name), check));
        }
      }
      for (const f of journalFiles(dir)) {
        try {
          if (readJournalFile(f.path).state === 'pushed') return finish();
        } catch {
          // a rename in progress: the next event reads it
        }
      }
    };
    const timer = setTimeout(() => finish(new Error(`no journal under ${dir} within ${timeoutMs} ms`)), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      if (err) reject(err);
      else resolve();
    };
    watchers.push(watch(dir, check));
    check();
  });
}

/**
 * Waits until no process carries the mark. A process that is not our child gives no event when it
 * ends, so this re-reads /proc every 100 ms, bounded by timeoutMs.
 */
test('kill -9 of run mid-test: no process of that run is left driving the device; the next run restores it before its first test', async () => {
  test.setTimeout(300_000);
  const b = await startBench('bench-kill');
  try {
    const original = await benchConfig(b);
    mkdirSync(b.journalDir, { recursive: true, mode: 0o700 });
    const mark = `L2TPV3_KILL_TEST_MARK=${randomUUID()}`;
    const [key, value] = mark.split('=');
    // @timers: a real-time timer test holds its pushed config for many seconds
    const run = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'tests/suites/helpers/run-cli.ts'), 'run', '--lab', b.inventory, '--grep', '@timers', '--out', path.join(b.dir, 'out-killed'), '--no-allure'], {
      cwd: ROOT, env: { ...b.env, [key]: value }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    run.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    run.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => run.once('exit', (_c, sig) => r(sig)));
    try {
      await journalPushed(b.journalDir, 180_000);
      // the run has children driving the device now (Playwright's runner and its worker)
      expect(markedProcesses(mark).filter((p) => p !== run.pid).length, output.slice(-1000)).toBeGreaterThan(1);
    } finally {
      run.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
    await test.info().attach('killed run output', { body: output, contentType: 'text/plain' });

    // nothing of that run is left: its watchdog killed the suites' process group at once
    expect(await noneLeft(mark, 15_000), 'processes of the killed run still alive').toEqual([]);
    // the device lease is free (its holder is dead), the journal is left, the device still changed
    const lease = await acquireLease('physical-lab-harness', { dir: b.leaseDir, waitMs: 5_000, label: 'bench-kill check' });
    lease.release();
    expect(journalFiles(b.journalDir)).toHaveLength(1);
    expect(await benchConfig(b)).not.toBe(original);

    // the next run: the preflight restores the device before the first test, then runs green
    const r = await runCli(['run', '--lab', b.inventory, '--grep', '@syslog', '--out', path.join(b.dir, 'out-next'), '--no-allure', '--display', 'list', '--retries', '1'], 240_000, b.env);
    await test.info().attach('next run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
    expect(r.code, r.stdout.slice(-2000) + r.stderr.slice(-2000)).toBe(0);
    const restoredAt = r.stdout.search(/preflight bench: .*: ok \(restored from the journal a dead run left\)/);
    expect(restoredAt, r.stdout.slice(0, 2000)).toBeGreaterThanOrEqual(0);
    // ... before the suites start (the run's header line) and so before the first test's line
    const header = r.stdout.search(/l2tpv3-conformance run \S+: 1 device\(s\)/);
    expect(header).toBeGreaterThan(restoredAt);
    expect(r.stdout.indexOf('›', header)).toBeGreaterThan(header);
    expect(journalFiles(b.journalDir)).toHaveLength(0);
    expect(await benchConfig(b)).toBe(original);
  } finally {
    await b.stop();
  }
});
