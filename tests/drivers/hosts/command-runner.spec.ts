// runCommand through the command runner gives what forking the command gives: stdout, stderr,
// exit status, a signal, stdin input, a missing program (127, "command not found"), a timeout
// (killed, said in stderr); commands run concurrently; a process whose only pending work is a
// command stays alive until it is answered and then exits (the runner never holds it); the command's
// parent is the runner (it is not forked from the test process).
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forkCommand, runCommand } from '../../../drivers/hosts/command.ts';

const CASES: { name: string; argv: string[]; input?: string; timeoutMs?: number }[] = [
  { name: 'stdout and status 0', argv: ['sh', '-c', 'printf "a\\nb\\n"'] },
  { name: 'stderr and status 3', argv: ['sh', '-c', 'echo oops >&2; exit 3'] },
  { name: 'stdin input', argv: ['cat'], input: 'from stdin\n' },
  { name: 'non-UTF-8 bytes', argv: ['printf', '\\377ok'] },
  { name: 'killed by a signal', argv: ['sh', '-c', 'kill -TERM $$'] },
  { name: 'missing program', argv: ['no-such-program-l2tpv3'] },
];

for (const c of CASES) {
  test(`through the runner as forked: ${c.name}`, async () => {
    const viaRunner = await runCommand(c.argv, c.timeoutMs, c.input);
    const forked = await forkCommand(c.argv, c.timeoutMs, c.input);
    expect(viaRunner).toEqual(forked);
  });
}

test('a command over its time is killed and the timeout said, as when forked', async () => {
  const viaRunner = await runCommand(['sleep', '5'], 200);
  expect(viaRunner.code).toBeNull();
  expect(viaRunner.signal).toBe('SIGKILL');
  expect(viaRunner.stderr).toBe('\n(timed out after 200 ms)');
  expect(await forkCommand(['sleep', '5'], 200)).toEqual(viaRunner);
});

test('the command runs under the runner, not forked from this process (its parent is command-runner.py)', async () => {
  const parent = await runCommand(['sh', '-c', 'tr "\\0" " " < /proc/$PPID/cmdline']);
  expect(parent.stdout).toContain('command-runner.py');
  const forkedParent = await forkCommand(['sh', '-c', 'tr "\\0" " " < /proc/$PPID/cmdline']);
  expect(forkedParent.stdout).not.toContain('command-runner.py');
});

test('commands run concurrently: one waits for a file that a later one makes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'command-runner-'));
  try {
    const flag = path.join(dir, 'flag');
    // bounded: 100 x 50 ms; run one after the other, the first would time out (killed, no 'a')
    const waiter = runCommand(['sh', '-c', `i=0; while [ ! -e ${flag} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; [ -e ${flag} ] && echo a`], 10_000);
    const maker = runCommand(['sh', '-c', `touch ${flag}; echo b`]);
    expect([(await waiter).stdout, (await maker).stdout]).toEqual(['a\n', 'b\n']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process waiting only on a command stays alive for its answer, then exits by itself', () => {
  const script = `import { runCommand } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../../drivers/hosts/command.ts'))};
const r = await runCommand(['sh', '-c', 'sleep 0.3; echo done']);
process.stdout.write(r.stdout);`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, cwd: path.resolve(import.meta.dirname, '../../..') });
  expect(run.status).toBe(0);
  expect(run.stdout).toBe('done\n');
});
