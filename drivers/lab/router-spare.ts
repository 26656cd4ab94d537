// Warm spares of the emulated router: a router process started ahead with `router --args-from-stdin`
// (cli/router.ts) has loaded its modules (~150 ms of a ~170 ms start) before a test knows its
// config; the test hands it its real arguments as one JSON line and it runs exactly as a router
// started with them (the same command, parsing and error handling: nothing is mocked). One spare
// per pool (a Playwright worker runs one test at a time); a new one is started behind each handover,
// so its load overlaps the test instead of delaying the next one. A spare that died while waiting is
// replaced; one never handed arguments is ended by close() or, if this process dies, by its stdin
// closing. A handed router keeps its stdin open too: if this process dies without stopping it (a
// worker killed mid-test), the stdin closes and the router stops itself (cli/router.ts) instead of
// running on as an orphan. A process uses spares only when it asks (the suites' workers: suites/fixtures.ts); a
// handed router's command line shows `--args-from-stdin`, not its arguments. L2TPV3_ROUTER_SPARE=off
// starts every router cold (`router ARGS`), e.g. to compare.
import { spawn, type ChildProcess } from 'node:child_process';
import { routerLaunch, type RouterLaunch } from './router-launch.ts';
import { WITH_PARENT } from '../hosts/with-parent.ts';

export const SPARE_FLAG = '--args-from-stdin';

export interface RouterSpareOptions {
  /** How router processes are started (default: routerLaunch(), the lab's way, resolved once per pool). */
  launch?: () => Promise<RouterLaunch>;
  /** false: no spares, every start is a cold `router ARGS` (default: unless L2TPV3_ROUTER_SPARE=off). */
  enabled?: boolean;
}

export class RouterSparePool {
  private spare?: ChildProcess;
  private closed = false;
  /** Spares found dead when wanted (replaced by a fresh process). */
  replaced = 0;
  /** Starts served by a waiting spare / by a cold process. */
  readonly starts = { warm: 0, cold: 0 };
  private readonly launch: () => Promise<RouterLaunch>;
  readonly enabled: boolean;
  private readonly onExit = () => this.spare?.kill('SIGKILL');

  constructor(o: RouterSpareOptions = {}) {
    // Resolved once per pool: a worker's routers all come from one build of the sources (an edit
    // during a run does not give its later tests another router), and the inputs are not re-hashed
    // for every start (~6 ms of CPU each).
    let resolved: Promise<RouterLaunch> | undefined;
    this.launch = o.launch ?? (() => (resolved ??= routerLaunch()));
    this.enabled = o.enabled ?? process.env.L2TPV3_ROUTER_SPARE !== 'off';
    // a spare never handed arguments must not outlive this process (a kill also closes its stdin)
    process.once('exit', this.onExit);
  }

  /**
   * A router process running with `args` (the router's own arguments, without the launcher's):
   * the waiting spare when there is a live one, else a new process. Its stdout and stderr are unread.
   */
  async start(args: readonly string[]): Promise<ChildProcess> {
    if (this.closed) throw new Error('router spare pool is closed');
    const launch = await this.launch();
    if (!this.enabled) {
      this.starts.cold++;
      return spawnCold(launch, args);
    }
    let child = this.spare;
    this.spare = undefined;
    if (child !== undefined && !alive(child)) {
      this.replaced++;
      child = undefined;
    }
    if (child === undefined) {
      this.starts.cold++;
      child = spawnSpare(launch);
    } else {
      this.starts.warm++;
    }
    // stdin stays open: the router stops itself when it ends (this process gone without stopping it)
    child.stdin!.on('error', () => undefined);
    child.stdin!.write(`${JSON.stringify(args)}\n`);
    child.once('exit', () => child.stdin?.destroy());
    this.spare = spawnSpare(launch);
    return child;
  }

  /** The process waiting now (tests). */
  get waiting(): ChildProcess | undefined {
    return this.spare;
  }

  /** Ends the waiting spare (closing its stdin: it exits without starting). */
  async close(): Promise<void> {
    this.closed = true;
    process.off('exit', this.onExit);
    const s = this.spare;
    this.spare = undefined;
    if (s === undefined || !alive(s)) return;
    const exited = new Promise<void>((r) => s.once('exit', () => r()));
    s.stdin!.end();
    const t = setTimeout(() => s.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

/**
 * `router ARGS` the plain way: its arguments on its command line, stdin closed; in `netns` through
 * `ip netns exec`, tied to this process (WITH_PARENT: it has no stdin lifeline).
 */
function spawnCold(launch: RouterLaunch, args: readonly string[], netns?: string): ChildProcess {
  const argv = [...(netns !== undefined ? [...WITH_PARENT, 'ip', 'netns', 'exec', netns] : []), ...launch.argv, ...args];
  return spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A router started cold (no spare): what every start is outside a process that asked for spares, and in a namespace. */
export async function startRouterCold(args: readonly string[], launch: () => Promise<RouterLaunch> = () => routerLaunch(), netns?: string): Promise<ChildProcess> {
  return spawnCold(await launch(), args, netns);
}

function spawnSpare(launch: RouterLaunch): ChildProcess {
  const child = spawn(launch.argv[0], [...launch.argv.slice(1), SPARE_FLAG], { stdio: ['pipe', 'pipe', 'pipe'] });
  // a spare that died is found by alive() when wanted; its pipe errors (EPIPE) must not throw here
  child.stdin!.on('error', () => {});
  return child;
}

let shared: RouterSparePool | undefined;

/** This process's pool (one spare; a Playwright worker runs one test at a time). */
export function routerSpares(): RouterSparePool {
  shared ??= new RouterSparePool();
  return shared;
}

/** Ends this process's pool and its waiting spare (a worker's teardown); the next routerSpares() is a new pool. */
export async function closeRouterSpares(): Promise<void> {
  const s = shared;
  shared = undefined;
  await s?.close();
}
