// A physical device in the suites: what the lab inventory says of it (SSH access, its L2TPv3
// endpoint, the harness's peer and syslog addresses), its CLI, and each test's config pushed with
// the config driver (journal first, verified, rolled back when the test ends: DESIGN.md "Hardware
// is precious"). Secrets come from the environment variables the inventory names and never
// appear in an error.
import { test, type TestInfo } from '@playwright/test';
import { appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliSession } from '../../drivers/cli/session.ts';
import { CREDENTIAL_COMMANDS } from '../../drivers/config/plan.ts';
import type { ConfigDevice } from '../../drivers/config/push.ts';
import type { BindTarget } from '../../drivers/preflight/bind-check.ts';
import type { PreflightDevice } from '../../drivers/preflight/preflight.ts';
import type { SuiteDevice } from './devices.ts';
import { sshAdminCli, sshCliSession, type SshLogin } from './router-cli.ts';

/** Where rollback journals of physical devices live (override: L2TPV3_JOURNAL_DIR). */
export const JOURNAL_DIR = process.env.L2TPV3_JOURNAL_DIR ?? join(homedir(), '.l2tpv3-conformance', 'journals');

export class PhysicalDeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhysicalDeviceError';
  }
}

/** The lab is fine but too small for one test (harness addresses, a LAN host): the test is skipped, saying so. */
export class PhysicalLabTooSmall extends PhysicalDeviceError {
  constructor(message: string) {
    super(message);
    this.name = 'PhysicalLabTooSmall';
  }
}

export interface PhysicalTarget {
  readonly name: string;
  readonly ssh: { readonly host: string; readonly port: number; readonly user: string };
  readonly password: string;
  readonly adminPassword: string;
  readonly wan: { readonly address: string; readonly l2tpPort: number };
  readonly peerAddresses: readonly string[];
  readonly syslog: { readonly address: string; readonly port: number };
}

/** The device's access as the suites need it, or a clear error naming the inventory and what is missing. */
export function physicalTarget(device: SuiteDevice, env: NodeJS.ProcessEnv = process.env): PhysicalTarget {
  const a = device.access;
  const where = `${a?.inventory ?? 'lab inventory'}: device ${device.role} (${device.model} ${device.firmware})`;
  if (!a?.ssh) throw new PhysicalDeviceError(`${where}: the suites drive a physical device over SSH: give it ssh: { host, user, password_env }`);
  if (!a.wan) throw new PhysicalDeviceError(`${where}: give it wan: { address } (its L2TPv3 endpoint as the harness reaches it)`);
  if (!a.harness) throw new PhysicalDeviceError(`${a.inventory}: physical devices in the suites need a harness: section (peer_addresses, syslog: { address })`);
  const password = env[a.ssh.passwordEnv];
  if (!password) throw new PhysicalDeviceError(`${where}: environment variable ${a.ssh.passwordEnv} (ssh.password_env) is not set`);
  const adminPassword = a.ssh.adminPasswordEnv ? env[a.ssh.adminPasswordEnv] : password;
  if (!adminPassword) throw new PhysicalDeviceError(`${where}: environment variable ${a.ssh.adminPasswordEnv} (ssh.admin_password_env) is not set`);
  return {
    name: device.role.replace(/[^A-Za-z0-9._-]+/g, '_'),
    ssh: { host: a.ssh.host, port: a.ssh.port, user: a.ssh.user },
    password, adminPassword,
    wan: a.wan, peerAddresses: a.harness.peerAddresses, syslog: a.harness.syslog,
  };
}

const login = (t: PhysicalTarget): SshLogin => ({ ...t.ssh, password: t.password, adminPassword: t.adminPassword });

/** An administrator CLI session on the device (close it in the test). */
export function physicalAdminCli(t: PhysicalTarget): Promise<CliSession> {
  return sshAdminCli(login(t));
}

export function configDevice(t: PhysicalTarget): ConfigDevice {
  return {
    name: t.name, session: () => sshCliSession(login(t)), address: `${t.ssh.host}:${t.ssh.port}`,
    // a bench that already runs `l2tp service on`: off first, on last, as the oracle's prediction starts (issue 16)
    restartService: true,
    log: (line) => logToTest(line, [t.password, t.adminPassword]),
  };
}

/** The attachment of each test that holds its device's push, verify and restore log. */
export const CONFIG_LOG_ATTACHMENT = 'config-push-log.txt';

/**
 * A push, verify or restore line into the current test's `config-push-log.txt` (attached once,
 * filled as the test runs and its fixtures tear down). Outside a test (the preflight) nothing is
 * attached: the caller prints its own log. The lines come masked from the config driver; the
 * login passwords are masked again here as a second guard.
 */
function logToTest(line: string, secrets: readonly string[]): void {
  let info: TestInfo;
  try {
    info = test.info();
  } catch {
    return;
  }
  const path = info.outputPath(CONFIG_LOG_ATTACHMENT);
  const masked = secrets.reduce((l, x) => (x ? l.split(x).join('***') : l), line);
  appendFileSync(path, `${new Date().toISOString()} ${masked}\n`, { mode: 0o600 });
  if (!info.attachments.some((a) => a.name === CONFIG_LOG_ATTACHMENT)) info.attachments.push({ name: CONFIG_LOG_ATTACHMENT, path, contentType: 'text/plain' });
}

/**
 * The harness address that plays a test's logical peer address: the suites name their peers
 * 127.0.0.2, 127.0.0.3, ... (the loopback lab); on a physical lab the i-th is the inventory's
 * harness.peer_addresses[i].
 */
export function harnessPeerAddress(t: PhysicalTarget, logical: string): string {
  // 127.a.b.c counts from 127.0.0.2: the scale suite's 127.0.1.x peers need hundreds of addresses.
  const m = /^127\.(\d+)\.(\d+)\.(\d+)$/.exec(logical);
  const i = m ? (Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3]) - 2 : -1;
  if (i < 0) throw new PhysicalDeviceError(`peer address ${logical} is not one of the suites' logical peers (127.0.0.2 and up)`);
  if (i >= t.peerAddresses.length) throw new PhysicalLabTooSmall(`this test needs ${i + 1} harness peer address(es); the inventory's harness.peer_addresses has ${t.peerAddresses.length}`);
  return t.peerAddresses[i];
}

/** The lines pushed to a physical device: the device keeps its own credentials (never pushed). */
export function pushableLines(config: string): string[] {
  return config.split('\n').filter((l) => l.trim() !== '' && !CREDENTIAL_COMMANDS.some((c) => l.trim().startsWith(`${c} `)));
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
