// Rollback guaranteed around a test body:
// - withConfig(device, lines, opts, fn): push, run fn, roll back in `finally` (fn threw or not);
// - configFixture(opts): a Playwright fixture (`test.extend({ pushConfig: configFixture(opts) })`)
//   whose teardown rolls back every push of the test. Playwright runs fixture teardown also when
//   the test timed out, which a `finally` inside the test body cannot promise (the body may
//   never return);
// - a worker that dies leaves the journal: the next run's preflight (drivers/preflight/, before
//   its first test) restores the device from it once the worker is dead, and the next push to the
//   device does too; a journal of another device or of a live process is refused (journal.ts).

import { ConfigPush, type ConfigDevice, type PushOptions } from './push.ts';

export async function withConfig<T>(device: ConfigDevice, lines: string | readonly string[], opts: PushOptions, fn: (push: ConfigPush) => Promise<T>): Promise<T> {
  const push = await ConfigPush.apply(device, lines, opts);
  let result: T;
  try {
    result = await fn(push);
  } catch (err) {
    // the test's own failure stays the headline; a failed rollback is logged, never silent
    await push.rollback().catch((rollbackErr: Error) => opts.log?.(`${device.name}: rollback failed after the test failed (journal kept): ${rollbackErr.message}`));
    throw err;
  }
  await push.rollback();
  return result;
}

export type PushConfig = (device: ConfigDevice, lines: string | readonly string[]) => Promise<ConfigPush>;

/** A test-scoped Playwright fixture value: `pushConfig(device, lines)`, all rolled back at teardown (last first). Options may be computed when the test starts. */
export function configFixture(options: PushOptions | (() => PushOptions)) {
  // Playwright reads fixture dependencies from the first parameter, which must be a destructuring pattern
  // eslint-disable-next-line no-empty-pattern
  return async ({}: object, use: (push: PushConfig) => Promise<void>): Promise<void> => {
    const opts = typeof options === 'function' ? options() : options;
    const pushes: ConfigPush[] = [];
    await use(async (device, lines) => {
      const p = await ConfigPush.apply(device, lines, opts);
      pushes.push(p);
      return p;
    });
    const errors: string[] = [];
    for (const p of pushes.reverse()) await p.rollback().catch((e: Error) => errors.push(e.message));
    if (errors.length) throw new Error(`rollback failed (journals kept for the next run): ${errors.join('; ')}`);
  };
}
