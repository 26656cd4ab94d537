// Data Sequencing of one session (RFC 3931 §4.6, §5.4.4, Appendix C; facts §1.5), pure: which frames
// we send numbered and with which number, and whether a received number is new (accepted) or old /
// duplicate (dropped), with the resynchronisation Appendix C requires after a long outage.
import type { SequencingLevel } from '../control/control-profile.ts';

/** The Default L2SS carries 24-bit numbers (3931 §4.6). */
export const SEQUENCE_SPACE = 2 ** 24;
const MASK = SEQUENCE_SPACE - 1;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
// facts §4.3 / RFC 4719 §4: a PW frame may carry 802.1Q (and QinQ) tags before its EtherType
const TAG_TPIDS = new Set([0x8100, 0x88a8, 0x9100]);

/** EtherType after any VLAN tags, or undefined for a frame too short to have one. */
function innerEtherType(frame: Uint8Array): number | undefined {
  let o = 12;
  for (;;) {
    if (frame.length < o + 2) return undefined;
    const t = (frame[o] << 8) | frame[o + 1];
    if (!TAG_TPIDS.has(t)) return t;
    o += 4;
  }
}

/**
 * Whether a frame we send must carry a sequence number, for the level the peer asked for
 * (3931 §5.4.4): 0 never, 2 always, 1 only non-IP frames — or every frame when the profile says the
 * implementation does not classify (then level 1 falls back to level 2).
 */
export function mustSequence(level: SequencingLevel, frame: Uint8Array, classification: 'by-ethertype' | 'all-frames'): boolean {
  if (level === 0) return false;
  if (level === 2 || classification === 'all-frames') return true;
  const t = innerEtherType(frame);
  return t !== ETHERTYPE_IPV4 && t !== ETHERTYPE_IPV6;
}

/** Our numbering: every sequenced frame gets the previous number + 1, starting at 0 (App. C). */
export class SequenceSender {
  private next = 0;
  take(): number {
    const n = this.next;
    this.next = (this.next + 1) & MASK;
    return n;
  }
}

export type SequenceVerdict = 'new' | 'old';

/**
 * Receive side of Appendix C: a number within `window` at or after the expected one is new (taken at
 * once, expected = it + 1: out-of-order frames behind it are then old and dropped, as App. C allows);
 * anything else is old or a duplicate. `resyncAfter` old numbers in sequence among themselves reset
 * the expected number to follow them (the MUST of App. C), the last of them accepted.
 */
export class SequenceReceiver {
  private expected = 0;
  private lastOld: number | undefined;
  private oldRun = 0;

  constructor(
    private readonly window: number,
    private readonly resyncAfter: number,
  ) {}

  receive(sequence: number): SequenceVerdict {
    const s = sequence & MASK;
    const ahead = (s - this.expected) & MASK;
    if (ahead < this.window) return this.take(s);
    this.oldRun = this.lastOld !== undefined && s === ((this.lastOld + 1) & MASK) ? this.oldRun + 1 : 1;
    this.lastOld = s;
    if (this.oldRun >= this.resyncAfter) return this.take(s);
    return 'old';
  }

  private take(s: number): SequenceVerdict {
    this.expected = (s + 1) & MASK;
    this.lastOld = undefined;
    this.oldRun = 0;
    return 'new';
  }
}
