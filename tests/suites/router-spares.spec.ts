// The suites' routers and warm spares (drivers/dut/router-process.ts, drivers/lab/router-spare.ts):
// outside a process that asked for spares a router starts cold, its arguments on its command line
// (tests that find a router by its config file rely on it); after useRouterSpares() the second
// router of the process is a spare that waited (`--args-from-stdin`), and it is the router asked for.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { freeUdpPort, RouterProcess, stopRouterSpares, useRouterSpares } from '../../drivers/dut/router-process.ts';
import { routerSpares } from '../../drivers/lab/router-spare.ts';

const CONFIG = 'ip bridge1 address 192.168.100.1/24\nl2tp service on l2tpv3\n';
const cmdline = (pid: number | undefined) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
const start = async () => RouterProcess.start({ model: 'RTX1210', firmware: '14.01.26', config: CONFIG, wan: '127.0.0.1', l2tpPort: await freeUdpPort() });

test('cold by default: the router\'s arguments are on its command line', async () => {
  const r = await start();
  try {
    expect(cmdline(r.pid)).toContain(r.configFile);
    expect(cmdline(r.pid)).not.toContain('--args-from-stdin');
  } finally {
    await r.stop();
  }
});

test('with useRouterSpares(): the next router is the spare that waited, running the config it was handed', async () => {
  useRouterSpares();
  try {
    const first = await start();
    await first.stop();
    const spare = routerSpares().waiting;
    expect(spare?.pid).toBeDefined();
    const second = await start();
    try {
      expect(second.pid).toBe(spare!.pid);
      expect(cmdline(second.pid)).toContain('--args-from-stdin');
      expect(second.ready).toMatchObject({ model: 'RTX1210', firmware: '14.01.26' });
      expect(readFileSync(second.configFile, 'utf8')).toBe(CONFIG);
      expect(routerSpares().starts.warm).toBe(1);
    } finally {
      await second.stop();
    }
    // the worker's teardown ends the spare waiting behind the second router
    const behind = routerSpares().waiting!;
    await stopRouterSpares();
    expect(behind.exitCode ?? behind.signalCode).not.toBeNull();
  } finally {
    await stopRouterSpares();
  }
});
