// A physical device as the harness reaches it: what the lab inventory says of it (SSH access, its
// L2TPv3 endpoint, the harness's peer and syslog addresses), its CLI, and its config-driver handle
// (journal, verify, rollback: drivers/config/push.ts). Secrets come from the environment variables
// the inventory names and never appear in an error.
import type { CliSession } from '../cli/session.ts';
import type { ConfigDevice } from '../config/push.ts';
import { CREDENTIAL_COMMANDS } from '../config/plan.ts';
import { LabTooSmall, logicalPeerIndex } from './device-under-test.ts';
import { sshAdminCli, sshCliSession, type SshLogin } from './router-cli.ts';

export class PhysicalDeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhysicalDeviceError';
  }
}

/** The inventory fields of a physical device (structurally the suites' PhysicalAccess). */
export interface PhysicalAccessFields {
  readonly inventory: string;
  readonly ssh?: { readonly host: string; readonly port: number; readonly user: string; readonly passwordEnv: string; readonly adminPasswordEnv?: string };
  readonly wan?: { readonly address: string; readonly l2tpPort: number };
  readonly harness?: { readonly peerAddresses: readonly string[]; readonly syslog: { readonly address: string; readonly port: number } };
}

/** A device as the inventory describes it (the suites' SuiteDevice fits). */
export interface DeviceDescription {
  readonly kind: 'emulated' | 'physical';
  readonly role: string;
  readonly model: string;
  readonly firmware: string;
  readonly defects: readonly string[];
  readonly profile?: string;
  /** An emulated device behind an IPv6-only access service (underlay-dut.ts): its L2TPv3 inside an IPIP or MAP-E tunnel. */
  readonly underlay?: 'ipip' | 'map-e';
  readonly access?: PhysicalAccessFields;
}

export interface PhysicalTarget {
  readonly name: string;
  /** The inventory's model (the preflight checks the device says the same): picks the CLI tables' per-model rows. */
  readonly model: string;
  readonly ssh: { readonly host: string; readonly port: number; readonly user: string };
  readonly password: string;
  readonly adminPassword: string;
  readonly wan: { readonly address: string; readonly l2tpPort: number };
  readonly peerAddresses: readonly string[];
  readonly syslog: { readonly address: string; readonly port: number };
}

/** The device's access as the harness needs it, or a clear error naming the inventory and what is missing. */
export function physicalTarget(device: DeviceDescription, env: NodeJS.ProcessEnv = process.env): PhysicalTarget {
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
    model: device.model,
    ssh: { host: a.ssh.host, port: a.ssh.port, user: a.ssh.user },
    password, adminPassword,
    wan: a.wan, peerAddresses: a.harness.peerAddresses, syslog: a.harness.syslog,
  };
}

const login = (t: PhysicalTarget): SshLogin => ({ ...t.ssh, password: t.password, adminPassword: t.adminPassword, model: t.model });

/** An administrator CLI session on the device (close it in the test). */
export function physicalAdminCli(t: PhysicalTarget): Promise<CliSession> {
  return sshAdminCli(login(t));
}

/** The config driver's handle on the device; `log` gets each push, verify and restore line (masked again with the login passwords). */
export function physicalConfigDevice(t: PhysicalTarget, log: (line: string) => void): ConfigDevice {
  const secrets = [t.password, t.adminPassword];
  return {
    name: t.name, session: () => sshCliSession(login(t)), address: `${t.ssh.host}:${t.ssh.port}`,
    // a bench that already runs `l2tp service on`: off first, on last, as the oracle's prediction starts (issue 16)
    restartService: true,
    log: (line) => log(secrets.reduce((l, x) => (x ? l.split(x).join('***') : l), line)),
  };
}

/**
 * The harness address that plays a test's logical peer address: the i-th logical peer
 * (127.0.0.2 is the first) is the inventory's harness.peer_addresses[i].
 */
export function harnessPeerAddress(t: PhysicalTarget, logical: string | number): string {
  const i = typeof logical === 'number' ? logical : logicalPeerIndex(logical);
  if (i < 0) throw new PhysicalDeviceError(`peer address ${logical} is not one of the suites' logical peers (127.0.0.2 and up)`);
  if (i >= t.peerAddresses.length) throw new LabTooSmall(`this test needs ${i + 1} harness peer address(es); the inventory's harness.peer_addresses has ${t.peerAddresses.length}`);
  return t.peerAddresses[i];
}

/** The lines pushed to a physical device: the device keeps its own credentials (never pushed). */
export function pushableLines(config: string): string[] {
  return config.split('\n').filter((l) => l.trim() !== '' && !CREDENTIAL_COMMANDS.some((c) => l.trim().startsWith(`${c} `)));
}
