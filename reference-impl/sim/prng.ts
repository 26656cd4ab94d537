// mulberry32: a tiny seeded PRNG, so every simulated run is reproducible from its seed.
import type { RandomSource } from '../control/random.ts';

export class Mulberry32 implements RandomSource {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x100000000;
  }
  /** An independent stream derived from this one (for per-node randomness). */
  fork(): Mulberry32 {
    return new Mulberry32(this.nextU32());
  }
}
