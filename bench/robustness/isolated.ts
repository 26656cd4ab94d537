// Runs a pure target in a child process (worker.ts) under a watchdog: no progress line for
// `stallMs` is a hang (the child is killed by its pid), a child that dies without its result line
// is a crash, each reported with the input range that replays it (inputs are deterministic from
// the seed and their number).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT } from './corpus-files.ts';
import type { PureTargetName } from './pure-targets.ts';
import { PROGRESS_EVERY, type TargetResult } from './target.ts';

export async function runIsolated(name: PureTargetName, count: number, seed: number, stallMs = 60_000): Promise<TargetResult> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.mjs'), path.join(ROOT, 'bench', 'robustness', 'worker.ts'), name, String(count), String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastProgress = 0;
  let result: TargetResult | undefined;
  let stderr = '';
  let stalled = false;
  const started = Date.now();
  let timer = setTimeout(() => {}, 0);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = true;
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, stallMs);
  };
  arm();
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as { progress?: number; result?: TargetResult };
      if (m.progress !== undefined) lastProgress = m.progress;
      if (m.result) result = m.result;
      arm();
    } catch {
      /* a stray line: not ours */
    }
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  clearTimeout(timer);
  if (result) return result;
  const range = `inputs ${lastProgress}..${Math.min(count, lastProgress + PROGRESS_EVERY) - 1} of seed ${seed}`;
  const why = stalled ? `no progress for ${stallMs / 1000} s (killed)` : `the process died (${exit.signal ?? `exit ${exit.code}`}): ${stderr.split('\n').filter((l) => l.trim() && !/^\s*\d+: 0x/.test(l)).slice(0, 3).join(' | ')}`;
  return {
    target: name, inputs: lastProgress, crashes: stalled ? 0 : 1, hangs: stalled ? 1 : 0, peakRssMb: NaN, memory: [], slowestMs: NaN,
    seconds: (Date.now() - started) / 1000, outcomes: {}, reproducers: [`${name}: ${why}; replay ${range}`],
  };
}
