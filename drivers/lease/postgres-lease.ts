// Device leases across machines: a PostgreSQL session advisory lock per device (issue 16 point 5).
// The lock belongs to one database connection, so the server itself frees it when the holder's
// connection goes (process killed, machine gone: TCP keepalive), with nothing left to break by
// hand; the holder's label is its connection's application_name, so a waiter can say who holds
// the device. Chosen by L2TPV3_LEASES=postgres://... (see lease.ts acquireLease).
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { LeaseError, LeaseTimeoutError, type DeviceLease, type LeaseOwner } from './lease-types.ts';

/** Environment variable that selects the backend: a postgres:// URL, or unset (lock files). */
export const LEASES_ENV = 'L2TPV3_LEASES';

/**
 * Policy values (ours): a waiter retries the lock at least this often, because a holder that dies
 * sends no notification (a live holder's release does: NOTIFY wakes waiters at once); the server
 * is asked to probe idle connections so a vanished machine's lock goes within minutes.
 */
export const POSTGRES_LEASE_DEFAULTS = { retryMs: 500, connectTimeoutMs: 10_000, keepAliveIdleMs: 30_000 } as const;

const CHANNEL = 'l2tpv3_conformance_leases';
/** application_name is at most 63 octets (NAMEDATALEN - 1). */
const APPLICATION_NAME_MAX = 63;

export function isPostgresUrl(s: string | undefined): s is string {
  return s !== undefined && /^postgres(ql)?:\/\//.test(s);
}

/** The advisory-lock key of a device: the first 8 octets of SHA-256 of its name, as a signed bigint. */
export function deviceLockKey(device: string): string {
  return createHash('sha256').update(`l2tpv3-conformance device ${device}`).digest().readBigInt64BE(0).toString();
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

class PostgresLease implements DeviceLease {
  #released = false;
  constructor(
    readonly device: string,
    readonly owner: LeaseOwner,
    private readonly client: pg.Client,
    private readonly key: string,
  ) {}

  /** Unlocks, tells waiters, and closes the connection (closing alone would free the lock too). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    void this.client
      .query('SELECT pg_advisory_unlock($1::bigint)', [this.key])
      .then(() => this.client.query(`NOTIFY ${CHANNEL}`))
      .catch(() => undefined)
      .finally(() => this.client.end().catch(() => undefined));
  }
}

export interface PostgresLeaseOptions {
  url: string;
  waitMs: number;
  label?: string;
}

export async function acquirePostgresLease(device: string, opts: PostgresLeaseOptions): Promise<DeviceLease> {
  const owner: LeaseOwner = { pid: process.pid, host: hostname(), since: '', label: opts.label ?? `pid ${process.pid}`, token: randomUUID() };
  const appName = `l2tpv3 ${owner.label} pid ${owner.pid}@${owner.host}`.slice(0, APPLICATION_NAME_MAX);
  const client = new pg.Client({
    connectionString: opts.url, application_name: appName, connectionTimeoutMillis: POSTGRES_LEASE_DEFAULTS.connectTimeoutMs,
    keepAlive: true, keepAliveInitialDelayMillis: POSTGRES_LEASE_DEFAULTS.keepAliveIdleMs,
  });
  client.on('error', () => undefined); // a dropped connection is the lock's release; nothing to report here
  try {
    await client.connect();
  } catch (e) {
    throw new LeaseError(`lease server ${redactUrl(opts.url)}: cannot connect (${(e as Error).message})`);
  }
  const key = deviceLockKey(device);
  const deadline = Date.now() + opts.waitMs;
  let wake: (() => void) | undefined;
  client.on('notification', () => wake?.());
  try {
    await client.query(`LISTEN ${CHANNEL}`);
    for (;;) {
      owner.since = new Date().toISOString();
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
      if (r.rows[0]?.ok) {
        await client.query(`UNLISTEN ${CHANNEL}`);
        return new PostgresLease(device, { ...owner }, client, key);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new LeaseTimeoutError(device, await holderOf(client, key), opts.waitMs);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, Math.min(left, POSTGRES_LEASE_DEFAULTS.retryMs));
        function done() {
          clearTimeout(t);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } catch (e) {
    await client.end().catch(() => undefined);
    if (e instanceof LeaseError) throw e;
    throw new LeaseError(`lease server ${redactUrl(opts.url)}: ${(e as Error).message}`);
  }
}

/** Who holds the device's lock: the holder connection's application_name and backend start. */
async function holderOf(client: pg.Client, key: string): Promise<LeaseOwner | undefined> {
  const k = BigInt(key);
  const hi = Number((k >> 32n) & 0xffffffffn);
  const lo = Number(k & 0xffffffffn);
  // pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits), objsubid 1
  const r = await client.query<{ application_name: string; pid: number; backend_start: Date }>(
    `SELECT a.application_name, a.pid, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid::bigint = $1 AND l.objid::bigint = $2 LIMIT 1`,
    [hi, lo],
  );
  const h = r.rows[0];
  if (!h) return undefined;
  return { pid: h.pid, host: 'lease server', since: h.backend_start.toISOString(), label: h.application_name, token: '' };
}
