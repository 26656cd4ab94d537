// A physical device in the suites, around drivers/dut/physical-target.ts: where journals live,
// its push, verify and restore log attached to the running test, and what the preflight checks
// and binds. Secrets come from the environment variables the inventory names and never appear in
// an error.
import { test, type TestInfo } from '@playwright/test';
import { appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConfigDevice } from '../../drivers/config/push.ts';
import type { BindTarget } from '../../drivers/preflight/bind-check.ts';
import type { PreflightDevice } from '../../drivers/preflight/preflight.ts';
import type { SuiteDevice } from './devices.ts';
import { physicalConfigDevice, physicalTarget, PhysicalDeviceError, type PhysicalTarget } from '../../drivers/dut/physical-target.ts';

/** Where rollback journals of physical devices live (override: L2TPV3_JOURNAL_DIR). */
export const JOURNAL_DIR = process.env.L2TPV3_JOURNAL_DIR ?? join(homedir(), '.l2tpv3-conformance', 'journals');

/** The device's access as the suites need it (drivers/dut/physical-target.ts), with its errors. */
export { physicalTarget, PhysicalDeviceError, type PhysicalTarget };

/** The config driver's handle on the device, its push, verify and restore lines logged into the current test. */
export function configDevice(t: PhysicalTarget): ConfigDevice {
  return physicalConfigDevice(t, logToTest);
}

/** The attachment of each test that holds its device's push, verify and restore log. */
export const CONFIG_LOG_ATTACHMENT = 'config-push-log.txt';

/**
 * A push, verify or restore line into the current test's `config-push-log.txt` (attached once,
 * filled as the test runs and its fixtures tear down). Outside a test (the preflight) nothing is
 * attached: the caller prints its own log. The lines come masked from the config driver, and the
 * login passwords masked again by physicalConfigDevice as a second guard.
 */
export function logToTest(line: string): void {
  let info: TestInfo;
  try {
    info = test.info();
  } catch {
    return;
  }
  const path = info.outputPath(CONFIG_LOG_ATTACHMENT);
  appendFileSync(path, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
  if (!info.attachments.some((a) => a.name === CONFIG_LOG_ATTACHMENT)) info.attachments.push({ name: CONFIG_LOG_ATTACHMENT, path, contentType: 'text/plain' });
}

/** The environment variables of the device's passwords that are not set (all of them, by name). */
export function unsetPasswordVariables(device: SuiteDevice, env: NodeJS.ProcessEnv = process.env): string[] {
  const ssh = device.access?.ssh;
  if (!ssh) return [];
  return [...new Set([ssh.passwordEnv, ...(ssh.adminPasswordEnv ? [ssh.adminPasswordEnv] : [])])].filter((v) => !env[v]);
}

/** A physical device as the preflight checks it (drivers/preflight/): setup problems first, then how to reach it. */
export function preflightDevice(device: SuiteDevice, env: NodeJS.ProcessEnv = process.env): PreflightDevice {
  const claimed = { model: device.model, firmware: device.firmware };
  const unset = unsetPasswordVariables(device, env).map((v) => `environment variable ${v} (the inventory's password variable) is not set`);
  if (unset.length) return { role: device.role, claimed, setupProblems: unset };
  try {
    return { role: device.role, claimed, device: configDevice(physicalTarget(device, env)), setupProblems: [] };
  } catch (e) {
    return { role: device.role, claimed, setupProblems: [(e as Error).message] };
  }
}

/** What the suites bind on the harness for these physical devices: each peer address on each device's L2TPv3 port, and the syslog collector. */
export function harnessBinds(devices: readonly SuiteDevice[]): BindTarget[] {
  const out: BindTarget[] = [];
  for (const d of devices) {
    const a = d.access;
    if (!a?.harness || !a.wan) continue;
    for (const p of a.harness.peerAddresses) out.push({ address: p, port: a.wan.l2tpPort, what: `tester peer (${d.role}'s L2TPv3 port)` });
    out.push({ address: a.harness.syslog.address, port: a.harness.syslog.port, what: 'syslog collector' });
  }
  return out;
}
