// The peer's randomness: a seeded PRNG (ids, nonces, cookies) that a test can steer for one
// draw, so a Tie Breaker AVP carries a value the test chose (3931 §5.4.3/§5.4.4: the lower
// value wins). The oracle draws a tie breaker as two u32 words after a known number of other
// draws; the peer checks the value on the wire afterwards (tieBreakerTook), so a change in the
// oracle's draw order fails loudly instead of silently testing the wrong thing.
import { randomInt } from 'node:crypto';
import type { RandomSource } from '../../reference-impl/control/random.ts';
import { Mulberry32 } from '../../reference-impl/sim/prng.ts';

/**
 * How many draws the oracle makes before the tie breaker. Control connection: the CCID
 * (node.ts newConnection). Session: the Session ID, the cookie words, the Serial Number
 * (session.ts start). These mirror the oracle's code order; tieBreakerTook() guards them.
 */
export const DRAWS_BEFORE_TIE_BREAKER = {
  sccrq: () => 1,
  icrq: (cookieLength: number) => 1 + cookieLength / 4 + 1,
} as const;

export class SteerableRandom implements RandomSource {
  private readonly prng: Mulberry32;
  private skip = 0;
  private queued: number[] = [];

  constructor(seed: number = randomInt(2 ** 31)) {
    this.prng = new Mulberry32(seed);
  }

  nextU32(): number {
    if (this.queued.length > 0) {
      if (this.skip > 0) {
        this.skip--;
        return this.prng.nextU32();
      }
      return this.queued.shift()!;
    }
    return this.prng.nextU32();
  }

  /** The next draw of 8 octets after `skip` other draws yields `tieBreaker`. */
  steer(skip: number, tieBreaker: Uint8Array): void {
    if (tieBreaker.length !== 8) throw new Error(`a tie breaker is 8 octets (got ${tieBreaker.length})`);
    const dv = new DataView(tieBreaker.buffer, tieBreaker.byteOffset, 8);
    this.skip = skip;
    this.queued = [dv.getUint32(0), dv.getUint32(4)];
  }

  /** Forget a steer that was not used. */
  clear(): void {
    this.skip = 0;
    this.queued = [];
  }
}

/** `low` (all zero: the peer wins), `high` (all 0xff: the peer loses) or 16 hex digits. */
export function parseTieBreaker(text: string): Uint8Array {
  if (text === 'low') return new Uint8Array(8);
  if (text === 'high') return new Uint8Array(8).fill(0xff);
  if (!/^[0-9a-fA-F]{16}$/.test(text)) throw new Error(`tie breaker '${text}': expected low, high or 16 hex digits`);
  return Uint8Array.from(text.match(/../g)!.map((h) => parseInt(h, 16)));
}
