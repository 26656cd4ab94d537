// Driver tests against the emulated router (issue 8, "What must be shown" 1): the router runs as
// its own process (`router` subcommand), drivers/ talk to it over SSH and over its console pty
// exactly as they would to a physical RTX. Only facts-level expectations: prompts `>`/`#`
// (facts §3.2), `Error:` lines (§3.1), `show config` indentation (§3.4).

import { freeUdpPort } from '../../../drivers/dut/router-process.ts';
import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliSession } from '../../../drivers/cli/session.ts';
import { CliCommandError } from '../../../drivers/cli/errors.ts';
import { SshTransport } from '../../../drivers/cli/transports/ssh.ts';
import { SerialTransport } from '../../../drivers/cli/transports/serial.ts';
import { Redactor } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../drivers/transcript/transcript.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SECRETS = { user: 'emu-user-pw1', admin: 'emu-admin-pw1', auth: 'emuTunnelAuth9', psk: 'emuPsk-77' };
const CONFIG = [
  'console character en.ascii',
  `login user yamaha ${SECRETS.user}`,
  `administrator password ${SECRETS.admin}`,
  'bridge member bridge1 lan1 tunnel1',
  'tunnel select 1',
  ' tunnel encapsulation l2tpv3-raw',
  ' tunnel endpoint address 192.0.2.1 192.0.2.2',
  ' tunnel enable 1',
  'l2tp service on l2tpv3',
  '',
].join('\n');

interface Ready {
  ssh: { host: string; port: number };
  consolePty?: string;
}

let child: ChildProcess | undefined;
let dir: string;
let ready: Ready;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drivercli-emu-'));
  writeFileSync(join(dir, 'rt.conf'), CONFIG);
  const argv = ['--model', 'RTX1210', '--firmware', '14.01.26', '--config', join(dir, 'rt.conf'), '--ssh', '127.0.0.1:0', '--l2tp-port', String(await freeUdpPort()), '--console-pty', join(dir, 'console')]; // each worker runs its own beforeAll router: its own port
  child = spawn(process.execPath, [join(ROOT, 'bin', 'run-ts.mjs'), join(ROOT, 'tests', 'drivers', 'cli', 'helpers', 'run-router.ts'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  ready = await new Promise<Ready>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`router not ready after 20 s; stderr: ${err.slice(-500)}`)), 20_000);
    child!.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: Ready }).ready);
      }
    });
    child!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router exited (${code}); stderr: ${err.slice(-500)}`));
    });
  });
});

test.afterAll(() => {
  if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

function sshSession(): { s: CliSession; transcript: TranscriptRecorder } {
  const redactor = new Redactor();
  const transcript = new TranscriptRecorder({ redactor });
  const s = new CliSession({
    transport: () => new SshTransport({ host: ready.ssh.host, port: ready.ssh.port, username: 'yamaha', password: SECRETS.user }),
    credentials: { password: SECRETS.user, adminPassword: SECRETS.admin },
    redactor,
    transcript,
  });
  return { s, transcript };
}

test('over SSH: login, learned prompt, administrator, tunnel context, configure, show config, errors', async () => {
  const { s, transcript } = sshSession();
  await s.connect();
  expect(s.state).toBe('user');
  // no `console prompt` in the config: the default prompt `> ` (facts §3.2)
  expect(s.prompt).toEqual({ prefix: '', suffix: ' ' });
  await s.administrator();
  expect(s.state).toBe('administrator');
  await s.configure(['tunnel select 1', `l2tp tunnel auth on ${SECRETS.auth}`, 'l2tp hostname drivercli']);
  expect(s.tunnel).toBe(1);
  expect(s.state).toBe('tunnel');
  await s.run('tunnel select none');
  await s.configure([`ipsec ike pre-shared-key 1 text ${SECRETS.psk}`]);
  // CR §16.4: keepalive interval is 1..600
  const err = await s.configure(['tunnel select 1', 'l2tp keepalive use on 9999']).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CliCommandError);
  expect((err as CliCommandError).command).toBe('l2tp keepalive use on 9999');
  expect((err as CliCommandError).errorLines[0]).toMatch(/^Error: /);
  await s.run('tunnel select none');
  const config = await s.showConfig();
  // facts §3.4: commands inside `tunnel select N` are indented one space
  expect(config).toContain('\n l2tp hostname drivercli\n');
  expect(config).toContain('tunnel select 1\n');
  await s.close();
  const text = transcript.toJsonLines();
  for (const v of Object.values(SECRETS)) expect(text).not.toContain(v);
});

test('over the console pty: login as the named user, a command, administrator', async () => {
  test.skip(!ready.consolePty, 'the router did not report a console pty path in its ready line (--console-pty)');
  const s = new CliSession({
    transport: () => new SerialTransport({ path: ready.consolePty! }),
    credentials: { username: 'yamaha', password: SECRETS.user, adminPassword: SECRETS.admin },
    timeouts: { loginNudgeMs: 1_000 },
  });
  await s.connect();
  await s.administrator();
  expect(s.state).toBe('administrator');
  expect(await s.showConfig()).toContain('l2tp service on l2tpv3\n');
  await s.close();
});
