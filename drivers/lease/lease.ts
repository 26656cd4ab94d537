// Device leases: no two tests or runs touch one device at once (DESIGN.md "Never run two jobs on
// one router"). Two backends behind acquireLease: PostgreSQL advisory locks across machines
// (L2TPV3_LEASES=postgres://..., postgres-lease.ts), or, by default, a lock file per device in a
// lock directory, holding its owner (pid, host, time, label). Acquiring a file lease is an
// exclusive create; its holder touches it every heartbeatMs. A lease is stale and broken when its
// owner process is dead (same host), its heartbeat stopped (another host: a crashed runner on a
// shared folder is noticed in minutes), or it is older than maxAgeMs; waits are bounded and woken
// by fs.watch on the lock directory.
//
// Playwright: the pinned @playwright/test (1.65) has test locks (`test('t', { lock: 'name' }, …)`),
// but they only order tests inside ONE `playwright test` run. Two CI jobs, or a developer's run
// next to CI, still need these files. deviceLockName() gives the Playwright lock name to use too.

import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquirePostgresLease, isPostgresUrl, LEASES_ENV } from './postgres-lease.ts';
import { LeaseError, LeaseTimeoutError, type DeviceLease, type LeaseOwner } from './lease-types.ts';

export { LeaseError, LeaseTimeoutError, type DeviceLease, type LeaseOwner } from './lease-types.ts';

export interface LeaseOptions {
  /** the lock directory (shared by every run that may use the devices) */
  dir: string;
  /** how long to wait for a held lease before giving up */
  waitMs: number;
  /** a postgres:// URL: lease on that server instead of in `dir` (default: the L2TPV3_LEASES variable) */
  server?: string;
  /** a lease older than this is stale even if its owner looks alive (default LEASE_DEFAULTS.maxAgeMs) */
  maxAgeMs?: number;
  label?: string;
}

/**
 * Policy values (ours, not device facts): a lease lives at most 6 h (a nightly run's length);
 * a dead owner on this host is noticed within livenessRecheckMs, because a process that dies
 * leaves its file in place and so makes no filesystem event to wake a waiter; a stale-breaking
 * marker older than breakMarkerMaxAgeMs was left by a breaker that died.
 */
export const LEASE_DEFAULTS = {
  maxAgeMs: 6 * 3600_000, livenessRecheckMs: 1_000, breakMarkerMaxAgeMs: 10_000,
  /** the holder touches its lock file this often; a file from another host untouched for heartbeatStaleMs is stale */
  heartbeatMs: 20_000, heartbeatStaleMs: 120_000,
} as const;

const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The Playwright test-lock name for a device (inside one run; lock files across runs). */
export function deviceLockName(device: string): string {
  return `device:${device}`;
}

export function leasePath(dir: string, device: string): string {
  if (!DEVICE_NAME.test(device)) throw new LeaseError(`device name '${device}': expected letters, digits, '.', '_' or '-' (it names the lock file)`);
  return join(dir, `${device}.lease`);
}

class FileLease implements DeviceLease {
  #released = false;
  readonly #heartbeat: NodeJS.Timeout;
  constructor(
    readonly device: string,
    readonly path: string,
    readonly owner: LeaseOwner,
  ) {
    this.#heartbeat = setInterval(() => this.beat(), LEASE_DEFAULTS.heartbeatMs);
    this.#heartbeat.unref(); // never keeps a finished run alive
  }

  /** The heartbeat is the file's mtime: touched only while the file is still ours. */
  private beat(): void {
    try {
      if (readOwner(this.path)?.token !== this.owner.token) return void clearInterval(this.#heartbeat);
      const now = new Date();
      utimesSync(this.path, now, now);
    } catch {
      clearInterval(this.#heartbeat);
    }
  }

  /** Remove the lock file if it is still ours (a lease broken as stale belongs to someone else now). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearInterval(this.#heartbeat);
    if (readOwner(this.path)?.token === this.owner.token) rmSync(this.path, { force: true });
  }
}

function readOwner(path: string): LeaseOwner | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // released meanwhile
  }
  try {
    const o = JSON.parse(text) as LeaseOwner;
    if (typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string' && typeof o.since === 'string') return o;
  } catch {
    /* below */
  }
  throw new LeaseError(`${path} is not a lease file (not written by this harness?): remove it by hand once no run uses the device`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(o: LeaseOwner, path: string, maxAgeMs: number): boolean {
  if (Date.now() - Date.parse(o.since) > maxAgeMs) return true;
  if (o.host === hostname()) return !pidAlive(o.pid);
  try {
    return Date.now() - statSync(path).mtimeMs > LEASE_DEFAULTS.heartbeatStaleMs;
  } catch {
    return false; // released meanwhile: the next attempt takes it
  }
}

/** Exclusive create with the content in place: a 0644 temp file (O_EXCL), hard-linked to the lock path (fails if it exists). */
function tryCreate(path: string, owner: LeaseOwner): boolean {
  const tmp = `${path}.${owner.token}.tmp`;
  writeFileSync(tmp, JSON.stringify(owner), { flag: 'wx', mode: 0o644 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Break a stale lease. Only the holder of the `.break` marker may remove it, after reading it
 * again under the marker: two waiters that both saw the stale owner cannot remove a fresh lease.
 */
function breakStale(path: string, stale: LeaseOwner): void {
  const marker = `${path}.break`;
  if (existsSync(marker) && Date.now() - statSync(marker).mtimeMs > LEASE_DEFAULTS.breakMarkerMaxAgeMs) rmSync(marker, { force: true });
  try {
    writeFileSync(marker, String(process.pid), { flag: 'wx' });
  } catch {
    return; // someone else is breaking it
  }
  try {
    if (readOwner(path)?.token === stale.token) rmSync(path, { force: true });
  } finally {
    rmSync(marker, { force: true });
  }
}

export async function acquireLease(device: string, opts: LeaseOptions): Promise<DeviceLease> {
  const server = opts.server ?? process.env[LEASES_ENV];
  if (server !== undefined && server !== '') {
    if (!isPostgresUrl(server)) throw new LeaseError(`${LEASES_ENV}: expected a postgres:// URL (or unset for lock files in ${opts.dir})`);
    leasePath(opts.dir, device); // the same device-name rule on both backends
    return acquirePostgresLease(device, { url: server, waitMs: opts.waitMs, label: opts.label });
  }
  const path = leasePath(opts.dir, device);
  mkdirSync(opts.dir, { recursive: true });
  const owner: LeaseOwner = { pid: process.pid, host: hostname(), since: '', label: opts.label ?? `pid ${process.pid}`, token: randomUUID() };
  const deadline = Date.now() + opts.waitMs;
  for (;;) {
    owner.since = new Date().toISOString();
    if (tryCreate(path, owner)) return new FileLease(device, path, { ...owner });
    const holder = readOwner(path);
    if (holder && isStale(holder, path, opts.maxAgeMs ?? LEASE_DEFAULTS.maxAgeMs)) {
      breakStale(path, holder);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new LeaseTimeoutError(device, holder, opts.waitMs);
    if (holder) await changed(opts.dir, path, Math.min(left, LEASE_DEFAULTS.livenessRecheckMs));
  }
}

/** Resolve when the lock file goes away (fs.watch on the directory) or after at most ms. */
function changed(dir: string, path: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      if (!existsSync(path)) done();
    });
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      watcher.close();
      resolve();
    }
    // released between our read and the watch: do not wait for an event that already happened
    if (!existsSync(path)) done();
  });
}

/** Hold the device's lease while fn runs; released in finally. */
export async function withLease<T>(device: string, opts: LeaseOptions, fn: (lease: DeviceLease) => Promise<T>): Promise<T> {
  const lease = await acquireLease(device, opts);
  try {
    return await fn(lease);
  } finally {
    lease.release();
  }
}
