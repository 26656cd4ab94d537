// Leases across machines (issue 16 point 5): a real PostgreSQL server (a throwaway cluster, as an
// unprivileged user) holds one session advisory lock per device. Shown here: two holders never
// share a device and a waiter says who holds it; a SIGKILLed holder's device is freed by the server
// itself; a release wakes a waiter at once; the password never appears in a message; two `run
// --shard i/n` processes on one device take turns (watched on the server: one holds, the other's
// worker waits) and merge into one matrix. And the lock-file backend's heartbeat: a lease file from another host whose
// holder stopped touching it is broken within minutes, a fresh one is not.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { acquireLease, LEASE_DEFAULTS, LeaseError, LeaseTimeoutError, leasePath } from '../../../drivers/lease/lease.ts';
import { deviceLockKey, LEASES_ENV } from '../../../drivers/lease/postgres-lease.ts';
import { runCli } from '../../suites/helpers/cli-process.ts';
import { PgCluster, postgresBinaries } from './helpers/pg-cluster.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const pgBin = postgresBinaries();
let cluster: PgCluster | undefined;
let dir = '';

test.describe.configure({ mode: 'serial' });
test.skip('missing' in pgBin, 'missing' in pgBin ? pgBin.missing : '');

test.beforeAll(async () => {
  if ('missing' in pgBin) return;
  cluster = await PgCluster.start(pgBin.bin);
});
test.afterAll(() => cluster?.stop());
test.beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pg-lease-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A child process holding a lease (tests/drivers/lease/helpers/hold-lease.ts), with L2TPV3_LEASES set. */
async function holder(device: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'tests/drivers/lease/helpers/hold-lease.ts'), dir, device], {
    env: { ...process.env, [LEASES_ENV]: cluster!.url }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('holder did not take the lease in 30 s')), 30_000);
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('held')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

test('two holders never share a device; the waiter names the holder, never the password', async () => {
  const first = await acquireLease('rtx1210-bench-a', { dir, waitMs: 1_000, label: 'first run', server: cluster!.url });
  try {
    const err = await acquireLease('rtx1210-bench-a', { dir, waitMs: 1_200, label: 'second run', server: cluster!.url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LeaseTimeoutError);
    expect((err as Error).message).toMatch(/device 'rtx1210-bench-a' still leased after 1200 ms by l2tpv3 first run pid \d+@/);
    expect((err as Error).message).not.toContain(PgCluster.password);
    // another device is free meanwhile
    const other = await acquireLease('rtx830-bench-b', { dir, waitMs: 1_000, label: 'other', server: cluster!.url });
    other.release();
  } finally {
    first.release();
  }
  const again = await acquireLease('rtx1210-bench-a', { dir, waitMs: 5_000, label: 'after release', server: cluster!.url });
  again.release();
});

test('a holder killed with SIGKILL: the server frees its device, a waiter gets it', async () => {
  const child = await holder('killed-holder-device');
  const waiting = acquireLease('killed-holder-device', { dir, waitMs: 15_000, label: 'waiter', server: cluster!.url });
  child.kill('SIGKILL');
  const lease = await waiting;
  expect(lease.device).toBe('killed-holder-device');
  lease.release();
});

test('a release wakes the waiter (NOTIFY), well before its retry interval would', async () => {
  const child = await holder('released-device');
  const started = Date.now();
  const waiting = acquireLease('released-device', { dir, waitMs: 15_000, label: 'waiter', server: cluster!.url });
  child.stdin.write('release\n');
  const lease = await waiting;
  lease.release();
  expect(Date.now() - started).toBeLessThan(15_000);
  await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
});

test('a server that cannot be reached is a lease error naming the server without its password; a bad URL is refused', async () => {
  const url = `postgres://lease:${PgCluster.password}@127.0.0.1:1/postgres`;
  const err = await acquireLease('x', { dir, waitMs: 1_000, server: url }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LeaseError);
  expect((err as Error).message).toContain('postgres://lease:***@127.0.0.1:1/postgres');
  expect((err as Error).message).not.toContain(PgCluster.password);
  await expect(acquireLease('x', { dir, waitMs: 1_000, server: 'mysql://h/db' })).rejects.toThrow(/L2TPV3_LEASES: expected a postgres:\/\/ URL/);
  expect(deviceLockKey('a')).not.toBe(deviceLockKey('b'));
});

test('file backend heartbeat: another host\'s lease file left untouched is broken; a touched one holds', async () => {
  const file = leasePath(dir, 'bench-c');
  const other = (since: Date) => JSON.stringify({ pid: 1, host: 'other-ci-runner', since: since.toISOString(), label: 'run on another machine', token: 't' });
  writeFileSync(file, other(new Date()));
  await expect(acquireLease('bench-c', { dir, waitMs: 1_500, server: '' })).rejects.toThrow(/still leased .* by run on another machine \(pid 1 on other-ci-runner/);
  const old = new Date(Date.now() - LEASE_DEFAULTS.heartbeatStaleMs - 5_000);
  utimesSync(file, old, old); // its holder crashed: no heartbeat for longer than heartbeatStaleMs
  const lease = await acquireLease('bench-c', { dir, waitMs: 5_000, server: '' });
  expect(JSON.parse(readFileSync(file, 'utf8')).host).not.toBe('other-ci-runner');
  lease.release();
});

test('two `run --shard i/n` processes on one device take turns under PostgreSQL leases and merge into one matrix', async () => {
  test.setTimeout(300_000);
  const leaseDir = path.join(dir, 'leases-unused');
  mkdirSync(leaseDir);
  const env = { ...process.env, [LEASES_ENV]: cluster!.url, L2TPV3_LEASE_DIR: leaseDir };
  const shard = (i: number) => runCli(['run', '--models', 'RTX1210', '--grep', '@gating', '--shard', `${i}/2`, '--workers', '1', '--out', path.join(dir, `shard${i}`), '--no-allure', '--display', 'dot'], 240_000, env);
  // Watch the lease server while both run: who holds an advisory lock, and which run's connections wait.
  const watcher = new pg.Client({ connectionString: cluster!.url });
  await watcher.connect();
  const samples: { holders: string[]; waiting: string[] }[] = [];
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const r = await watcher.query<{ application_name: string; holds: boolean }>(
        `SELECT a.application_name, EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted) AS holds
         FROM pg_stat_activity a WHERE a.application_name LIKE 'l2tpv3 suites worker%'`);
      samples.push({ holders: r.rows.filter((x) => x.holds).map((x) => x.application_name), waiting: r.rows.filter((x) => !x.holds).map((x) => x.application_name) });
      await new Promise((res) => setTimeout(res, 50)); // sampling interval of the observer, not a wait for the system under test
    }
  })();
  const [a, b] = await Promise.all([shard(1), shard(2)]);
  watching = false;
  await watch;
  await watcher.end();
  expect(a.code, a.stderr.slice(-2000)).toBe(0);
  expect(b.code, b.stderr.slice(-2000)).toBe(0);
  // both runs' workers held the device's lease, one at a time, and one run's worker waited while the other held it
  const everHeld = new Set(samples.flatMap((x) => x.holders));
  expect(everHeld.size, `holders seen: ${[...everHeld].join(', ')}`).toBeGreaterThanOrEqual(2);
  expect(samples.filter((x) => x.holders.length > 1)).toEqual([]);
  expect(samples.some((x) => x.holders.length === 1 && x.waiting.length >= 1 && !x.waiting.includes(x.holders[0])), 'a run waited while the other held the device').toBe(true);
  const results = (i: number) => {
    const out: string[] = [];
    const walk = (s: { specs?: { title: string; tests: { results: unknown[] }[] }[]; suites?: unknown[] }) => {
      for (const sp of s.specs ?? []) for (const t of sp.tests) for (let k = 0; k < t.results.length; k++) out.push(sp.title);
      for (const c of (s.suites ?? []) as (typeof s)[]) walk(c);
    };
    for (const s of JSON.parse(readFileSync(path.join(dir, `shard${i}`, 'results.json'), 'utf8')).suites) walk(s);
    return out;
  };
  const w1 = results(1);
  const w2 = results(2);
  expect(w1.length).toBeGreaterThan(0);
  expect(w2.length).toBeGreaterThan(0);
  const merged = path.join(dir, 'merged');
  const r = await runCli(['report', '--results', path.join(dir, 'shard1', 'results.json'), '--results', path.join(dir, 'shard2', 'results.json'), '--out', merged, '--run-id', 'sharded'], 60_000);
  expect(r.code, r.stderr).toBe(0);
  const matrix = JSON.parse(readFileSync(path.join(merged, 'matrix.json'), 'utf8')) as { cells: { model: string; tests: { title: string }[] }[] };
  const titles = matrix.cells.filter((c) => c.model === 'RTX1210').flatMap((c) => c.tests.map((t) => t.title)).sort();
  expect(titles).toEqual([...w1, ...w2].sort());
});
