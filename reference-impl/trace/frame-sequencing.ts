// Data Sequencing as the trace prediction needs it (RFC 3931 §4.6, §5.4.4, Appendix C; facts §1.5):
// which frames a sender numbers for the level its peer asked for, and whether a receiver that asked
// for sequencing takes a numbered message (new) or drops it (old, duplicate). Written from the RFC
// and the firmware profile's parameters (control-profile.ts), not from the emulated router. Pure.
import type { ControlProfile, SequencingLevel } from '../control/control-profile.ts';
import { decodeEthernetHeader } from '../l2tpv3/ethernet-frame.ts';

/** The Default L2SS carries a 24-bit number (3931 §4.6). */
const MASK = 2 ** 24 - 1;

export type SequencingParameters = Pick<ControlProfile, 'sequenceWindow' | 'sequenceResyncAfter' | 'level1Classification'>;

/**
 * 3931 §5.4.4: level 2 numbers every frame, level 1 only non-IP frames (or every frame where the
 * profile says the implementation does not classify), level 0 none.
 */
export function numbered(level: SequencingLevel, frame: Uint8Array, p: SequencingParameters): boolean {
  if (level === 0) return false;
  if (level === 2 || p.level1Classification === 'all-frames') return true;
  const h = decodeEthernetHeader(frame);
  const type = h.ok ? h.value.etherType : undefined;
  return type !== 0x0800 && type !== 0x86dd;
}

/**
 * ASSUMPTION unnumbered-where-required: a data message that lacks a number the receiver's level
 * requires is dropped (Linux's `recv_seq` behaviour, facts §7; not documented for RTX).
 */
export const UNNUMBERED_WHERE_REQUIRED = 'drop' as const;

/**
 * Appendix C at the receiver: a number within `sequenceWindow` at or after the expected one is new
 * (expected becomes it + 1); anything else is old. `sequenceResyncAfter` old numbers that follow each
 * other make the receiver resynchronise on them (the last one taken).
 */
export class SequenceCheck {
  private expected = 0;
  private lastOld: number | undefined;
  private run = 0;
  constructor(private readonly p: SequencingParameters) {}

  accepts(sequence: number): boolean {
    const s = sequence & MASK;
    if (((s - this.expected) & MASK) < this.p.sequenceWindow) return this.take(s);
    this.run = this.lastOld !== undefined && s === ((this.lastOld + 1) & MASK) ? this.run + 1 : 1;
    this.lastOld = s;
    return this.run >= this.p.sequenceResyncAfter ? this.take(s) : false;
  }

  private take(s: number): true {
    this.expected = (s + 1) & MASK;
    this.lastOld = undefined;
    this.run = 0;
    return true;
  }
}
