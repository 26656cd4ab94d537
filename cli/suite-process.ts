// The suites' Playwright run as a child process, shared by `run` and `mutation`. The child gets its
// own process group, so that SIGINT/SIGTERM to this process stops the whole tree (Playwright, its
// workers, the emulated routers they started) cleanly: the signal is forwarded to the group once,
// Playwright finishes its reporters (results.json of the tests run so far), and the caller learns
// that the run was interrupted (exit 130, cli/exit-codes.ts). A second signal kills the group.
//
// A signal that cannot be caught (kill -9 of `run`, the OOM killer) leaves no handler to forward
// anything, and the group would drive the device on with nobody to report (issue 16). So a
// watchdog process (WATCHDOG_SOURCE, in its own session so a terminal's signals do not reach it)
// holds a pipe from this process: when the pipe closes without a `done` line, this process is
// gone, and the watchdog SIGKILLs the whole group at once — no rollback by the dying run; the
// journal stays and the next run's preflight restores the device before its first test.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ReportPaths } from '../reports/allure/reporter-config.ts';
import { LAB_ENV, type LabSelection } from '../suites/support/devices.ts';
import { HarnessError } from './exit-codes.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * The watchdog (plain JavaScript for `node -e`, argv: PGID): its stdin is a pipe from `run`.
 * `done` on it: the run ended normally, exit. End of file without it: `run` died, kill the group.
 */
export const WATCHDOG_SOURCE = `
const pgid = Number(process.argv[1]);
let done = false;
const killGroup = () => {
  if (done) return;
  done = true;
  try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
  process.exit(0);
};
process.stdin.on('data', (b) => { if (String(b).includes('done')) { done = true; process.exit(0); } });
process.stdin.on('end', killGroup);
process.stdin.on('error', killGroup);
process.stdin.resume();
`;

/** Starts the watchdog of a process group (see the header); returns how to tell it the run ended. */
export function watchGroup(pgid: number): { release: () => void; pid: number | undefined } {
  const dog = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(pgid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  dog.on('error', () => undefined); // no watchdog: the signal handlers below still cover SIGINT/SIGTERM
  dog.stdin!.on('error', () => undefined);
  // neither the watchdog nor its pipe keeps this process alive
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    pid: dog.pid,
    release: () => {
      if (dog.stdin!.writable) dog.stdin!.end('done\n');
    },
  };
}

export interface SuiteRunOptions {
  readonly selection: LabSelection;
  readonly paths: ReportPaths;
  readonly grep?: string;
  readonly shard?: string;
  readonly timeScale?: number;
  readonly workers?: number;
  /** Playwright's retries of a failed test (shown as flaky in the matrix, JUnit and Allure's retries graph). */
  readonly retries?: number;
  readonly display?: 'list' | 'line' | 'dot';
  /** Where the child's stdout goes: this stdout (default), this stderr (--json keeps stdout clean), or nowhere. */
  readonly childStdout?: 'stdout' | 'stderr' | 'ignore';
  /** Replace the config's reporters (Playwright --reporter: names or file paths), e.g. the mutation
   *  progress reporter and 'json' (written to paths.playwrightJson). */
  readonly reporters?: readonly string[];
  /** More environment for the suites' config (e.g. a mutation run's projects). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface SuiteRunResult {
  /** Playwright's exit code (1 when it ended by a signal) */
  readonly code: number;
  /** set when this process got SIGINT/SIGTERM during the run */
  readonly interruptedBy?: 'SIGINT' | 'SIGTERM';
}

/** Runs the suites' Playwright config in a child process group; resolves when the group's leader exits. */
export function runSuites(o: SuiteRunOptions): Promise<SuiteRunResult> {
  const args = ['playwright', 'test', '-c', resolve(ROOT, 'suites/playwright.config.ts')];
  if (o.grep !== undefined) args.push('--grep', o.grep);
  if (o.shard !== undefined) args.push('--shard', o.shard);
  if (o.retries !== undefined) args.push('--retries', String(o.retries));
  if (o.reporters?.length) args.push(`--reporter=${o.reporters.join(',')}`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [LAB_ENV.outDir]: resolve(o.paths.outDir),
    [LAB_ENV.display]: o.display ?? 'list',
    [LAB_ENV.labFile]: o.selection.labFile ? resolve(o.selection.labFile) : '',
    [LAB_ENV.fullMatrix]: o.selection.fullMatrix ? '1' : '',
    [LAB_ENV.underlays]: o.selection.underlays ? '1' : '',
    [LAB_ENV.models]: (o.selection.models ?? []).join(','),
    [LAB_ENV.defects]: (o.selection.defects ?? []).join(','),
    ...(o.reporters?.length ? { PLAYWRIGHT_JSON_OUTPUT_FILE: resolve(o.paths.playwrightJson) } : {}),
  };
  Object.assign(env, o.env);
  if (o.timeScale !== undefined) env[LAB_ENV.timeScale] = String(o.timeScale);
  if (o.workers !== undefined) env.L2TPV3_WORKERS = String(o.workers);
  const out = o.childStdout === 'ignore' ? 'ignore' : o.childStdout === 'stderr' ? process.stderr : 'inherit';
  return new Promise((res, rej) => {
    const child = spawn('npx', args, { cwd: ROOT, env, detached: true, stdio: ['ignore', out, o.childStdout === 'ignore' ? 'ignore' : 'inherit'] });
    const watchdog = child.pid !== undefined ? watchGroup(child.pid) : undefined;
    let interruptedBy: SuiteRunResult['interruptedBy'];
    const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
      const first = interruptedBy === undefined;
      interruptedBy ??= sig;
      try {
        // First signal: let Playwright stop and write its reports; second: no more waiting.
        if (child.pid !== undefined) process.kill(-child.pid, first ? 'SIGINT' : 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const onInt = () => onSignal('SIGINT');
    const onTerm = () => onSignal('SIGTERM');
    // If this process ends first (an uncaught error), the group it started must not live on.
    const onExit = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    process.on('exit', onExit);
    const done = () => {
      watchdog?.release();
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('exit', onExit);
    };
    child.on('error', (e) => {
      done();
      rej(new HarnessError(`cannot start npx playwright: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      res({ code: code ?? (signal ? 1 : 0), ...(interruptedBy ? { interruptedBy } : {}) });
    });
  });
}
