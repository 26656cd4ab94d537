// Test helpers: an emulated router as its own process (`l2tpv3-conformance router ...`, started as
// the lab starts it: drivers/lab/router-launch.ts), optionally inside a network namespace, and a
// dumpcap capture; each start waits for its ready signal, bounded, and each stop for the exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { routerLaunch } from '../../../../drivers/lab/router-launch.ts';

export interface RouterProcess {
  proc: ChildProcess;
  ready: { lan: Record<string, string>; l2tp: { address: string; port: number }[] };
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `router ARGS` (in `netns` when given) and resolves on its ready line. */
export async function startRouterProcess(args: string[], opts: { netns?: string; timeoutMs?: number } = {}): Promise<RouterProcess> {
  const launch = await routerLaunch();
  const argv = [...launch.argv, ...args];
  const cmd = opts.netns ? ['ip', 'netns', 'exec', opts.netns, ...argv] : argv;
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const ready = await new Promise<RouterProcess['ready']>((resolve, reject) => {
    const ms = opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => reject(new Error(`router not ready after ${ms} ms: ${err}`)), ms);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: RouterProcess['ready'] }).ready);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router exited (${code}) before ready: ${err}`));
    });
  });
  return {
    proc,
    ready,
    stdout: () => out,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** `dumpcap -i IFACE -f FILTER -w FILE` (in `netns` when given), resolved once it captures. */
export async function startCapture(iface: string, filter: string, file: string, netns?: string): Promise<{ stop: () => Promise<void> }> {
  const argv = ['dumpcap', '-q', '-i', iface, '-f', filter, '-w', file];
  const cmd = netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dumpcap not capturing after 10 s: ${err}`)), 10_000);
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/File: /.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dumpcap exited (${code}): ${err}`));
    });
  });
  return {
    stop: async () => {
      if (proc.exitCode !== null) return;
      proc.kill('SIGINT');
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    },
  };
}
