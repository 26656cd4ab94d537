// The lease pool: a free slot is taken at once, the preferred one first; with every slot held the
// caller waits for its preferred slot and gets it when that one is released; bad sizes are refused.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLease, LeaseTimeoutError } from '../../../drivers/lease/lease.ts';
import { acquirePooledLease } from '../../../drivers/lease/lease-pool.ts';

let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drivers-lease-pool-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('free slots are taken without waiting, the preferred one first, then the next ones in turn', async () => {
  const a = await acquirePooledLease('ike', 3, 1, { dir, waitMs: 5_000 });
  const b = await acquirePooledLease('ike', 3, 1, { dir, waitMs: 5_000 });
  const c = await acquirePooledLease('ike', 3, 1, { dir, waitMs: 5_000 });
  expect([a.slot, b.slot, c.slot]).toEqual([1, 2, 0]);
  expect([a.lease.device, b.lease.device, c.lease.device]).toEqual(['ike-1', 'ike-2', 'ike-0']);
  for (const x of [a, b, c]) x.lease.release();
});

test('a preferred slot out of range wraps around (a worker index above the pool size)', async () => {
  const a = await acquirePooledLease('ike', 4, 9, { dir, waitMs: 1_000 });
  expect(a.slot).toBe(1);
  a.lease.release();
});

test('with every slot held, the caller waits for its preferred slot and gets it once released; bounded otherwise', async () => {
  const held = [await acquireLease('ike-0', { dir, waitMs: 0 }), await acquireLease('ike-1', { dir, waitMs: 0 })];
  await expect(acquirePooledLease('ike', 2, 0, { dir, waitMs: 300 })).rejects.toBeInstanceOf(LeaseTimeoutError);
  const waiting = acquirePooledLease('ike', 2, 1, { dir, waitMs: 10_000 });
  held[1].release();
  const got = await waiting;
  expect(got.slot).toBe(1);
  got.lease.release();
  held[0].release();
});

test('a pool size that is not a positive integer is refused with the pool named', async () => {
  await expect(acquirePooledLease('ike', 0, 0, { dir, waitMs: 0 })).rejects.toThrow('lease pool ike: size must be a positive integer (got 0)');
});
