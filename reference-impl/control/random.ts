// Randomness is injected (ids, tie breakers, nonces, cookies): the oracle never calls Math.random.
export interface RandomSource {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
}

export function randomBytes(r: RandomSource, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const v = r.nextU32();
    for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (v >>> (24 - 8 * j)) & 0xff;
  }
  return b;
}

/** Control Connection IDs and Session IDs are never 0 (3931 §5.4.3, §5.4.4). */
export function nonZeroU32(r: RandomSource): number {
  for (;;) {
    const v = r.nextU32() >>> 0;
    if (v !== 0) return v;
  }
}
