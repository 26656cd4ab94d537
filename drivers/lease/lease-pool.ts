// A pool of interchangeable leases (e.g. the loopback address slots that @ipsec labs bind UDP 500
// and 4500 on): the first free one is taken at once; when all are held, the caller waits for its
// preferred slot as acquireLease waits (bounded, woken by the lock folder). Each slot is an
// ordinary lease, so runs side by side (CI's default run next to its mutation run) share the pool.
import { acquireLease, LeaseTimeoutError, type DeviceLease, type LeaseOptions } from './lease.ts';

export interface PooledLease {
  lease: DeviceLease;
  /** The slot taken, 0 <= slot < size. */
  slot: number;
}

/**
 * Takes one of `size` leases named `${prefix}-${slot}`: a free one without waiting, else
 * `preferred` (mod size) within opts.waitMs.
 */
export async function acquirePooledLease(prefix: string, size: number, preferred: number, opts: LeaseOptions): Promise<PooledLease> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`lease pool ${prefix}: size must be a positive integer (got ${size})`);
  const first = ((preferred % size) + size) % size;
  for (let i = 0; i < size; i++) {
    const slot = (first + i) % size;
    try {
      return { lease: await acquireLease(`${prefix}-${slot}`, { ...opts, waitMs: 0 }), slot };
    } catch (e) {
      if (!(e instanceof LeaseTimeoutError)) throw e;
    }
  }
  return { lease: await acquireLease(`${prefix}-${first}`, opts), slot: first };
}
