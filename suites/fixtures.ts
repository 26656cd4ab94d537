// The suites' Playwright fixtures. Options (set per project by suites/playwright.config.ts, or by
// `test.use`): `device` (the device under test), `labFile`, `timeScale`. Worker fixture `lease`:
// the device lease, held for the worker's life; a lease is keyed by device and worker slot
// (parallelIndex), and its owner is the worker's pid, so a worker restarted after a failure takes
// the same key and breaks the dead worker's lease instead of leaking it. Test fixture `lab`: a
// loopback lab around the device, closed (router stopped, evidence attached) even when the test
// throws. `feature`: describes the test to the reports (model, firmware, feature, expectation).
// Automatic worker fixture `routerSpares`: the worker's routers start from a warm spare, a router
// process that loaded its modules while the previous test ran (drivers/lab/router-spare.ts).
import { test as base } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLease, type DeviceLease } from '../drivers/lease/lease.ts';
import { describeDeviceTest } from '../reports/allure/test-metadata.ts';
import { capabilities, type Capabilities } from '../reference-impl/platform/index.ts';
import { openDeviceLab, type DeviceLab, type DeviceLabOptions } from './support/device-lab.ts';
import { stopRouterSpares, useRouterSpares } from '../drivers/dut/router-process.ts';
import { CAPABILITY_REASONS, LabTooSmall } from '../drivers/dut/device-under-test.ts';
import { runCloseSteps } from '../drivers/dut/close-steps.ts';
import { closeUnderlayIsps } from '../drivers/dut/underlay-isp.ts';
import { dutCapabilities, dutLeaseKey } from '../drivers/dut/open-dut.ts';
import { defaultLabDevices, projectName, type SuiteDevice } from './support/devices.ts';

export interface SuiteTestFixtures {
  /** Router and peer time scale: timers run this many times faster than documented. */
  timeScale: number;
  /** Opens a lab for this test (one per call; all closed after the test). */
  openLab: (o: DeviceLabOptions) => Promise<DeviceLab>;
  /** The platform matrix's answer for the device under test. */
  caps: Capabilities;
  /** Describes the test to the reports; returns the documented expectation. */
  feature: (id: string, parameters?: Record<string, string | number | boolean>) => Promise<'supported' | 'unsupported'>;
}

export interface SuiteWorkerFixtures {
  device: SuiteDevice;
  labFile: string | undefined;
  lease: DeviceLease;
  /** Automatic: this worker's emulated routers start from a warm spare (drivers/lab/router-spare.ts). */
  routerSpares: void;
  /** Automatic: the IPv6-only access services this worker built for underlay devices are removed at its end (drivers/dut/underlay-isp.ts). */
  underlayIsps: void;
}

/** Lease directory shared by every run on this host (override: L2TPV3_LEASE_DIR). */
export const LEASE_DIR = process.env.L2TPV3_LEASE_DIR ?? join(tmpdir(), 'l2tpv3-conformance-leases');

export const test = base.extend<SuiteTestFixtures, SuiteWorkerFixtures>({
  device: [defaultLabDevices()[0], { option: true, scope: 'worker' }],
  labFile: [undefined, { option: true, scope: 'worker' }],
  timeScale: [10, { option: true }],
  lease: [
    async ({ device }, use, workerInfo) => {
      // one key per worker slot of an emulated device, one for a physical lab's harness (dutLeaseKey)
      const lease = await acquireLease(dutLeaseKey(device, projectName(device), workerInfo.parallelIndex), { dir: LEASE_DIR, waitMs: 60_000, label: `suites worker ${workerInfo.workerIndex}` });
      try {
        await use(lease);
      } finally {
        lease.release();
      }
    },
    { scope: 'worker' },
  ],
  routerSpares: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern: none
    async ({}, use) => {
      useRouterSpares();
      try {
        await use();
      } finally {
        await stopRouterSpares();
      }
    },
    { scope: 'worker', auto: true },
  ],
  underlayIsps: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern: none
    async ({}, use) => {
      try {
        await use();
      } finally {
        await closeUnderlayIsps();
      }
    },
    { scope: 'worker', auto: true },
  ],
  caps: async ({ device }, use) => {
    await use(capabilities(device.model, device.firmware));
  },
  feature: async ({ device }, use) => {
    // a device behind IPIP / MAP-E fills that underlay's column; the area it ran is a parameter
    const underlay = device.underlay;
    await use((id, parameters) => describeDeviceTest({
      model: device.model, firmware: device.firmware,
      ...(underlay === undefined ? { feature: id, parameters } : { feature: `over-${underlay}`, parameters: { area: id, ...parameters } }),
    }));
  },
  openLab: async ({ device, timeScale, lease }, use, testInfo) => {
    void lease; // held for the worker's life: no other run touches this device slot meanwhile
    const labs: DeviceLab[] = [];
    await use(async (o) => {
      let lab: DeviceLab;
      try {
        lab = await openDeviceLab(device, timeScale, o);
      } catch (e) {
        // A lab that lacks what this test needs (harness addresses, a LAN host): said, not failed.
        if (e instanceof LabTooSmall) testInfo.skip(true, e.message);
        throw e;
      }
      labs.push(lab);
      return lab;
    });
    // every lab closed (rolled back) whatever the one before it threw
    await runCloseSteps('test labs', labs.map((lab, i) => ({ name: `lab ${i + 1}`, run: () => lab.close(testInfo) })));
  },
});

/** Skips the running test, with the capability's reason, when the device under test lacks it (drivers/dut/). */
export function needsCapability(device: SuiteDevice, capability: keyof typeof CAPABILITY_REASONS): void {
  test.skip(!dutCapabilities(device)[capability], CAPABILITY_REASONS[capability]);
}

export { expect } from '@playwright/test';
