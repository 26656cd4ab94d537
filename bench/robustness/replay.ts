// Replays input N of a pure target's stream (the campaign's inputs are deterministic from the
// seed; the control target's also from the events before it, so all are run again) and prints
// the input in full and what checking it does, with the whole stack of an exception.
//   node bin/run-ts.mjs bench/robustness/replay.ts TARGET SEED N
import { PURE_TARGETS, type PureTargetName } from './pure-targets.ts';

const [name, seedText, nText] = process.argv.slice(2);
const spec = PURE_TARGETS[name as PureTargetName];
const n = Number(nText);
if (!spec || !(Number(seedText) >= 0) || !(n >= 0)) {
  console.error(`usage: replay.ts (${Object.keys(PURE_TARGETS).join('|')}) SEED N`);
  process.exit(2);
}
const t = spec.make(Number(seedText));
for (let i = 0; i < n; i++) {
  const x = t.generate(i);
  try {
    t.check(x);
  } catch {
    /* an earlier finding: replaying past it */
  }
}
const input = t.generate(n);
console.log(`${name} seed ${seedText} input #${n}:`);
console.log(t.show(input));
try {
  console.log('outcome:', JSON.stringify(t.check(input)));
} catch (e) {
  console.log('threw:', (e as Error).stack ?? String(e));
  process.exitCode = 1;
}
