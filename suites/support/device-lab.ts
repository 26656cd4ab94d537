// The suites' lab: drivers/dut/device-lab.ts around the Playwright project's device, its physical
// pushes journaled in the run's journal folder and logged into the running test; and the grouping
// of cases by the device's tunnel limit.
import { DeviceLab as DutLab, type DeviceLabOptions } from '../../drivers/dut/device-lab.ts';
import { JOURNAL_DIR, logToTest } from './physical-device.ts';
import type { SuiteDevice } from './devices.ts';

/** A lab around one of the suites' devices (its learned profile and variant readable as `lab.device`). */
export type DeviceLab = DutLab<SuiteDevice>;
export type { DeviceLabOptions };

/** Opens a lab around the device under test of this Playwright project. */
export function openDeviceLab(device: SuiteDevice, timeScale: number, opts: DeviceLabOptions): Promise<DeviceLab> {
  return DutLab.open(device, { timeScale, firmware: opts.firmware, wanAddress: opts.routerAddress, journalDir: JOURNAL_DIR, log: logToTest }, opts);
}

/**
 * Cases split into groups that fit the device's tunnel limit: a test runs one router per group,
 * one tunnel per case (a 9-tunnel model runs nine cases on one router, a 1-tunnel model one each).
 */
export function groupsWithin<T>(cases: readonly T[], maxTunnels: number): T[][] {
  const size = Math.max(1, maxTunnels);
  const out: T[][] = [];
  for (let i = 0; i < cases.length; i += size) out.push(cases.slice(i, i + size));
  return out;
}
