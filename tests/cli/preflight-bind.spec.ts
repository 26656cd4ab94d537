// The preflight's harness-address check (drivers/preflight/bind-check.ts): an address of this host
// binds; one in use or not on this host is one line saying which and why.
import { test, expect } from '@playwright/test';
import { createSocket } from 'node:dgram';
import { checkUdpBind } from '../../drivers/preflight/bind-check.ts';

test('a free loopback port binds (and is released again)', async () => {
  expect(await checkUdpBind({ address: '127.0.0.1', port: 0, what: 'syslog collector' })).toBeUndefined();
});

test('a port in use, and an address not on this host, are said with the role of the address', async () => {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  try {
    const port = s.address().port;
    expect(await checkUdpBind({ address: '127.0.0.1', port, what: 'syslog collector' })).toBe(`syslog collector cannot bind 127.0.0.1:${port}: 127.0.0.1:${port} is in use by another process (another run, a syslog daemon)`);
  } finally {
    s.close();
  }
  expect(await checkUdpBind({ address: '192.0.2.1', port: 5514, what: 'tester peer' })).toBe('tester peer cannot bind 192.0.2.1:5514: 192.0.2.1 is not an address of this host (ip address show)');
});
