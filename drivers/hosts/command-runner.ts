// Short system commands run through one small helper process (command-runner.py) instead of being
// forked from this process. Why: fork copies this process's page tables, so in a test worker of
// ~200 MB each `ip`/`sysctl`/`ping` costs ~10 ms of its CPU before the command even starts; the
// helper forks in ~1 ms. A lab brings up dozens of such commands. The helper is started on first
// use (python3), holds the event loop only while a command is pending, and ends when this process
// does (its stdin closes). Without python3, or with L2TPV3_COMMAND_RUNNER=off, or once the helper
// died, commands are forked directly as before: same results either way.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandResult } from './command.ts';

const RUNNER_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'command-runner.py');

interface Reply { id: number; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean; notFound: boolean }

class CommandRunner {
  private child?: ChildProcessWithoutNullStreams;
  private broken = process.env.L2TPV3_COMMAND_RUNNER === 'off';
  private nextId = 1;
  private buffered = '';
  private readonly pending = new Map<number, { argv: readonly string[]; timeoutMs: number; resolve: (r: CommandResult | undefined) => void }>();

  /** The command's result, or undefined when the runner cannot take it (the caller forks it itself). */
  run(argv: readonly string[], timeoutMs: number, input: string | undefined): Promise<CommandResult | undefined> {
    const child = this.ensure();
    if (child === undefined) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { argv, timeoutMs, resolve });
      this.holdLoop(true);
      child.stdin.write(`${JSON.stringify({ id, argv, input: input ?? '', timeoutMs })}\n`);
    });
  }

  private ensure(): ChildProcessWithoutNullStreams | undefined {
    if (this.broken) return undefined;
    if (this.child) return this.child;
    const child = spawn('python3', [RUNNER_FILE], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    child.stderr.resume(); // a crash's traceback: the fallback below covers its commands
    child.stdin.on('error', () => this.fail());
    child.once('error', () => this.fail());
    child.once('exit', () => this.fail());
    this.holdLoop(false);
    return child;
  }

  /** Keep the process alive while a command is pending, and only then (the helper must not hold it). */
  private holdLoop(hold: boolean): void {
    const c = this.child;
    if (!c) return;
    for (const h of [c, c.stdout, c.stdin, c.stderr] as { ref(): void; unref(): void }[]) {
      if (hold) h.ref();
      else h.unref();
    }
  }

  private onData(d: string): void {
    this.buffered += d;
    for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      let r: Reply;
      try {
        r = JSON.parse(line) as Reply;
      } catch {
        continue;
      }
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      const stderr = r.notFound ? `${r.stderr}${p.argv[0]}: command not found` : r.timedOut ? `${r.stderr}\n(timed out after ${p.timeoutMs} ms)` : r.stderr;
      p.resolve({ code: r.code, signal: r.signal, stdout: r.stdout, stderr });
    }
    if (this.pending.size === 0) this.holdLoop(false);
  }

  /** The helper is gone: every pending command is handed back (forked directly), and later ones too. */
  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.resolve(undefined);
  }
}

let runner: CommandRunner | undefined;

/** Runs argv through the helper process; undefined when it cannot (the caller forks argv itself). */
export function runThroughRunner(argv: readonly string[], timeoutMs: number, input: string | undefined): Promise<CommandResult | undefined> {
  runner ??= new CommandRunner();
  return runner.run(argv, timeoutMs, input);
}
