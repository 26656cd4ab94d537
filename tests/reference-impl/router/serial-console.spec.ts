// Issue 6 point 2: the same as point 1 over a real pty as a serial console: the serial login
// (`Password:`), `administrator`, `show config`, a config change visible in `show config`.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { MemoryDevice } from '../../../reference-impl/router/memory-device.ts';
import { startSerialConsole, type RunningSerialConsole } from '../../../reference-impl/router/serial-console.ts';
import { ConsoleTranscript } from './console-transcript.ts';

const LOGIN_PASSWORD = 'serial-login-3';
const ADMIN_PASSWORD = 'serial-admin-3';
const CONFIG = [
  'console character en.ascii',
  `login password ${LOGIN_PASSWORD}`,
  `administrator password ${ADMIN_PASSWORD}`,
  'tunnel select 1',
  ' tunnel encapsulation l2tpv3-raw',
  ' tunnel enable 1',
  'l2tp service on l2tpv3',
  '',
].join('\n');

const haveSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
test.skip(!haveSocat, 'socat is not installed (it makes the pty pair)');

let consolePort: RunningSerialConsole;
let device: MemoryDevice;
let port: SerialPort;
let out: ConsoleTranscript;

test.beforeEach(async () => {
  device = new MemoryDevice({ model: 'RTX830', firmware: '15.02.17', config: CONFIG });
  consolePort = await startSerialConsole({ device });
  // the user's side opens the pty like a terminal program: 9600 8N1 (facts §3.1)
  port = new SerialPort({ path: consolePort.userPath, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false });
  out = new ConsoleTranscript();
  port.on('data', (b: Buffer) => out.push(new Uint8Array(b)));
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
});

test.afterEach(async () => {
  if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  await consolePort.close();
  expect(existsSync(consolePort.userPath)).toBe(false);
});

const send = (line: string) => port.write(line + '\r');

test('serial login, administrator, show config, a change visible in show config, save', async () => {
  // facts §3.1: "If nothing appears, press Enter once"
  send('');
  await out.waitFor(/Password: $/);
  send(LOGIN_PASSWORD);
  expect(await out.waitFor(/\r\n> $/)).toContain('RTX830 Rev.15.02.17');
  send('administrator');
  await out.waitFor(/administrator\r\nPassword: $/);
  send(ADMIN_PASSWORD);
  await out.waitFor(/\r\n# $/);
  send('console lines infinity');
  await out.waitFor(/\r\n# $/);

  send('show config');
  const before = await out.waitFor(/\r\n# $/);
  expect(before).toContain('# RTX830 Rev.15.02.17');
  expect(before).not.toContain('l2tp remote end-id');

  send('tunnel select 1');
  await out.waitFor(/\r\ntunnel1# $/);
  send('l2tp remote end-id yamaha');
  await out.waitFor(/\r\ntunnel1# $/);
  send('show config');
  const after = await out.waitFor(/\r\ntunnel1# $/);
  expect(after).toMatch(/\r\ntunnel select 1\r\n(?: [^\r\n]*\r\n)* l2tp remote end-id yamaha\r\n/);

  send('save');
  await out.waitFor(/\r\ntunnel1# $/);
  expect(device.savedConfigText()).toContain(' l2tp remote end-id yamaha\n');
  send('quit');
  await out.waitFor(/\r\n> $/);
  // a second quit ends the session; the console asks for a new login
  send('quit');
  await out.waitFor(/Password: $/);

  for (const secret of [LOGIN_PASSWORD, ADMIN_PASSWORD]) expect(out.all).not.toContain(secret);
  expect(device.logEntries().map((e) => e.text)).toEqual(
    expect.arrayContaining(['Login succeeded for Serial', "'administrator' succeeded for Serial user", 'Configuration saved in "CONFIG0" by Serial', 'Logout from Serial']),
  );
});

test('a wrong serial password is refused and asked again; RTX830 refuses a second L2TPv3 tunnel', async () => {
  send('wrong-one');
  await out.waitFor(/Error: Incorrect password\r\nPassword: $/);
  send(LOGIN_PASSWORD);
  await out.waitFor(/\r\n> $/);
  send('administrator');
  await out.waitFor(/Password: $/);
  send(ADMIN_PASSWORD);
  await out.waitFor(/\r\n# $/);
  // seed support table: RTX830 runs at most 1 L2TPv3 tunnel
  send('tunnel select 2');
  await out.waitFor(/\r\ntunnel2# $/);
  send('tunnel encapsulation l2tpv3-raw');
  expect(await out.waitFor(/\r\ntunnel2# $/)).toContain('\r\nError: ');
  expect(device.configText()).not.toContain('tunnel select 2');
});
