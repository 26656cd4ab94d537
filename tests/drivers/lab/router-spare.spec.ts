// Warm router spares (drivers/lab/router-spare.ts, `router --args-from-stdin`): a spare handed its
// arguments is the router those arguments start (same ready line, same refusal and exit code as a
// cold start); a spare never handed arguments ends when the pool closes or when its parent dies
// (its stdin closes); a spare that crashed while waiting is replaced, not handed the test.
import { test, expect } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RouterSparePool, SPARE_FLAG } from '../../../drivers/lab/router-spare.ts';
import { routerLaunch } from '../../../drivers/lab/router-launch.ts';
import { freeUdpPort } from '../../../drivers/dut/router-process.ts';

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'router-spare-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = 'ip bridge1 address 192.168.100.1/24\nl2tp service on l2tpv3\n';

async function routerArgs(config = CONFIG): Promise<string[]> {
  const cfg = path.join(dir, `r${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(cfg, config);
  return ['--model', 'RTX1210', '--firmware', '14.01.26', '--config', cfg, '--ssh', '127.0.0.1:0', '--wan', '127.0.0.1', '--l2tp-port', String(await freeUdpPort())];
}

/** Output until the ready line or the exit (bounded). */
function outcome(child: ChildProcess, timeoutMs = 20_000): Promise<{ ready?: Record<string, unknown>; code?: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const t = setTimeout(() => reject(new Error(`no ready line and no exit after ${timeoutMs} ms: ${out}${err}`)), timeoutMs);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(t);
        resolve({ ready: (JSON.parse(line) as { ready: Record<string, unknown> }).ready, stderr: err });
      }
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stderr: err });
    });
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

const exitOf = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve(c.exitCode) : new Promise<number | null>((r) => c.once('exit', (code) => r(code))));

test('a spare handed its arguments runs as that router; a new spare waits behind it', async () => {
  const pool = new RouterSparePool({ enabled: true });
  try {
    const first = await pool.start(await routerArgs()); // no spare yet: started with the arguments at once
    expect(pool.starts).toEqual({ warm: 0, cold: 1 });
    const spare = pool.waiting!;
    expect(spare.exitCode).toBeNull();
    const a = await outcome(first);
    expect(a.ready?.model).toBe('RTX1210');
    const second = await pool.start(await routerArgs());
    expect(second).toBe(spare); // the spare that waited
    expect(pool.starts).toEqual({ warm: 1, cold: 1 });
    const b = await outcome(second);
    expect(b.ready).toMatchObject({ model: 'RTX1210', firmware: '14.01.26' });
    expect(await stop(first)).toBe(0);
    expect(await stop(second)).toBe(0);
  } finally {
    await pool.close();
  }
});

test('a spare refuses a bad config exactly as a cold start does (exit 2, the same error line)', async () => {
  const args = await routerArgs('tunnel select 1\n tunnel encapsulation l2tpv3-raw\n tunnel endpoint address 127.0.0.1 999.1.1.1\n');
  const launch = await routerLaunch();
  const cold = spawnSync(launch.argv[0], [...launch.argv.slice(1), ...args], { encoding: 'utf8', timeout: 30_000 });
  expect(cold.status).toBe(2);
  const pool = new RouterSparePool({ enabled: true });
  try {
    await stop(await pool.start(await routerArgs())); // make a spare wait
    const warm = await outcome(await pool.start(args));
    expect(pool.starts.warm).toBe(1);
    expect(warm.ready).toBeUndefined();
    expect(warm.code).toBe(2);
    expect(warm.stderr).toBe(cold.stderr);
  } finally {
    await pool.close();
  }
});

test('a spare never handed arguments is ended by close() (its stdin closed: exit 0, nothing printed)', async () => {
  const pool = new RouterSparePool({ enabled: true });
  await stop(await pool.start(await routerArgs()));
  const spare = pool.waiting!;
  let printed = '';
  spare.stdout!.on('data', (b: Buffer) => (printed += b.toString()));
  spare.stderr!.on('data', (b: Buffer) => (printed += b.toString()));
  await pool.close();
  expect(await exitOf(spare)).toBe(0);
  expect(printed).toBe('');
  await expect(pool.start(await routerArgs())).rejects.toThrow('closed');
});

test('a spare that crashed while waiting is replaced, and the test gets a live router', async () => {
  const pool = new RouterSparePool({ enabled: true });
  try {
    await stop(await pool.start(await routerArgs()));
    const spare = pool.waiting!;
    spare.kill('SIGKILL');
    await exitOf(spare);
    const child = await pool.start(await routerArgs());
    expect(child).not.toBe(spare);
    expect(pool.replaced).toBe(1);
    expect((await outcome(child)).ready?.model).toBe('RTX1210');
    expect(await stop(child)).toBe(0);
  } finally {
    await pool.close();
  }
});

test('a spare outlives no killed parent: its stdin closes and it exits', async () => {
  const launch = await routerLaunch();
  // the parent: a node process holding a spare on a stdin pipe, as the pool does; then SIGKILLed
  const script = `const c = require('node:child_process').spawn(process.argv[1], JSON.parse(process.argv[2]), { stdio: ['pipe', 'ignore', 'ignore'] });
console.log('pid ' + c.pid); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script, launch.argv[0], JSON.stringify([...launch.argv.slice(1), SPARE_FLAG])], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await killedParentEndsSpare(parent);
  } finally {
    parent.kill('SIGKILL'); // whatever failed above, the parent (and so its spare) does not outlive the test
  }
});

test('a handed router outlives no killed parent: its stdin, still open after the arguments, closes and it stops itself', async () => {
  const launch = await routerLaunch();
  const args = await routerArgs();
  // the parent hands the spare its arguments as the pool does (one line, stdin kept open), waits for
  // the ready line, then is SIGKILLed without stopping the router
  const script = `const c = require('node:child_process').spawn(process.argv[1], JSON.parse(process.argv[2]), { stdio: ['pipe', 'pipe', 'ignore'] });
c.stdin.write(process.argv[3] + '\\n');
c.stdout.on('data', (b) => { if (String(b).includes('"ready"')) console.log('pid ' + c.pid); }); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script, launch.argv[0], JSON.stringify([...launch.argv.slice(1), SPARE_FLAG]), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await killedParentEndsSpare(parent);
  } finally {
    parent.kill('SIGKILL');
  }
});

async function killedParentEndsSpare(parent: ChildProcess): Promise<void> {
  let said = '';
  parent.stderr!.on('data', (b: Buffer) => (said += b.toString()));
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout!.on('data', (b: Buffer) => {
      said += b.toString();
      const m = /^pid (\d+)$/m.exec(said);
      if (m) resolve(Number(m[1]));
    });
    parent.once('exit', () => reject(new Error(`the parent exited: ${said}`)));
  });
  // gone: no such process, or a zombie nobody reaps (the parent is dead; a container's init may not reap)
  const running = () => {
    try {
      return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) ? 'gone' : 'running';
    } catch {
      return 'gone';
    }
  };
  expect(running()).toBe('running');
  parent.kill('SIGKILL');
  await expect.poll(running, { timeout: 15_000 }).toBe('gone');
}

test('L2TPV3_ROUTER_SPARE=off (enabled: false): every router starts cold with its arguments, no spare waits', async () => {
  const pool = new RouterSparePool({ enabled: false });
  try {
    const child = await pool.start(await routerArgs());
    expect(pool.waiting).toBeUndefined();
    expect(pool.starts).toEqual({ warm: 0, cold: 1 });
    expect((await outcome(child)).ready?.model).toBe('RTX1210');
    expect(await stop(child)).toBe(0);
  } finally {
    await pool.close();
  }
});
