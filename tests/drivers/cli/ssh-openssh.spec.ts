// ssh2 interop with a real OpenSSH server (issue 8, "What must be shown" 2): sshd from Debian on
// a loopback port, whose login shell prints RTX-style prompts (fixtures/rtx_shell.py).
// Expected values come from yamaha-platform-facts.md §3 (prompts, echo, wrap, error lines).

import { test, expect } from '@playwright/test';
import { existsSync } from 'node:fs';
import { CliSession } from '../../../drivers/cli/session.ts';
import { CliCommandError, CliCommandInterruptedError, CliLoginError } from '../../../drivers/cli/errors.ts';
import { SshTransport } from '../../../drivers/cli/transports/ssh.ts';
import { Redactor } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../drivers/transcript/transcript.ts';
import { startSshd, SSHD, type SshdHandle } from './helpers/processes.ts';

const ADMIN_PASSWORD = 'adm1n-Secret!';
const isRoot = process.getuid?.() === 0;

test.describe('CLI session over SSH to OpenSSH', () => {
  test.skip(!isRoot, 'sshd must run as root to log in the test key as root without touching system users');
  test.skip(!existsSync(SSHD), `${SSHD} is not installed`);

  let sshd: SshdHandle;
  test.beforeAll(async () => {
    sshd = await startSshd({ prompt: '[RTX1210] ', adminPassword: ADMIN_PASSWORD, seed: 7, asyncRate: 0.5 });
  });
  test.afterAll(() => sshd?.stop());

  const session = (extra: Partial<ConstructorParameters<typeof CliSession>[0]> = {}) => {
    const redactor = new Redactor();
    const transcript = new TranscriptRecorder({ redactor });
    const s = new CliSession({
      transport: () => new SshTransport({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKeySha256: sshd.hostKeySha256 }),
      credentials: { adminPassword: ADMIN_PASSWORD },
      redactor,
      transcript,
      ...extra,
    });
    return { s, transcript, redactor };
  };

  test('logs in and learns the prompt from the device (facts §3.2: `[RTX1210] >`)', async () => {
    const { s } = session();
    await s.connect();
    expect(s.prompt).toEqual({ prefix: '[RTX1210] ', suffix: ' ' });
    expect(s.state).toBe('user');
    await s.close();
  });

  test('frames commands: echo stripped, async syslog lines taken out, wrapped lines joined', async () => {
    const { s } = session();
    await s.connect();
    let asyncSeen = 0;
    for (let i = 0; i < 8; i++) {
      const r = await s.run(`show status l2tp ${i}`);
      expect(r.lines).toEqual([`show: show status l2tp ${i}`]);
      for (const a of r.asyncLines) expect(a).toMatch(/^\[L2TP|^IP Tunnel\[/);
      asyncSeen += r.asyncLines.length;
    }
    // the shell prints syslog lines between output lines at random (seeded): some arrived
    expect(asyncSeen).toBeGreaterThan(0);
    // a 200-character line wrapped at 80 columns (facts §3.3) comes back whole
    const wide = await s.run('show wide');
    const letters = Array.from({ length: 190 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    expect(wide.lines).toEqual([`wide: ${letters} end`]);
    await s.close();
  });

  test('async lines after the prompt (not reprinted) still end the response', async () => {
    const { s } = session();
    await s.connect();
    const r = await s.run('show async-after-prompt');
    expect(r.lines).toEqual(['ok']);
    expect(r.asyncLines).toContain('[L2TPv3] TUNNEL[1] connected from 192.0.2.2');
    const next = await s.run('show next');
    expect(next.lines).toEqual(['show: show next']);
    await s.close();
  });

  test('error lines become CliCommandError carrying the command (facts §3.1 `Error:` / `エラー：`)', async () => {
    const { s } = session();
    await s.connect();
    const user = await s.run('ip lan1 address 192.168.0.1/24').catch((e: unknown) => e);
    expect(user).toBeInstanceOf(CliCommandError);
    expect((user as CliCommandError).command).toBe('ip lan1 address 192.168.0.1/24');
    expect((user as CliCommandError).errorLines).toEqual(['Error: Administrator use only']);
    await s.administrator();
    expect(s.state).toBe('administrator');
    const bogus = await s.run('bogus command').catch((e: unknown) => e);
    expect((bogus as CliCommandError).errorLines).toEqual(['Error: Invalid command name']);
    await s.run('console character ja.utf8');
    const ja = await s.run('bogus again').catch((e: unknown) => e);
    expect(ja).toBeInstanceOf(CliCommandError);
    expect((ja as CliCommandError).errorLines).toEqual(['エラー：コマンド名を確認してください']);
    await s.close();
  });

  test('administrator mode, tunnel context learned from the prompt, configure and show config', async () => {
    const { s, transcript } = session();
    await s.connect();
    await s.configure(['tunnel select 2', 'tunnel encapsulation l2tpv3', 'l2tp tunnel auth on tunnelPw#42']);
    expect(s.state).toBe('tunnel');
    expect(s.tunnel).toBe(2);
    await s.run('tunnel select none');
    expect(s.state).toBe('administrator');
    const config = await s.showConfig();
    expect(config).toContain('# main:  RTX830 ver=00 serial=S00000000 MAC-Address=ac:44:f2:00:00:01 MAC-Address=ac:44:f2:00:00:02\n');
    expect(config).toContain(' l2tp tunnel auth on tunnelPw#42\n');
    expect(config).not.toMatch(/\[L2TP/);
    // leaving admin mode with unsaved changes answers the save question with N (facts §3.1)
    await s.run('quit');
    expect(s.state).toBe('user');
    await s.close();
    const text = transcript.toJsonLines();
    expect(text).toContain('Save new configuration ? (Y/N)');
    expect(text).not.toContain('tunnelPw#42');
    expect(text).not.toContain(ADMIN_PASSWORD);
  });

  test('a wrong administrator password is a CliLoginError without the password in it', async () => {
    const { s } = session({ credentials: { adminPassword: 'not-the-one' } });
    await s.connect();
    const err = await s.administrator().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliLoginError);
    expect(String(err)).toContain('Incorrect password');
    expect(String(err)).not.toContain('not-the-one');
    await s.close();
  });

  test('reconnects after the device drops the connection', async () => {
    const { s, transcript } = session();
    await s.connect();
    await s.administrator();
    const err = await s.run('drop').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliCommandInterruptedError);
    // the session reconnected and restored administrator mode
    expect(s.state).toBe('administrator');
    const r = await s.run('show after drop');
    expect(r.lines).toEqual(['show: show after drop']);
    await s.close();
    expect(transcript.records().filter((x) => x.dir === 'event' && x.data.startsWith('open'))).toHaveLength(2);
  });

  test('a wrong host key is refused', async () => {
    const s = new CliSession({
      transport: () => new SshTransport({ host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKeySha256: '00'.repeat(32) }),
    });
    await expect(s.connect()).rejects.toThrow(/ssh root@127\.0\.0\.1/);
  });
});
