// Issue 17 point 6, the faults of `run`: SIGINT stops the suites' whole process group cleanly, keeps
// the results of the tests that ran (results.json, matrix; not added to the history) and exits 130;
// an output folder on a full filesystem (a small tmpfs) is a one-line ENOSPC error naming the path,
// exit 3, and what was written before stays.
import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../suites/helpers/cli-process.ts';
import { OUTPUT_MARKER } from '../../cli/output-folder.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Pids of live processes whose environment names `outDir` (the suites' Playwright and workers). */
function processesFor(outDir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(`L2TPV3_OUT_DIR=${outDir}`)) pids.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

test('SIGINT during run: the Playwright group stops, results so far kept, matrix written, history untouched, exit 130', async () => {
  test.setTimeout(240_000);
  const out = mkdtempSync(path.join(tmpdir(), 'cli-sigint-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'tests/suites/helpers/run-cli.ts'),
    'run', '--models', 'RTX830', '--grep', '@syslog|@control|@timers', '--out', out, '--no-allure', '--workers', '1', '--display', 'list'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const firstPass = new Promise<void>((resolve) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (/✓/.test(stdout)) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 200_000);
  try {
    await Promise.race([firstPass, exited]);
    expect(child.exitCode, `the run ended before a test passed:\n${stdout}\n${stderr}`).toBeNull();
    child.kill('SIGINT');
    const code = await exited;
    await test.info().attach('run output', { body: stdout + stderr, contentType: 'text/plain' });
    expect(code, stderr).toBe(130);
    expect(stderr).toContain(`interrupted by SIGINT; the results of the tests that ran are kept in ${out}`);
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { stats: { expected: number } };
    expect(results.stats.expected).toBeGreaterThanOrEqual(1);
    expect(existsSync(path.join(out, 'matrix.json'))).toBe(true);
    expect(existsSync(path.join(out, 'history.json'))).toBe(false); // a partial run is no history entry
    expect(processesFor(out)).toEqual([]);
    expect(stderr).not.toMatch(/\n\s+at /);
  } finally {
    clearTimeout(guard);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

/** A tmpfs of `size` mounted at a new folder (root only), or the reason it cannot be. */
function mountTmpfs(size: string): { dir: string; unmount: () => void } | string {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-enospc-'));
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) return `cannot mount a tmpfs here: ${m.stderr.trim()}`;
  return { dir, unmount: () => void spawnSync('umount', [dir]) };
}

test('run with its output folder on a full filesystem: ENOSPC named with the path, exit 3, earlier files kept', async () => {
  test.setTimeout(240_000);
  const fs = mountTmpfs('96k');
  test.skip(typeof fs === 'string', typeof fs === 'string' ? fs : '');
  if (typeof fs === 'string') return;
  try {
    const out = path.join(fs.dir, 'out');
    const r = await runCli(['run', '--models', 'RTX830', '--grep', '@syslog', '--out', out, '--no-allure', '--workers', '1', '--display', 'dot'], 200_000);
    await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`cannot write ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/\\S+)?: no space left on the device \\(ENOSPC\\); what was written before is kept`));
    // what was written before the disk filled is kept: the folder's marker, written when it was claimed
    // (how far the suites' reporters got before ENOSPC depends on the size of the tests' attachments)
    expect(readFileSync(path.join(out, OUTPUT_MARKER), 'utf8')).toMatch(/^This folder was created by l2tpv3-conformance/);
    // the harness's own message is one line, not a stack (Playwright's reporter crash above it is the child's output)
    const own = r.stderr.split('\n').filter((l) => l.startsWith('l2tpv3-conformance run'));
    expect(own.join('\n')).not.toMatch(/\n\s+at /);
  } finally {
    fs.unmount();
  }
});

test('report into a full output folder: ENOSPC on the matrix file, exit 3, the history kept as it was', async () => {
  const fs = mountTmpfs('512k');
  test.skip(typeof fs === 'string', typeof fs === 'string' ? fs : '');
  if (typeof fs === 'string') return;
  try {
    const out = path.join(fs.dir, 'out');
    const results = path.join(mkdtempSync(path.join(tmpdir(), 'cli-enospc-results-')), 'results.json');
    writeFileSync(results, JSON.stringify({ suites: [] }));
    const first = await runCli(['report', '--results', results, '--out', out, '--run-id', 'n1'], 60_000);
    expect(first.code, first.stderr).toBe(0);
    const history = readFileSync(path.join(out, 'history.json'), 'utf8');
    try {
      writeFileSync(path.join(fs.dir, 'filler'), Buffer.alloc(1024 * 1024)); // more than is left
    } catch {
      // ENOSPC: the filesystem is full now, as wanted
    }
    const r = await runCli(['report', '--results', results, '--out', out, '--run-id', 'n2'], 60_000);
    expect(r.code, r.stderr).toBe(3);
    // the folder, or the file when the system call names it (open does, write does not)
    expect(r.stderr).toMatch(/cannot write \S+\/out(\/matrix\.\w+)?: no space left on the device \(ENOSPC\)/);
    expect(readFileSync(path.join(out, 'history.json'), 'utf8')).toBe(history);
  } finally {
    fs.unmount();
  }
});
