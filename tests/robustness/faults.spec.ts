// Issue 17 point 6, faults (the SIGINT and full-filesystem ones are the CLI's, tests/cli):
// (a) an emulated router process killed (SIGKILL) in the middle of a test: the harness side gets a
//     clear error naming the transport, within a bound, and no process is left behind;
// (b) the SSH connection dropped in the middle of a config push (drivers/config/push.ts): the error
//     says which command was cut off, the journal keeps the snapshot, and the device is rolled back
//     from it — at once when the connection comes back, or by the next run when it does not.
// Everything runs on loopback with ordinary processes: nothing here needs root.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../../drivers/cli/errors.ts';
import { journalPath, readJournal } from '../../drivers/config/journal.ts';
import { ConfigPush, ConfigPushInterruptedError, recoverDevice } from '../../drivers/config/push.ts';
import { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { labDown, labUp } from '../../drivers/lab/index.ts';
import { isOurProcess } from '../../drivers/lab/lab-state.ts';
import { routerConfig, LAB_IDS } from '../../drivers/dut/lab-config.ts';
import { adminCli, cliLoginLines } from '../../drivers/dut/router-cli.ts';
import { freeUdpPort, RouterProcess } from '../../drivers/dut/router-process.ts';
import { SyslogListener } from '../../drivers/dut/syslog-listener.ts';
import { sshSession, startEmulatedRouter, type EmulatedRouter } from '../drivers/config/helpers/emulated-router.ts';
import { BASE_CONFIG, blockLines, LOGIN, routerDevice, SECRETS } from '../drivers/config/helpers/lab.ts';
import { CuttingProxy } from './cutting-proxy.ts';

/** Processes whose parent is this test process and whose command line mentions `needle` (orphans would be re-parented, so also any process at all). */
function processesMentioning(needle: string): { pid: number; ppid: number }[] {
  const out: { pid: number; ppid: number }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmd.includes(needle)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state[0] === 'Z') continue; // a zombie is already dead (its parent reaps it)
      out.push({ pid: Number(d), ppid: Number(state[1]) });
    } catch {
      /* the process ended while we looked */
    }
  }
  return out;
}

/** Resolves once `pid` is no longer alive (bounded; /proc polled: it is not our child to await). */
async function gone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; value?: T; error?: Error }> {
  const t0 = Date.now();
  try {
    return { ms: Date.now() - t0, value: await p };
  } catch (e) {
    return { ms: Date.now() - t0, error: e as Error };
  }
}

test.describe('(a) a router process killed mid-test', () => {
  test('SIGKILL under an open CLI session and an established tunnel: clear transport errors within bounds, nothing left running', async () => {
    test.setTimeout(60_000);
    const syslog = await SyslogListener.open();
    const port = await freeUdpPort();
    const config = routerConfig([{ n: 1, peer: '127.0.0.2' }], syslog.port, { extra: cliLoginLines() });
    const router = await RouterProcess.start({ model: 'RTX1210', firmware: '14.01.26', config, wan: '127.0.0.1', l2tpPort: port });
    const peer = new PeerTunnel({ local: { host: '127.0.0.2', port }, device: { host: '127.0.0.1', port }, role: 'initiator', routerId: LAB_IDS.peerRouterId, endId: LAB_IDS.endId });
    try {
      await peer.start();
      await peer.established();
      const cli = await adminCli(router);
      expect((await cli.run('show status l2tp')).lines.join('\n')).toContain('127.0.0.2');
      // the router's process: ours (a child of this test), found by its config file
      const procs = processesMentioning(router.configFile);
      expect(procs.map((p) => p.ppid)).toEqual([process.pid]);
      const pid = procs[0].pid;

      process.kill(pid, 'SIGKILL'); // mid-test: a session open, a tunnel up
      expect(await gone(pid, 5000)).toBe(true);

      // the harness side: the next command fails within its bound, saying the transport went away
      const r = await timed(cli.run('show status l2tp'));
      expect(r.error, 'a command to a dead router must fail').toBeInstanceOf(CliError);
      expect(r.error!.message).toMatch(/ssh|transport|connect/i);
      expect(r.error!.message).not.toMatch(/^\s+at /m); // a message, not a stack trace
      expect(r.ms).toBeLessThan(20_000);
      // a new session is refused as clearly, and as fast
      const again = await timed(adminCli(router));
      expect(again.error).toBeInstanceOf(Error);
      expect(again.error!.message).toMatch(/ECONNREFUSED|refused|closed/i);
      await cli.close().catch(() => undefined);
    } finally {
      await peer.close({ silent: true });
      // stopping a router that is already dead returns at once, and leaves nothing behind
      const stop = await timed(router.stop());
      expect(stop.ms).toBeLessThan(2000);
      syslog.close();
    }
    expect(processesMentioning(router.configFile)).toEqual([]);
    expect(existsSync(path.dirname(router.configFile))).toBe(false);
  });

  test('SIGKILL of one router of a running lab: lab down says which one was gone, stops the other, leaves no process', async () => {
    test.setTimeout(120_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'robustness-lab-'));
    const stateFile = path.join(dir, 'lab.json');
    const state = await labUp('topologies/seed/ex1-two-sites.yaml', { stateFile, mode: 'loopback' });
    try {
      const routers = state.processes.filter((p) => p.role.includes('rt'));
      expect(routers.length).toBeGreaterThanOrEqual(2);
      const victim = routers[0];
      process.kill(victim.pid, 'SIGKILL');
      expect(await gone(victim.pid, 5000)).toBe(true);
      expect(isOurProcess(victim)).toBe(false);
      const lines: string[] = [];
      const down = await timed(labDown(state, { stateFile, log: (l) => lines.push(l) }));
      expect(down.error).toBeUndefined();
      expect(down.ms).toBeLessThan(20_000);
      const byPid = new Map(down.value!.processes.map((p) => [p.pid, p.result]));
      expect(byPid.get(victim.pid)).toBe('gone');
      for (const p of state.processes.filter((x) => x.pid !== victim.pid)) expect(['terminated', 'killed']).toContain(byPid.get(p.pid));
      expect(lines.join('\n')).toContain(`${victim.role} (pid ${victim.pid}): gone`);
      for (const p of state.processes) expect(isOurProcess(p), `${p.role} pid ${p.pid}`).toBe(false);
      expect(existsSync(state.tempDir)).toBe(false);
    } finally {
      if (state.processes.some(isOurProcess)) await labDown(state, { stateFile });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('(b) the SSH connection dropped mid-push', () => {
  // a change in two tunnels and a global line: several commands, so the cut lands between them
  const PUSH = ['tunnel select 1', ' l2tp hostname cut-1', ' no l2tp keepalive use', 'tunnel select 2', ' l2tp hostname cut-2', 'tunnel select none', 'syslog host 192.0.2.77'];
  let router: EmulatedRouter;
  let dir: string;

  test.beforeAll(async () => {
    router = await startEmulatedRouter(BASE_CONFIG, 'robustness-push');
    dir = mkdtempSync(path.join(tmpdir(), 'robustness-push-'));
  });
  test.afterAll(() => {
    router?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function showConfig(): Promise<string[]> {
    const s = sshSession(router, LOGIN);
    await s.connect();
    try {
      return blockLines(await s.showConfig());
    } finally {
      await s.close();
    }
  }

  test('the network stays down: the push fails saying how far it got, the journal keeps the snapshot, the next run restores the device', async () => {
    test.setTimeout(90_000);
    const original = await showConfig();
    const proxy = await CuttingProxy.start({ host: router.host, port: router.port });
    const journalDir = path.join(dir, 'down');
    const logs: string[] = [];
    try {
      const device = routerDevice({ host: '127.0.0.1', port: proxy.port }, 'rt-cut-down');
      const r = await timed(ConfigPush.apply(device, PUSH, {
        journalDir, log: (l) => logs.push(l),
        // after the second acknowledged command, cut the connection 3 bytes into the next one
        afterCommand: (n) => (n === 2 ? proxy.cutAfter(3, true) : undefined),
      }));
      expect(proxy.cuts).toBe(1);
      // the error says what happened: how far the push got, that the device could not be rolled back, where the journal is
      expect(r.error, 'the push must fail').toBeInstanceOf(ConfigPushInterruptedError);
      const e = r.error as ConfigPushInterruptedError;
      expect([e.applied, e.rolledBack]).toEqual([2, false]);
      expect(e.message).toMatch(/^rt-cut-down: push interrupted after 2 of \d+ command\(s\) \(.*(ssh|connection).*\); the rollback could not run either: the journal .*rt-cut-down\.rollback\.json is kept and the next run restores the device from it$/);
      expect(e.cause).toBeInstanceOf(CliError);
      expect(r.ms).toBeLessThan(60_000);
      // the rollback over the dead connection could not run: said so, journal kept
      expect(logs.join('\n')).toContain('rollback after a failed push failed (journal kept)');
      const j = readJournal(journalDir, 'rt-cut-down');
      // the failed rollback attempt is recorded in the journal; its snapshot and count stay
      expect(j?.state).toBe('rolling-back');
      expect(j?.applied).toBe(2);
      expect(await showConfig()).not.toEqual(original); // the device is half-changed ...

      // ... until the next run, over a working connection, restores it from the journal
      proxy.up();
      const recovered: string[] = [];
      expect(await recoverDevice(routerDevice({ host: '127.0.0.1', port: proxy.port }, 'rt-cut-down'), journalDir, (l) => recovered.push(l))).toBe(true);
      expect(recovered[0]).toMatch(/journal left by pid \d+ .*\(rolling-back, 2\/\d+ applied\): restoring/);
      expect(await showConfig()).toEqual(original);
      expect(existsSync(journalPath(journalDir, 'rt-cut-down'))).toBe(false);
    } finally {
      await proxy.close();
    }
    for (const t of logs) for (const v of Object.values(SECRETS)) expect(t).not.toContain(v);
  });

  test('the connection comes back at once: the push fails as interrupted and the device is rolled back from the journal in the same run', async () => {
    test.setTimeout(90_000);
    const original = await showConfig();
    const proxy = await CuttingProxy.start({ host: router.host, port: router.port });
    const journalDir = path.join(dir, 'flap');
    const logs: string[] = [];
    try {
      const device = routerDevice({ host: '127.0.0.1', port: proxy.port }, 'rt-cut-flap');
      const r = await timed(ConfigPush.apply(device, PUSH, { journalDir, log: (l) => logs.push(l), afterCommand: (n) => (n === 2 ? proxy.cutAfter(3, false) : undefined) }));
      expect(proxy.cuts).toBe(1);
      expect(r.error).toBeInstanceOf(ConfigPushInterruptedError);
      const e = r.error as ConfigPushInterruptedError;
      expect([e.applied, e.rolledBack]).toEqual([2, true]);
      expect(e.message).toMatch(/^rt-cut-flap: push interrupted after 2 of \d+ command\(s\) \(connection dropped while running '.+'.*\); the device was rolled back from the journal$/);
      expect(logs.some((l) => l.includes('rollback:'))).toBe(true);
      expect(await showConfig()).toEqual(original);
      expect(existsSync(journalPath(journalDir, 'rt-cut-flap'))).toBe(false);
      // nothing left to do for the next run
      expect(await recoverDevice(device, journalDir)).toBe(false);
    } finally {
      await proxy.close();
    }
    for (const t of logs) for (const v of Object.values(SECRETS)) expect(t).not.toContain(v);
  });
});
