// The suites' parallelism and time scale when the caller does not choose them: one place for
// suites/playwright.config.ts (what runs) and `run` (what its benchmark line says ran).
import { availableParallelism } from 'node:os';
import type { SuiteDevice } from './devices.ts';
import { dutCapabilities } from '../../drivers/dut/open-dut.ts';

/**
 * Parallel Playwright workers of an emulated lab (`run --workers`, L2TPV3_WORKERS): twice the CPUs
 * (4 on a 2-core machine), at most 8. Why twice: most of a test is waiting for the device's
 * timers and answers, so two workers per CPU keep it busy (measured on 2 cores: 2 workers 242 s,
 * 3 workers 198 s, 4 workers 169 s with two devices side by side, suites/playwright.config.ts).
 */
export const DEFAULT_SUITE_WORKERS = Math.max(2, Math.min(8, 2 * availableParallelism()));
/** Protocol timers run this many times faster on the emulated routers (`run --time-scale`). */
export const DEFAULT_TIME_SCALE = 10;

/**
 * The workers a run uses: a lab with a device whose tests cannot run side by side (a physical
 * lab has one harness: its peer addresses and syslog port) gets one worker; otherwise the
 * requested number or the default.
 */
export function suiteWorkers(devices: readonly Pick<SuiteDevice, 'kind'>[], requested: number | undefined): number {
  if (devices.some((d) => !dutCapabilities(d).parallelTests)) return 1;
  return requested ?? DEFAULT_SUITE_WORKERS;
}
