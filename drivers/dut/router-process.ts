// The emulated router as its own process (`l2tpv3-conformance router ...`), the way a lab runs
// it: drivers and these tests never import reference-impl/router/. Start is bounded by the
// `{"ready":...}` line; stop kills the child by its pid. In a process that called useRouterSpares()
// (the suites' workers) routers start from a warm spare (drivers/lab/router-spare.ts): the same
// router command, handed its arguments on stdin; elsewhere cold, their arguments on the command line.
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeRouterSpares, routerSpares, startRouterCold } from '../../drivers/lab/router-spare.ts';

export interface RouterReady {
  model: string;
  firmware: string;
  l2tp: { address: string; port: number }[];
  lan: Record<string, string>;
}

export interface RouterProcessOptions {
  model: string;
  firmware: string;
  config: string;
  wan: string;
  l2tpPort: number;
  timeScale?: number;
  seed?: number;
  underlay?: string[];
  lan?: string[];
  /** Injected defects (`router --list-defects`). */
  defects?: string[];
  /** A firmware-profile variant (`router --profile`, reference-impl/control/profile-variants.ts). */
  profile?: string;
  /** More router arguments (e.g. `--map-e JSON`). */
  extraArgs?: readonly string[];
  /**
   * Run the router inside this network namespace (a namespace lab around the device: underlay-dut.ts):
   * started cold through `ip netns exec`, tied to this process by `setpriv --pdeathsig`.
   */
  netns?: string;
}

let spares = false;

/** Starts this process's routers from warm spares from now on (a suites worker; see the header). */
export function useRouterSpares(): void {
  spares = true;
}

/** Back to cold starts; the waiting spare is ended (a worker's teardown). */
export async function stopRouterSpares(): Promise<void> {
  spares = false;
  await closeRouterSpares();
}

export class RouterProcess {
  private output = '';
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly ready: RouterReady,
  ) {}

  static async start(o: RouterProcessOptions, timeoutMs = 30_000): Promise<RouterProcess> {
    const r = await RouterProcess.run(o, timeoutMs);
    if (r.kind === 'exited') throw new Error(`router exited (${r.code}) before ready: ${r.output.slice(-800)}`);
    return r.router;
  }

  /** Starts the router; reports an exit before `ready` (a refused config) instead of throwing. */
  static async run(o: RouterProcessOptions, timeoutMs = 30_000): Promise<{ kind: 'ready'; router: RouterProcess } | { kind: 'exited'; code: number | null; output: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'peer-router-'));
    const cfg = path.join(dir, 'router.conf');
    writeFileSync(cfg, o.config);
    // the lab's way: the cached bundle of the router entry (tsx if it cannot be built), through this
    // worker's warm spare when one waits (drivers/lab/router-spare.ts)
    const argv = ['--model', o.model, '--firmware', o.firmware, '--config', cfg, '--ssh', '127.0.0.1:0',
      '--wan', o.wan, '--l2tp-port', String(o.l2tpPort), '--time-scale', String(o.timeScale ?? 1), '--seed', String(o.seed ?? 7)];
    for (const u of o.underlay ?? []) argv.push('--underlay', u);
    for (const l of o.lan ?? []) argv.push('--lan', l);
    for (const d of o.defects ?? []) argv.push('--defect', d);
    if (o.profile !== undefined) argv.push('--profile', o.profile);
    argv.push(...(o.extraArgs ?? []));
    const child = await (o.netns !== undefined ? startRouterCold(argv, undefined, o.netns) : spares ? routerSpares().start(argv) : startRouterCold(argv));
    let out = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        reject(new Error(`router not ready after ${timeoutMs} ms: ${out.slice(-800)}`));
      }, timeoutMs);
      const onData = (b: Buffer) => {
        out += b.toString();
        const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
        if (!line) return;
        clearTimeout(timer);
        child.off('exit', onExit);
        const rp = new RouterProcess(child, dir, (JSON.parse(line) as { ready: RouterReady }).ready);
        rp.output = out;
        child.stdout?.on('data', (x: Buffer) => (rp.output += x.toString()));
        child.stderr?.on('data', (x: Buffer) => (rp.output += x.toString()));
        resolve({ kind: 'ready', router: rp });
      };
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
        resolve({ kind: 'exited', code, output: out });
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
      child.once('exit', onExit);
    });
  }

  /** The router's process id (with a spare, its command line does not show the router's arguments). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get log(): string {
    return this.output;
  }

  /** The config file the router reads at start and `save` writes (gone after stop). */
  get configFile(): string {
    return path.join(this.dir, 'router.conf');
  }

  /** SIGTERM (the router closes its connections: StopCCN, `closed port` line), then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      this.child.kill('SIGTERM');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}
