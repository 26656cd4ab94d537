// Serial transport over a real pty pair made by socat (issue 8, "What must be shown" 1, the pty
// half): the RTX-style shell on the far end shows nothing until Enter, then `Password:`
// (yamaha-platform-facts.md §3.1), and the session logs in at 9600 8N1 Xon/Xoff.

import { test, expect } from '@playwright/test';
import { CliSession } from '../../../drivers/cli/session.ts';
import { CliCommandError, CliLoginError } from '../../../drivers/cli/errors.ts';
import { RTX_SERIAL_DEFAULTS, SerialTransport } from '../../../drivers/cli/transports/serial.ts';
import { Redactor } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../drivers/transcript/transcript.ts';
import { haveCommand, startPtyShell, type PtyHandle } from './helpers/processes.ts';

const LOGIN_PASSWORD = 'serial-login-pw';
const ADMIN_PASSWORD = 'serial-admin-pw';

test('serial defaults are the console settings of facts §3.1: 9600 bps, 8N1, Xon/Xoff', () => {
  expect(RTX_SERIAL_DEFAULTS).toEqual({ baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, xon: true, xoff: true });
  // 4800 is not a `set-serial-baudrate` value (facts §3.1)
  expect(() => new SerialTransport({ path: '/dev/null', baudRate: 4800 as 9600 })).toThrow(/baud rate 4800 is not one of 9600, 19200/);
});

test.describe('CLI session over a real pty (socat)', () => {
  test.skip(!haveCommand('socat'), 'socat is not installed');
  const handles: PtyHandle[] = [];
  test.afterAll(() => handles.forEach((h) => h.stop()));

  test('login with the login password after pressing Enter, commands, errors, administrator', async () => {
    const pty = await startPtyShell({ login: 'password', waitEnter: true, prompt: 'LAB-RTX', loginPassword: LOGIN_PASSWORD, adminPassword: ADMIN_PASSWORD, seed: 3 });
    handles.push(pty);
    const redactor = new Redactor();
    const transcript = new TranscriptRecorder({ redactor });
    const s = new CliSession({
      transport: () => new SerialTransport({ path: pty.path }),
      credentials: { password: LOGIN_PASSWORD, adminPassword: ADMIN_PASSWORD },
      redactor,
      transcript,
      timeouts: { loginNudgeMs: 400 },
    });
    await s.connect();
    expect(s.prompt).toEqual({ prefix: 'LAB-RTX', suffix: ' ' });
    const r = await s.run('show environment');
    expect(r.lines).toEqual(['show: show environment']);
    await expect(s.run('l2tp service on')).rejects.toBeInstanceOf(CliCommandError);
    await s.administrator();
    expect(s.state).toBe('administrator');
    const results = await s.configure(['l2tp service on l2tpv3', 'ipsec ike pre-shared-key 1 text pskSerial123']);
    expect(results.map((x) => x.errors)).toEqual([[], []]);
    const config = await s.showConfig();
    expect(config).toContain('ipsec ike pre-shared-key 1 text pskSerial123\n');
    await s.close();
    const text = transcript.toJsonLines();
    expect(text).toContain('Password: ');
    for (const secret of [LOGIN_PASSWORD, ADMIN_PASSWORD, 'pskSerial123']) expect(text).not.toContain(secret);
  });

  test('named user login: Enter at Password:, then Username: and the user password (facts §3.1)', async () => {
    const pty = await startPtyShell({ login: 'user', waitEnter: true, username: 'qa', userPassword: 'qa-user-pw', seed: 4 });
    handles.push(pty);
    const s = new CliSession({ transport: () => new SerialTransport({ path: pty.path }), credentials: { username: 'qa', password: 'qa-user-pw' }, timeouts: { loginNudgeMs: 400 } });
    await s.connect();
    expect(s.prompt).toEqual({ prefix: '', suffix: ' ' });
    expect((await s.run('show x')).lines).toEqual(['show: show x']);
    await s.close();
  });

  test('a refused login password is a CliLoginError that does not contain it', async () => {
    const pty = await startPtyShell({ login: 'password', waitEnter: true, loginPassword: 'right-one', seed: 5 });
    handles.push(pty);
    const s = new CliSession({ transport: () => new SerialTransport({ path: pty.path }), credentials: { password: 'wrong-one' }, timeouts: { loginNudgeMs: 400 } });
    const err = await s.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliLoginError);
    expect(String(err)).not.toContain('wrong-one');
    await s.close();
  });
});
