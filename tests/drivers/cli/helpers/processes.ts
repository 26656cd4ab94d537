// Child processes for driver tests: a real OpenSSH server and a socat pty pair, each running
// the RTX-style test shell (fixtures/rtx_shell.py). Every wait is bounded; every process is
// killed by its pid.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHELL_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rtx_shell.py');
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const SSHD = '/usr/sbin/sshd';

export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Wait (bounded) for a line on the child's stderr/stdout matching the pattern. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`${what}: not ready after ${timeoutMs} ms; output: ${seen.slice(-500)}`)), timeoutMs);
    const onData = (b: Buffer) => {
      seen += b.toString();
      if (pattern.test(seen)) done();
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (${code}) before ready; output: ${seen.slice(-500)}`));
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

export interface ShellArgs {
  login?: 'none' | 'password' | 'user';
  waitEnter?: boolean;
  prompt?: string;
  loginPassword?: string;
  username?: string;
  userPassword?: string;
  adminPassword?: string;
  seed?: number;
  asyncRate?: number;
}

export function shellArgv(a: ShellArgs): string[] {
  const argv = [SHELL_SCRIPT, '--login', a.login ?? 'none', '--seed', String(a.seed ?? 1), '--async-rate', String(a.asyncRate ?? 0.3)];
  if (a.waitEnter) argv.push('--wait-enter');
  if (a.prompt !== undefined) argv.push('--prompt', a.prompt);
  if (a.loginPassword) argv.push('--login-password', a.loginPassword);
  if (a.username) argv.push('--username', a.username);
  if (a.userPassword) argv.push('--user-password', a.userPassword);
  if (a.adminPassword) argv.push('--admin-password', a.adminPassword);
  return argv;
}

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface SshdHandle {
  port: number;
  dir: string;
  privateKey: Buffer;
  hostKeySha256: string;
  stop(): void;
}

/** A real sshd on 127.0.0.1 whose only command is the RTX-style shell; key auth as root. */
export async function startSshd(shell: ShellArgs): Promise<SshdHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'drivercli-sshd-'));
  const keygen = (file: string) => {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
    if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  };
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'client_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')));
  // sshd running as root needs its privilege-separation directory
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755, recursive: true });
  const port = await freePort();
  const command = [PYTHON, ...shellArgv(shell)].map(shq).join(' ');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress 127.0.0.1`,
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PrintMotd no',
      'PrintLastLog no',
      `ForceCommand ${command}`,
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config'), '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForOutput(child, /Server listening on 127\.0\.0\.1 port/, 10_000, 'sshd');
  const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_ed25519.pub')]).stdout.toString();
  // ssh-keygen prints base64 SHA256; ssh2's verifier gets the raw key, hashed to hex by the transport
  const b64 = /SHA256:(\S+)/.exec(fp)![1];
  const hostKeySha256 = Buffer.from(b64 + '='.repeat((4 - (b64.length % 4)) % 4), 'base64').toString('hex');
  return {
    port,
    dir,
    privateKey: readFileSync(join(dir, 'client_ed25519')),
    hostKeySha256,
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PtyHandle {
  /** the device path the serial transport opens */
  path: string;
  stop(): void;
}

/** A real pty pair by socat: one end is `path`, the other runs the RTX-style shell. */
export async function startPtyShell(shell: ShellArgs): Promise<PtyHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'drivercli-pty-'));
  const path = join(dir, 'ttyRTX');
  const exec = [PYTHON, ...shellArgv(shell)].join(' ');
  const child = spawn('socat', ['-d', '-d', `PTY,link=${path},rawer`, `EXEC:${exec},pty,setsid,ctty,rawer`], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForOutput(child, /starting data transfer loop/, 10_000, 'socat');
  return {
    path,
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
