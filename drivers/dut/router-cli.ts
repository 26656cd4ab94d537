// The router's CLI over SSH, the way an operator (and the hardware lab) drives it: drivers/cli
// CliSession on the emulated router's SSH port (its `{"ready":...}` line). SSH needs a named user
// (facts §3.1), so a lab that uses the CLI adds `cliLoginLines()` to its config.
import { CliSession } from '../../drivers/cli/session.ts';
import { SshTransport } from '../../drivers/cli/transports/ssh.ts';
import type { Duplex } from 'node:stream';
import type { RouterProcess } from './router-process.ts';

// Throwaway lab credentials of the emulated router (never a real device's).
const CLI_USER = 'suite';
const CLI_PASSWORD = 'suite-login-pw-41';
const ADMIN_PASSWORD = 'suite-admin-pw-41';

/** The secrets a transcript or attachment must not show. */
export const CLI_SECRETS: readonly string[] = [CLI_PASSWORD, ADMIN_PASSWORD];

/**
 * Config lines that let the suite log in over SSH and become administrator, with English
 * messages (the oracle's error texts are the `en` ones) and no pager (`show` output in one piece).
 */
export function cliLoginLines(): string[] {
  return ['console character en.ascii', 'console lines infinity', `login user ${CLI_USER} ${CLI_PASSWORD}`, `administrator password ${ADMIN_PASSWORD}`];
}

export interface SshLogin {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly adminPassword: string;
  /** The device's model: the CLI tables' per-model rows for it apply (drivers/cli/model-overrides.ts). */
  readonly model?: string;
  /** Opens the TCP connection itself (a router inside a namespace lab); default: host:port from here. */
  readonly connectSocket?: () => Promise<Duplex>;
}

/** A not yet connected CLI session over SSH (`save` prompts answered N: the suites never save by accident). */
export function sshCliSession(l: SshLogin): CliSession {
  return new CliSession({
    transport: () => new SshTransport({ host: l.host, port: l.port, username: l.user, password: l.password, ...(l.connectSocket ? { connectSocket: l.connectSocket } : {}) }),
    credentials: { password: l.password, adminPassword: l.adminPassword },
    saveAnswer: 'N',
    ...(l.model !== undefined ? { model: l.model } : {}),
  });
}

/** Opens an administrator CLI session over SSH (close it in the test). */
export async function sshAdminCli(l: SshLogin): Promise<CliSession> {
  const s = sshCliSession(l);
  await s.connect();
  await s.administrator();
  return s;
}

/** Opens an administrator CLI session on the emulated router (close it in the test). */
export function adminCli(router: RouterProcess, connect?: (host: string, port: number) => Promise<Duplex>): Promise<CliSession> {
  const ssh = (router.ready as { ssh?: { host: string; port: number } }).ssh;
  if (ssh === undefined) throw new Error('the router reported no SSH address in its ready line');
  return sshAdminCli({
    host: ssh.host, port: ssh.port, user: CLI_USER, password: CLI_PASSWORD, adminPassword: ADMIN_PASSWORD, model: (router.ready as { model?: string }).model,
    ...(connect ? { connectSocket: () => connect(ssh.host, ssh.port) } : {}),
  });
}
