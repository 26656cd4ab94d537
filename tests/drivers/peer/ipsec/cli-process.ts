// The `peer` CLI as its own process (optionally inside a network namespace), its output read line
// by line so a test can wait for a line (bounded, event-driven) and then stop it with SIGTERM (the
// CLI ends its tunnels then, as on Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../../../bin/l2tpv3-conformance.mjs');

export class CliPeer {
  out = '';
  err = '';
  private exit?: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (b: Buffer) => {
      this.out += b.toString();
      for (const w of [...this.waiters]) w();
    });
    child.stderr?.on('data', (b: Buffer) => (this.err += b.toString()));
    this.exit = new Promise((resolve) => child.once('exit', (code) => {
      for (const w of [...this.waiters]) w();
      resolve(code);
    }));
  }

  static start(argv: string[], env: Record<string, string>, netns?: string): CliPeer {
    const cmd = [process.execPath, BIN, 'peer', ...argv];
    const child = netns ? spawn('ip', ['netns', 'exec', netns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }) : spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    return new CliPeer(child);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves once stdout matches `re`; rejects after `ms` or if the process ends first. */
  waitFor(re: RegExp, ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (re.test(this.out)) return done(() => resolve());
        if (this.exited) done(() => reject(new Error(`peer exited before printing ${re}:\n${this.out}${this.err}`)));
      };
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        f();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${ms} ms waiting for peer output ${re}:\n${this.out}${this.err}`))), ms);
      this.waiters.add(check);
      check();
    });
  }

  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (!this.exited) this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const code = await this.exit!;
    clearTimeout(t);
    return code;
  }
}
