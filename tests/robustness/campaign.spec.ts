// Issue 17 point 6, the CI size of the robustness campaign (bench/robustness.bench.ts runs the
// million): each target with a few thousand generated and mutated inputs, in-process, from fixed
// seeds. No crash, no hang (every input within its deadline, the router answering its liveness
// probes and still answering afterwards), and for each class of bad L2TPv3 input the catalogue
// line the oracle predicts, seen exactly in the syslog the router sends over UDP.
import { test, expect } from '@playwright/test';
import { codecTarget, DECODE_SYSLOG_IDS } from '../../bench/robustness/codec-target.ts';
import { configTarget } from '../../bench/robustness/config-target.ts';
import { CONTROL_SYSLOG_EXPECTED, controlTarget } from '../../bench/robustness/control-target.ts';
import { runRouterTarget } from '../../bench/robustness/router-target.ts';
import { runPureTarget, type TargetResult } from '../../bench/robustness/target.ts';
import { topologyTarget } from '../../bench/robustness/topology-target.ts';

const SEED = 4719;
// CI machines are shared: the deadline says "never returns", not "slow" (speed is bench/'s job).
const DEADLINE_MS = 2000;

function summary(r: TargetResult): string {
  return `${r.target}: ${r.inputs} inputs, ${r.crashes} crashes, ${r.hangs} hangs, ${r.seconds.toFixed(1)} s; ${JSON.stringify(r.outcomes)}`;
}

function expectClean(r: TargetResult, inputs: number): void {
  test.info().annotations.push({ type: 'campaign', description: summary(r) });
  expect(r.reproducers, 'crashes and hangs, with what replays them').toEqual([]);
  expect([r.crashes, r.hangs]).toEqual([0, 0]);
  expect(r.inputs).toBe(inputs);
}

test('codec: 5000 mutated control and data messages decode or are rejected with a typed error', () => {
  const r = runPureTarget(codecTarget(SEED), 5000, DEADLINE_MS);
  expectClean(r, 5000);
  // every class of rejection was reached, each naming its catalogue line
  expect(r.syslogClasses).toEqual([...DECODE_SYSLOG_IDS].sort());
});

test('control state machines: 6000 events in random orders, every bad-input class logged', () => {
  const r = runPureTarget(controlTarget(SEED), 6000, DEADLINE_MS);
  expectClean(r, 6000);
  expect(r.syslogMissing, `classes never logged; seen ${JSON.stringify(r.syslogClasses)}`).toEqual([]);
  expect(r.syslogClasses).toEqual([...CONTROL_SYSLOG_EXPECTED].sort());
});

test('config parser: 1500 mutated configs parse losslessly and validate without throwing', () => {
  const r = runPureTarget(configTarget(SEED), 1500, DEADLINE_MS);
  expectClean(r, 1500);
  // the mutations reach both sides: configs that stay clean and configs with issues
  expect(r.outcomes.clean ?? 0).toBeGreaterThan(0);
  expect(Object.keys(r.outcomes).some((k) => k.startsWith('issues:'))).toBe(true);
});

test('topology loader: 300 mutated topologies and inventories give diagnostics, never an exception', () => {
  const r = runPureTarget(topologyTarget(SEED), 300, DEADLINE_MS);
  expectClean(r, 300);
  expect(r.outcomes['topology:refused'] ?? 0).toBeGreaterThan(0);
});

test('emulated router over UDP: 1500 mutated packets, still answering, one catalogue line per bad-input class', async () => {
  test.setTimeout(90_000);
  const r = await runRouterTarget({ count: 1500, seed: SEED, rate: 3000, batch: 500 });
  test.info().annotations.push({ type: 'router', description: `${summary(r)}; router RSS ${r.routerRssMb.join(' -> ')} MB` });
  expect(r.reproducers).toEqual([]);
  expect([r.crashes, r.hangs, r.inputs]).toEqual([0, 0, 1500]);
  for (const p of r.probes) expect(p.seen, `${p.name}: '${p.expected}' in the router's syslog`).toBe(true);
  expect(r.probes.map((p) => p.expected)).toContain("[L2TPv3] can't find tunnel number");
  expect(r.syslogMissing).toEqual([]);
});
