// Device leases: two contenders (in one process, and in two processes), stale recovery (dead
// owner, too old), release in finally, and clear errors.

import { test, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireLease, deviceLockName, leasePath, LeaseError, LeaseTimeoutError, withLease } from '../../../drivers/lease/lease.ts';

const HOLD = join(dirname(fileURLToPath(import.meta.url)), 'helpers', 'hold-lease.ts');
const RUN_TS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'run-ts.mjs');
let dir: string;
const children: ChildProcess[] = [];

test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drivers-lease-'));
});

test.afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Start the holder process and wait (bounded) until it holds the lease. */
async function holder(device: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, [RUN_TS, HOLD, dir, device], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(c);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`holder not ready: ${out}`)), 15_000);
    c.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('held')) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    c.once('exit', (code) => reject(new Error(`holder exited ${code}: ${out}`)));
  });
  return c;
}

test('two contenders in one process: the second waits and gets the lease when the first releases', async () => {
  const first = await acquireLease('rt1', { dir, waitMs: 1_000, label: 'first' });
  const owner = JSON.parse(readFileSync(leasePath(dir, 'rt1'), 'utf8'));
  expect(owner).toMatchObject({ pid: process.pid, label: 'first' });
  let releasedAt = 0;
  const second = acquireLease('rt1', { dir, waitMs: 10_000, label: 'second' });
  setTimeout(() => {
    releasedAt = Date.now();
    first.release();
  }, 300);
  const lease = await second;
  const gotAt = Date.now();
  expect(releasedAt).toBeGreaterThan(0);
  // woken by the directory event, not by the end of the wait
  expect(gotAt - releasedAt).toBeLessThan(900);
  expect(lease.owner.label).toBe('second');
  // other devices are independent
  const other = await acquireLease('rt2', { dir, waitMs: 0 });
  other.release();
  lease.release();
  expect(existsSync(leasePath(dir, 'rt1'))).toBe(false);
});

test('two runs: a lease held by another process times out with its owner named; released, it is ours', async () => {
  const c = await holder('rt1');
  const err = await acquireLease('rt1', { dir, waitMs: 300 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LeaseTimeoutError);
  expect((err as Error).message).toMatch(new RegExp(`^device 'rt1' still leased after 300 ms by hold-lease child \\(pid ${c.pid} on `));
  const waiting = acquireLease('rt1', { dir, waitMs: 10_000, label: 'parent' });
  c.stdin!.write('release\n');
  const lease = await waiting;
  expect(lease.owner.pid).toBe(process.pid);
  lease.release();
});

test('stale: the owner was killed (SIGKILL, file left behind); the next contender breaks the lease', async () => {
  const c = await holder('rt1');
  const exited = new Promise((resolve) => c.once('exit', resolve));
  process.kill(c.pid!, 'SIGKILL');
  await exited;
  expect(JSON.parse(readFileSync(leasePath(dir, 'rt1'), 'utf8')).pid).toBe(c.pid);
  const lease = await acquireLease('rt1', { dir, waitMs: 5_000 });
  expect(lease.owner.pid).toBe(process.pid);
  lease.release();
});

test('stale: a lease older than maxAgeMs is broken even if its owner host cannot be checked', async () => {
  const old = { pid: 1, host: 'another-host', since: new Date(Date.now() - 60_000).toISOString(), label: 'forgotten', token: 'x' };
  writeFileSync(leasePath(dir, 'rt1'), JSON.stringify(old));
  await expect(acquireLease('rt1', { dir, waitMs: 200, maxAgeMs: 120_000 })).rejects.toThrow(/by forgotten \(pid 1 on another-host/);
  const lease = await acquireLease('rt1', { dir, waitMs: 200, maxAgeMs: 30_000 });
  expect(lease.owner.host).not.toBe('another-host');
  lease.release();
});

test('many contenders at once: never two holders at the same time', async () => {
  let holding = 0;
  let most = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      withLease('rt1', { dir, waitMs: 20_000, label: `c${i}` }, async () => {
        holding++;
        most = Math.max(most, holding);
        order.push(i);
        await new Promise((r) => setTimeout(r, 20));
        holding--;
      }),
    ),
  );
  expect(most).toBe(1);
  expect(order.sort()).toEqual([0, 1, 2, 3, 4, 5]);
});

test('withLease releases in finally when the body throws; release leaves a lease that is no longer ours', async () => {
  await expect(withLease('rt1', { dir, waitMs: 100 }, async () => Promise.reject(new Error('body failed')))).rejects.toThrow('body failed');
  expect(existsSync(leasePath(dir, 'rt1'))).toBe(false);
  const mine = await acquireLease('rt1', { dir, waitMs: 100 });
  // someone broke it and took it: our release must not remove theirs
  const theirs = { pid: process.pid, host: 'h', since: new Date().toISOString(), label: 'theirs', token: 'other' };
  writeFileSync(leasePath(dir, 'rt1'), JSON.stringify(theirs));
  mine.release();
  expect(JSON.parse(readFileSync(leasePath(dir, 'rt1'), 'utf8')).token).toBe('other');
});

test('clear errors: a bad device name, a lock file that is not a lease', async () => {
  await expect(acquireLease('../etc', { dir, waitMs: 0 })).rejects.toThrow(/device name '..\/etc': expected letters/);
  writeFileSync(leasePath(dir, 'rt1'), 'not json');
  const err = await acquireLease('rt1', { dir, waitMs: 0 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LeaseError);
  expect((err as Error).message).toMatch(/rt1\.lease is not a lease file/);
  expect(deviceLockName('rt1')).toBe('device:rt1');
});
