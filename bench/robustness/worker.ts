// One pure target in its own process (bench/robustness/isolated.ts starts it): a crash that
// takes the process down (stack exhaustion, out of memory) or an input that never returns is
// then the bench's finding, not the end of the bench. Prints `{"progress":N}` lines and one
// `{"result":{...}}` line.
//   node bin/run-ts.mjs bench/robustness/worker.ts TARGET COUNT SEED
import { PURE_TARGETS, type PureTargetName } from './pure-targets.ts';
import { runPureTarget } from './target.ts';

const [name, countText, seedText] = process.argv.slice(2);
const spec = PURE_TARGETS[name as PureTargetName];
if (!spec) {
  console.error(`worker: unknown target '${name}'`);
  process.exit(2);
}
const target = spec.make(Number(seedText));
const result = runPureTarget(target, Number(countText), spec.deadlineMs, (done) => console.log(JSON.stringify({ progress: done })));
console.log(JSON.stringify({ result }));
