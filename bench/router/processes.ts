// Router processes for the router benchmarks: spawned the way a lab runs them (routerLaunch: the
// cached bundle of the router entry, or tsx), its `{"ready":...}` line awaited (bounded), its memory read from /proc by pid, and
// every process this bench started stopped by its pid (SIGTERM, then SIGKILL) whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { routerLaunch, type RouterLaunch } from '../../drivers/lab/router-launch.ts';

export interface RouterReadyLine {
  l2tp: { address: string; port: number }[];
  lan: Record<string, string>;
  ssh: { host: string; port: number };
}

export interface BenchRouterOptions {
  model: string;
  firmware: string;
  config: string;
  wan: string;
  l2tpPort: number;
  lan?: string[];
  timeScale?: number;
  /** How to start it (default: routerLaunch(), the lab's way). */
  launch?: RouterLaunch;
}

/** Every child this bench started, so an exit path (normal, error, Ctrl-C) can stop them by pid. */
const children = new Set<ChildProcess>();

export function trackChild(c: ChildProcess): ChildProcess {
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** SIGTERM each child by pid, SIGKILL any still there after `graceMs`; resolves when all have exited. */
export async function stopAll(graceMs = 3000): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, graceMs)));
}

export async function stopChild(c: ChildProcess, graceMs = 3000): Promise<void> {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  process.kill(c.pid, 'SIGTERM');
  const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

/** Kills whatever is left synchronously (for process 'exit'). */
export function killAllNow(): void {
  for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL');
}

/** VmRSS and VmHWM (peak resident set) of a live process, in bytes, from /proc/PID/status. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export class BenchRouter {
  private constructor(
    readonly child: ChildProcess,
    readonly ready: RouterReadyLine,
    private readonly dir: string,
    readonly output: { text: string },
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Spawns the router; resolves on its ready line, rejects (child killed) on exit or after `timeoutMs`. */
  static async start(o: BenchRouterOptions, timeoutMs: number): Promise<BenchRouter> {
    const launch = o.launch ?? (await routerLaunch());
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-router-'));
    const cfg = path.join(dir, 'router.conf');
    writeFileSync(cfg, o.config);
    const argv = [...launch.argv.slice(1), '--model', o.model, '--firmware', o.firmware, '--config', cfg, '--ssh', '127.0.0.1:0',
      '--wan', o.wan, '--l2tp-port', String(o.l2tpPort), '--time-scale', String(o.timeScale ?? 1), '--seed', '11'];
    for (const l of o.lan ?? []) argv.push('--lan', l);
    // BENCH_ROUTER_NODE_ARGS: extra node flags for the router processes (e.g. --cpu-prof), to see where time goes
    const nodeArgs = (process.env.BENCH_ROUTER_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
    const child = trackChild(spawn(launch.argv[0], [...nodeArgs, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const output = { text: '' };
    child.stdout!.on('data', (b: Buffer) => (output.text += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output.text += b.toString()));
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        reject(new Error(`${o.model} ${o.firmware.startsWith('Rev.') ? o.firmware : `Rev.${o.firmware}`}: ${why}: ${output.text.trim().slice(-600)}`));
      };
      const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
      const onExit = (code: number | null) => fail(`router exited (${code}) before ready`);
      const onData = () => {
        const line = output.text.split('\n').find((l) => l.startsWith('{"ready"'));
        if (!line) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout!.off('data', onData);
        resolve(new BenchRouter(child, (JSON.parse(line) as { ready: RouterReadyLine }).ready, dir, output));
      };
      child.stdout!.on('data', onData);
      child.once('exit', onExit);
    });
  }

  memory(): { rss: number; peak: number } {
    return memoryOf(this.pid);
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** One result line: the figure, the target and whether it is met. */
export function verdict(what: string, value: string, target: string, met: boolean): string {
  return `  ${what}: ${value} (target ${target}): ${met ? 'MET' : 'NOT MET'}`;
}
