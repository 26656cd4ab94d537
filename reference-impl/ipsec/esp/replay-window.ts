// Sequence numbers (RFC 4303 §3.3.3) and the receiver's anti-replay window (§3.4.3), 32-bit
// sequence numbers only (esp-assumptions.ts no-extended-sequence-numbers). RTX's
// `ipsec sa policy ... anti-replay-check=on|off` (yamaha-platform-facts.md §1.4) chooses between a
// window and no check at all. The window is a circular bitmap (the RFC 6479 layout): sliding it
// clears bits instead of shifting the whole map.
import { DEFAULT_REPLAY_WINDOW } from './esp-assumptions.ts';

export type ReplayVerdict =
  | { ok: true }
  | { ok: false; kind: 'sequence-zero' | 'replayed' | 'outside-window'; reason: string };

export type AntiReplay = { check: 'on'; windowSize?: number } | { check: 'off' };

const MAX_SEQUENCE = 0xffffffff;
const OK: ReplayVerdict = { ok: true };

export class ReplayWindow {
  readonly windowSize: number;
  readonly enabled: boolean;
  /** Highest sequence number authenticated so far (0: none yet). */
  private top = 0;
  private readonly bits: Uint32Array;

  constructor(mode: AntiReplay = { check: 'on' }) {
    this.enabled = mode.check === 'on';
    const size = mode.check === 'on' ? (mode.windowSize ?? DEFAULT_REPLAY_WINDOW) : 0;
    if (!Number.isInteger(size) || size < 0 || size > 65536) throw new RangeError(`anti-replay window size ${size} is outside 1..65536`);
    if (this.enabled && size < 1) throw new RangeError('an enabled anti-replay window needs at least one packet');
    this.windowSize = size;
    this.bits = new Uint32Array(Math.ceil(size / 32));
  }

  get highest(): number {
    return this.top;
  }

  /**
   * The check made before the ICV (§3.4.3: "duplicates are rejected" early, but the window only
   * moves after the ICV was verified, see update). With anti-replay off nothing is checked.
   */
  check(sequence: number): ReplayVerdict {
    if (!this.enabled) return OK;
    if (sequence === 0) return { ok: false, kind: 'sequence-zero', reason: 'sequence number 0 is never sent (RFC 4303 §3.3.3: the first packet is 1)' };
    if (sequence > this.top) return OK;
    if (this.top - sequence >= this.windowSize) {
      return { ok: false, kind: 'outside-window', reason: `sequence number ${sequence} is left of the ${this.windowSize}-packet window ending at ${this.top}` };
    }
    if (this.isSet(sequence)) return { ok: false, kind: 'replayed', reason: `sequence number ${sequence} was already received (replay)` };
    return OK;
  }

  /** Records an authenticated packet; call only after check() passed and the ICV was verified. */
  update(sequence: number): void {
    if (!this.enabled) return;
    if (sequence > this.top) {
      const advance = sequence - this.top;
      if (advance >= this.windowSize) this.bits.fill(0);
      else for (let s = this.top + 1; s <= sequence; s++) this.clear(s);
      this.top = sequence;
    }
    this.set(sequence);
  }

  private index(sequence: number): number {
    return sequence % this.windowSize;
  }

  private isSet(sequence: number): boolean {
    const i = this.index(sequence);
    return (this.bits[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  private set(sequence: number): void {
    const i = this.index(sequence);
    this.bits[i >>> 5] |= 1 << (i & 31);
  }

  private clear(sequence: number): void {
    const i = this.index(sequence);
    this.bits[i >>> 5] &= ~(1 << (i & 31));
  }
}

/**
 * The sender's counter (§3.3.3): 0 when the SA is set up, the first packet carries 1. With
 * anti-replay on it must not cycle: after 2^32 - 1 the SA is used up and a new one is needed.
 */
export class SequenceCounter {
  /** @param last the number last sent (0 for a fresh SA; other values resume a counter). */
  constructor(private readonly antiReplay: boolean = true, private last = 0) {
    if (!Number.isInteger(last) || last < 0 || last > MAX_SEQUENCE) throw new RangeError(`sequence number ${last} is not a 32-bit value`);
  }

  /** The next sequence number, or null when the SA may send no more (a rekey is due). */
  next(): number | null {
    if (this.last === MAX_SEQUENCE) {
      if (this.antiReplay) return null;
      this.last = 0;
      return 0;
    }
    this.last += 1;
    return this.last;
  }

  get current(): number {
    return this.last;
  }
}
