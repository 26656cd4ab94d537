// The robustness campaign (issue 17 point 6): a million generated and mutated inputs across the
// L2TPv3 codec, the control state machines, the emulated router over UDP, the config parser and
// the topology loader; crashes, hangs, the syslog classes seen for bad L2TPv3 input, memory.
//   npm run bench:robustness [-- --scale F] [--seed N]
// --scale 0.01 runs a hundredth of every count (a quick look). Fixed seeds: a run replays exactly.
// Each pure target runs in its own process under a watchdog (bench/robustness/isolated.ts); the
// router is one process started the lab's way, fed at a bounded rate. Exit 0 when nothing was
// found, 1 when a target crashed, hung or missed a syslog line.
import { runIsolated } from './robustness/isolated.ts';
import { PURE_TARGET_NAMES, type PureTargetName } from './robustness/pure-targets.ts';
import { clean, report } from './robustness/report.ts';
import { runRouterTarget } from './robustness/router-target.ts';
import { killAllNow } from './router/processes.ts';
import type { TargetResult } from './robustness/target.ts';

// Counts: 1 010 000 inputs in all, the slow parsers (YAML + schema, config validation) fewer.
const COUNTS: Record<PureTargetName | 'router', number> = { codec: 640_000, control: 250_000, config: 60_000, topology: 10_000, router: 50_000 };
const ROUTER_RATE = 2000; // packets/s: bounded, so loopback and the shared machine keep up
const ROUTER_BATCH = 1000; // packets between liveness probes

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!(v > 0)) {
    console.error(`${name} expects a positive number (got '${process.argv[i + 1] ?? ''}')`);
    process.exit(2);
  }
  return v;
}

const scale = flag('--scale', 1);
const seed = flag('--seed', 3931);
const count = (k: keyof typeof COUNTS) => Math.max(1, Math.round(COUNTS[k] * scale));

process.once('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllNow();
    process.exit(130);
  });
}

console.log(`robustness campaign: seed ${seed}, ${Object.keys(COUNTS).map((k) => `${k} ${count(k as keyof typeof COUNTS)}`).join(', ')}; router at most ${ROUTER_RATE} packets/s`);
const results: TargetResult[] = [];
for (const name of PURE_TARGET_NAMES) {
  console.log(`  ${name}: running ${count(name)} inputs`);
  results.push(await runIsolated(name, count(name), seed));
}
console.log(`  router: sending ${count('router')} packets`);
try {
  results.push(await runRouterTarget({ count: count('router'), seed, rate: ROUTER_RATE, batch: ROUTER_BATCH, log: (l) => console.log(l) }));
} catch (e) {
  console.log(`  router: did not complete: ${(e as Error).message}`);
  process.exitCode = 1;
}
console.log('');
for (const line of report(results)) console.log(line);
if (!clean(results)) process.exitCode = 1;
