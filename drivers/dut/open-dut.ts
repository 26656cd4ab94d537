// The one place that turns an inventory's device into its device under test: emulated routers
// start as processes (behind an IPIP / MAP-E access service when the device says so), physical devices are reached as their inventory says. Everything after this
// uses the DeviceUnderTest interface only.
import type { DeviceUnderTest, DutCapabilities } from './device-under-test.ts';
import { EMULATED_CAPABILITIES, EmulatedDut } from './emulated-dut.ts';
import { physicalCapabilities, PhysicalDut } from './physical-dut.ts';
import { physicalTarget, type DeviceDescription } from './physical-target.ts';
import { UNDERLAY_CAPABILITIES, UnderlayDut } from './underlay-dut.ts';

export interface OpenDutOptions {
  /** Timers this many times faster (emulated only: hardware runs in real time). */
  readonly timeScale: number;
  /** Another revision of the emulated device's firmware series (platform-gating probes). */
  readonly firmware?: string;
  /** The loopback address the emulated router's WAN binds. */
  readonly wanAddress?: string;
  /** Rollback journals of physical devices. */
  readonly journalDir: string;
  /** Push, verify and restore lines of physical devices. */
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export function openDut(device: DeviceDescription, o: OpenDutOptions): Promise<DeviceUnderTest> {
  if (device.kind === 'physical') {
    const identity = { role: device.role, model: device.model, firmware: device.firmware };
    return Promise.resolve(new PhysicalDut({ identity, target: physicalTarget(device, o.env), journalDir: o.journalDir, log: o.log }));
  }
  if (device.underlay !== undefined) {
    return UnderlayDut.open({ role: device.role, model: device.model, firmware: o.firmware ?? device.firmware, timeScale: o.timeScale, defects: device.defects, profile: device.profile, underlay: device.underlay });
  }
  return EmulatedDut.open({ role: device.role, model: device.model, firmware: o.firmware ?? device.firmware, timeScale: o.timeScale, defects: device.defects, profile: device.profile, wanAddress: o.wanAddress });
}

/**
 * The lease key of a device for one worker slot. Devices with parallel tests (emulated: one router
 * process per test): each worker slot has its own key. Others share the harness's peer addresses
 * (L2TP port) and syslog port: one key for all of them, so one such test runs at a time whatever
 * the worker.
 */
export function dutLeaseKey(device: DeviceDescription, name: string, slot: number): string {
  const key = dutCapabilities(device).parallelTests ? `emulated-${name}-slot${slot}` : 'physical-lab-harness';
  return key.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** What the device under test that openDut gives for this device can take part in (before any lab is open: a test's skip). */
export function dutCapabilities(device: Pick<DeviceDescription, 'kind' | 'access' | 'underlay'>): DutCapabilities {
  if (device.kind === 'emulated' && device.underlay !== undefined) return UNDERLAY_CAPABILITIES;
  // a physical device's tester IKE depends on how many harness addresses its inventory gives
  return device.kind === 'physical' ? physicalCapabilities(device.access?.harness?.peerAddresses.length ?? 0) : EMULATED_CAPABILITIES;
}
