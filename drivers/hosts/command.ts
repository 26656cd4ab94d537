// Running system tools (ip, ping, sysctl, dnsmasq, ...) with a bound on every run and an error that
// names the command and what it printed, never a stack trace of the child-process plumbing.
import { spawn, spawnSync } from 'node:child_process';
import { runThroughRunner } from './command-runner.ts';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: CommandResult,
  ) {
    const why = result.signal ? `killed by ${result.signal}` : `exit status ${result.code}`;
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    super(`'${argv.join(' ')}' failed (${why})${said ? `: ${said}` : ''}`);
  }
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 20_000;

/**
 * Runs argv to completion (killed after timeoutMs); resolves with what it printed, whatever its
 * status. Through the command runner (command-runner.ts: a small helper forks it) when it can.
 */
export async function runCommand(argv: readonly string[], timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, input?: string): Promise<CommandResult> {
  return (await runThroughRunner(argv, timeoutMs, input)) ?? forkCommand(argv, timeoutMs, input);
}

/** runCommand without the runner: argv forked from this process. */
export function forkCommand(argv: readonly string[], timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n(timed out after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, signal: null, stdout, stderr: `${stderr}${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `${argv[0]}: command not found` : e.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {
      /* the tool exited before reading its input: its status says why */
    });
    child.stdin.end(input ?? '');
  });
}

/** Like runCommand, but a non-zero status is a CommandError. */
export async function mustRun(argv: readonly string[], timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, input?: string): Promise<string> {
  const r = await runCommand(argv, timeoutMs, input);
  if (r.code !== 0) throw new CommandError(argv, r);
  return r.stdout;
}

const onPath = new Map<string, boolean>();

/** Whether a program is on PATH (for skips and clear "not installed" errors); asked once per name and PATH. */
export function hasProgram(name: string): boolean {
  const key = `${name}\0${process.env.PATH ?? ''}`;
  let found = onPath.get(key);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
    onPath.set(key, found);
  }
  return found;
}

/** The argv that runs `argv` inside network namespace `netns` (as is when netns is undefined). */
export function inNetns(netns: string | undefined, argv: readonly string[]): string[] {
  return netns === undefined ? [...argv] : ['ip', 'netns', 'exec', netns, ...argv];
}
