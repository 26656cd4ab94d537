// Issue 6 point 1: the real OpenSSH client logs in to an emulated router, runs `administrator`,
// `show config` and a config change, and the change is visible in `show config`.
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryDevice } from '../../../reference-impl/router/memory-device.ts';
import { startSshServer, type RunningSshServer } from '../../../reference-impl/router/ssh-server.ts';
import { ConsoleTranscript } from './console-transcript.ts';

const SSH = '/usr/bin/ssh';
const USER_PASSWORD = 'userpw-7';
const ADMIN_PASSWORD = 'adminpw-7';
const CONFIG = [
  'console character en.ascii',
  `login user yamaha ${USER_PASSWORD}`,
  `administrator password ${ADMIN_PASSWORD}`,
  'bridge member bridge1 lan1 tunnel1',
  'tunnel select 1',
  ' tunnel encapsulation l2tpv3-raw',
  ' tunnel endpoint address 192.0.2.1 192.0.2.2',
  ' tunnel enable 1',
  'l2tp service on l2tpv3',
  '',
].join('\n');

test.skip(!existsSync(SSH), `${SSH} (OpenSSH client) is not installed`);

let server: RunningSshServer;
let device: MemoryDevice;
let dir: string;
const clients: ChildProcessWithoutNullStreams[] = [];

test.beforeEach(async () => {
  device = new MemoryDevice({ model: 'RTX1210', firmware: '14.01.26', config: CONFIG });
  server = await startSshServer({ device });
  dir = mkdtempSync(join(tmpdir(), 'routercli-ssh-'));
});

test.afterEach(async () => {
  for (const c of clients.splice(0)) if (c.exitCode === null) c.kill('SIGTERM');
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** OpenSSH with the password given through SSH_ASKPASS (no sshpass on this machine). */
function ssh(password: string, extra: string[]): { child: ChildProcessWithoutNullStreams; out: ConsoleTranscript; exit: Promise<number> } {
  const askpass = join(dir, `askpass-${clients.length}.sh`);
  writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${password}'\n`, { mode: 0o700 });
  const child = spawn(
    SSH,
    [
      '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null',
      '-o', 'PubkeyAuthentication=no',
      '-o', 'PreferredAuthentications=password',
      '-o', 'NumberOfPasswordPrompts=1',
      '-o', 'LogLevel=ERROR',
      '-p', String(server.port),
      ...extra,
    ],
    { env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: '' } },
  );
  clients.push(child);
  const out = new ConsoleTranscript();
  child.stdout.on('data', (b: Buffer) => out.push(new Uint8Array(b)));
  child.stderr.on('data', (b: Buffer) => out.push(new Uint8Array(b)));
  const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, out, exit };
}

test('OpenSSH logs in, administrator, show config, a change, and the change is in show config', async () => {
  const { child, out, exit } = ssh(USER_PASSWORD, ['-tt', 'yamaha@127.0.0.1']);
  const send = (line: string) => child.stdin.write(line + '\r');

  expect(await out.waitFor(/RTX1210 Rev\.14\.01\.26[^\r]*\r\n[\s\S]*> $/, 15_000)).toContain('RTX1210 Rev.14.01.26');
  send('administrator');
  await out.waitFor(/administrator\r\nPassword: $/);
  send(ADMIN_PASSWORD);
  await out.waitFor(/\r\n# $/);
  send('console lines infinity');
  await out.waitFor(/\r\n# $/);

  send('show config');
  const before = await out.waitFor(/\r\n# $/);
  expect(before).toContain('# RTX1210 Rev.14.01.26');
  expect(before).toContain('\r\ntunnel select 1\r\n tunnel encapsulation l2tpv3-raw\r\n');
  expect(before).not.toContain('l2tp hostname');

  send('tunnel select 1');
  await out.waitFor(/\r\ntunnel1# $/);
  send('l2tp hostname OSAKA-1');
  await out.waitFor(/l2tp hostname OSAKA-1\r\ntunnel1# $/);
  send('show config');
  const after = await out.waitFor(/\r\ntunnel1# $/);
  expect(after).toMatch(/\r\ntunnel select 1\r\n(?: [^\r\n]*\r\n)* l2tp hostname OSAKA-1\r\n/);
  for (const secret of [USER_PASSWORD, ADMIN_PASSWORD]) expect(after).not.toContain(secret);

  send('quit');
  await out.waitFor(/Save new configuration \? \(Y\/N\)$/);
  send('Y');
  await out.waitFor(/\r\n> $/);
  send('quit');
  expect(await exit).toBe(0);
  expect(device.savedConfigText()).toContain(' l2tp hostname OSAKA-1\n');
  expect(device.logEntries().map((e) => e.text)).toEqual(
    expect.arrayContaining(['Login succeeded for SSH: yamaha@127.0.0.1', "'administrator' succeeded for SSH user", 'Logout from SSH']),
  );
});

test('ssh with a command runs it once (exec) and prints its output', async () => {
  const { out, exit } = ssh(USER_PASSWORD, ['yamaha@127.0.0.1', 'show', 'status', 'l2tp']);
  expect(await exit).toBe(0);
  expect(out.all).toContain('TUNNEL[1]:\r\n');
  expect(out.all).toContain('Remote address: 192.0.2.2\r\n');
});

test('a wrong password is refused by the SSH layer (Permission denied)', async () => {
  const { out, exit } = ssh('not-it', ['yamaha@127.0.0.1', 'show', 'config']);
  expect(await exit).toBe(255);
  expect(out.all).toContain('Permission denied');
  expect(device.logEntries().some((e) => e.text.includes('not-it'))).toBe(false);
});

test('two sessions at once: a change made in one shows in the other', async () => {
  const a = ssh(USER_PASSWORD, ['-tt', 'yamaha@127.0.0.1']);
  const b = ssh(USER_PASSWORD, ['-tt', 'yamaha@127.0.0.1']);
  await a.out.waitFor(/> $/, 15_000);
  await b.out.waitFor(/> $/, 15_000);
  expect(server.openSessions()).toBe(2);
  a.child.stdin.write('administrator\r');
  await a.out.waitFor(/Password: $/);
  a.child.stdin.write(ADMIN_PASSWORD + '\r');
  await a.out.waitFor(/# $/);
  a.child.stdin.write('ip lan2 address 198.51.100.2/24\r');
  await a.out.waitFor(/\r\n# $/);
  b.child.stdin.write('console lines infinity\r');
  await b.out.waitFor(/\r\n> $/);
  b.child.stdin.write('show config\r');
  expect(await b.out.waitFor(/\r\n> $/)).toContain('\r\nip lan2 address 198.51.100.2/24\r\n');
  for (const c of [a, b]) c.child.stdin.write('quit\r');
  a.child.stdin.write('N\rquit\r');
  expect(await b.exit).toBe(0);
  expect(await a.exit).toBe(0);
});
