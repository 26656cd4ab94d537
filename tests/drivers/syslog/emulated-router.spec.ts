// The collector against the emulated router's syslog (issue 8, drivers/syslog): the router is
// configured with `syslog host 127.0.0.1:PORT` (the emulated router's HOST:PORT extension, so no
// root is needed for port 514), `syslog debug on` (facts §7: L2TP debug lines need it) and a
// tunnel with `l2tp syslog on`. Lines are the seed catalogue's (reference-impl/syslog).

import { test, expect } from '@playwright/test';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withConfig } from '../../../drivers/config/fixture.ts';
import { SyslogCollector, SyslogTimeoutError } from '../../../drivers/syslog/collector.ts';
import { renderSyslog, syslogPattern } from '../../../reference-impl/syslog/catalogue.ts';
import { sshSession, startEmulatedRouter, type EmulatedRouter } from '../config/helpers/emulated-router.ts';

const LOGIN = { user: 'yamaha', password: 'syslogUserPw-1', adminPassword: 'syslogAdminPw-2' };
let collector: SyslogCollector;
let router: EmulatedRouter;
let dir: string;
const DEVICE = 'rt-syslog';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  collector = await SyslogCollector.start();
  // the router sends from the loopback address; the stream is named after the device
  collector.name('127.0.0.1', DEVICE);
  const config = [
    'console character en.ascii',
    `login user yamaha ${LOGIN.password}`,
    `administrator password ${LOGIN.adminPassword}`,
    'tunnel select 1',
    ' tunnel encapsulation l2tpv3-raw',
    ' tunnel endpoint address 127.0.0.1 192.0.2.99',
    ' l2tp syslog on',
    ' tunnel enable 1',
    `syslog host ${collector.target}`,
    'syslog info on',
    'syslog debug on',
    'l2tp service on l2tpv3',
    '',
  ].join('\n');
  router = await startEmulatedRouter(config, 'drivers-syslog');
  dir = mkdtempSync(join(tmpdir(), 'drivers-syslog-'));
});

test.afterAll(async () => {
  router?.stop();
  await collector?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function sendToL2tpPort(bytes: Uint8Array): Promise<void> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve, reject) =>
    s.send(bytes, router.l2tpPort, '127.0.0.1', (e) => {
      s.close();
      if (e) reject(e);
      else resolve();
    }),
  );
}

test('the L2TP service start line arrives as INFO (severity 6)', async () => {
  const e = await collector.waitFor(DEVICE, syslogPattern('portOpened'), { timeoutMs: 10_000 });
  expect(e.message?.message).toBe(renderSyslog('portOpened'));
  expect(e.message?.severity).toBe(6);
});

test('a too-small L2TP packet gives the catalogue DEBUG line (severity 7) with `syslog debug on`', async () => {
  const since = collector.mark();
  await sendToL2tpPort(new Uint8Array([0xc8]));
  const e = await collector.waitFor(DEVICE, syslogPattern('tooSmallPacket'), { timeoutMs: 10_000, since });
  expect(e.message?.format).toBe('bare');
  expect(e.message?.severity).toBe(7);
  expect(collector.slice(DEVICE, since).every((x) => x.error === undefined)).toBe(true);
});

test('with `syslog debug off` pushed (and rolled back) the DEBUG line does not come; after rollback it does again', async () => {
  const device = { name: DEVICE, session: () => sshSession(router, LOGIN) };
  await withConfig(device, ['syslog debug off'], { journalDir: join(dir, 'journal') }, async () => {
    const since = collector.mark();
    await sendToL2tpPort(new Uint8Array([0xc8]));
    await expect(collector.waitFor(DEVICE, syslogPattern('tooSmallPacket'), { timeoutMs: 1_500, since })).rejects.toBeInstanceOf(SyslogTimeoutError);
  });
  const since = collector.mark();
  await sendToL2tpPort(new Uint8Array([0xc8]));
  await collector.waitFor(DEVICE, syslogPattern('tooSmallPacket'), { timeoutMs: 10_000, since });
});
