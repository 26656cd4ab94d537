// Benchmarks of the emulated router (issue 6 point 6). Not tests: figures are printed with each
// target and whether it is met; the exit code is 0 whatever the figures (1 only if a bench broke).
//   npm run bench:router [-- --only a,b,c] [--tsx]
// Routers start the way `lab up` starts them: from the cached esbuild bundle of the router entry
// (drivers/lab/router-launch.ts). --tsx: also run (b) with routers started through tsx (the old
// path), for comparison.
// (a) vRX: 99 L2TPv3 tunnels with sessions from the tester peer: time to all up, peak RSS, 100th refused;
// (b) one router per band of the seed's support table started at once: time to every SSH prompt, total RSS;
// (c) data-plane frames/s through one router (LAN -> tunnel) next to a plain Node UDP relay.
// Every router, relay and generator runs as its own process and is stopped by its pid.
import { benchTunnelLimit } from './router/tunnel-limit.ts';
import { benchBandLab } from './router/band-lab.ts';
import { benchDataPlane } from './router/data-plane.ts';
import { killAllNow, stopAll } from './router/processes.ts';

const BENCHES = {
  a: benchTunnelLimit,
  b: benchBandLab,
  c: benchDataPlane,
} as const satisfies Record<string, (log: (l: string) => void) => Promise<boolean>>;
type BenchId = keyof typeof BENCHES;
const withTsx = process.argv.includes('--tsx');

function selected(): BenchId[] {
  const i = process.argv.indexOf('--only');
  if (i < 0) return ['a', 'b', 'c'];
  const ids = (process.argv[i + 1] ?? '').split(',').filter((s) => s !== '');
  const bad = ids.filter((s) => !(s in BENCHES));
  if (ids.length === 0 || bad.length > 0) {
    console.error(`--only expects a comma-separated list of a, b, c (got '${process.argv[i + 1] ?? ''}')`);
    process.exit(2);
  }
  return ids as BenchId[];
}

process.once('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllNow();
    process.exit(130);
  });
}

const ids = selected();
const runs: { id: string; run: (log: (l: string) => void) => Promise<boolean> }[] = ids.map((id) => ({ id, run: BENCHES[id] }));
if (withTsx && ids.includes('b')) runs.push({ id: "b' (tsx, for comparison)", run: (log) => benchBandLab(log, { runner: 'tsx' }) });
const results: string[] = [];
let broke = false;
for (const { id, run } of runs) {
  const lines: string[] = [];
  const log = (l: string) => {
    lines.push(l);
    console.log(l);
  };
  try {
    const met = await run(log);
    results.push(`(${id}) ${met ? 'all targets met' : 'NOT all targets met'}`);
  } catch (e) {
    broke = true;
    console.log(`  (${id}) did not complete: ${(e as Error).message}`);
    results.push(`(${id}) did not complete`);
  } finally {
    await stopAll();
  }
  console.log('');
}
console.log(`summary: ${results.join('; ')}`);
process.exitCode = broke ? 1 : 0;
