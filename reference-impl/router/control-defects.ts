// Control-plane defects as wrappers around the oracle's inputs (received UDP payloads) and
// outputs (datagrams it asks to send): the oracle itself stays faithful. Pure.
import { AVP } from '../l2tpv3/avp-types.ts';
import { MESSAGE_TYPE as MT } from '../l2tpv3/message-types.ts';
import type { ControlProfile } from '../control/control-profile.ts';
import type { DefectName } from './defects.ts';
import { SlotLeak } from './slot-leak-defect.ts';
import { REWRITE_DEFECTS, rewriteOutgoing } from './control-rewrite-defects.ts';

/** Offset of the value of the first AVP of `type` (vendor 0) in a control message over UDP. */
export function avpValueAt(b: Uint8Array, type: number): { at: number; length: number } | undefined {
  if (b.length < 12 || (b[0] & 0x80) === 0) return undefined;
  const end = Math.min(b.length, (b[2] << 8) | b[3]);
  for (let o = 12; o + 6 <= end; ) {
    const len = ((b[o] & 0x03) << 8) | b[o + 1];
    if (len < 6 || o + len > end) return undefined;
    const vendor = (b[o + 2] << 8) | b[o + 3];
    const t = (b[o + 4] << 8) | b[o + 5];
    if (vendor === 0 && t === type) return { at: o + 6, length: len - 6 };
    o += len;
  }
  return undefined;
}

/** The Message Type of a control message (a ZLB has none: undefined). */
export function controlMessageType(b: Uint8Array): number | undefined {
  const v = avpValueAt(b, AVP.MessageType);
  return v && v.length >= 2 ? (b[v.at] << 8) | b[v.at + 1] : undefined;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export class ControlDefects {
  /** Our last SCCRQ Tie Breaker per peer (for tie-break-inverted). */
  private readonly ourTieBreaker = new Map<string, Uint8Array>();

  /** defect peer-stopccn-leaks-slot (slot-leak-defect.ts). */
  private readonly slotLeak = new SlotLeak();

  /** defect hello-acked-as-zlb: peers whose Hello the router has not yet acknowledged. */
  private readonly helloUnacked = new Set<string>();

  constructor(private readonly defects: ReadonlySet<DefectName>) {}

  get active(): boolean {
    return this.defects.has('tie-break-inverted') || this.defects.has('hello-not-answered') || this.defects.has('no-stopccn-on-disconnect') || this.defects.has('peer-stopccn-leaks-slot') || this.defects.has('hello-acked-as-zlb') || this.rewrites;
  }

  /** A message-content defect (control-rewrite-defects.ts) is on. */
  private get rewrites(): boolean {
    return REWRITE_DEFECTS.some((d) => this.defects.has(d));
  }

  /** Control-profile settings the defects change (router-id-not-checked, always-on-no-redial, ack-as-zlb). */
  profileOverrides(): Partial<ControlProfile> {
    return {
      ...(this.defects.has('router-id-not-checked') ? { routerIdCheck: 'when-configured' as const } : {}),
      // always-on-no-redial: a closed always-on tunnel waits a day before dialling again
      ...(this.defects.has('always-on-no-redial') ? { reconnectDelayMs: 86_400_000 } : {}),
      // ack-as-zlb: ZLBs where the profile sends explicit ACKs
      ...(this.defects.has('ack-as-zlb') ? { ackStyle: 'zlb' as const } : {}),
    };
  }

  /** defect hello-resets-disconnect-timer: a received Hello the router counts as data activity. */
  isHello(bytes: Uint8Array): boolean {
    return this.defects.has('hello-resets-disconnect-timer') && (bytes[0] & 0x80) !== 0 && controlMessageType(bytes) === MT.HELLO;
  }

  /** A received payload before the oracle sees it; undefined drops it. */
  incoming(from: string, bytes: Uint8Array): Uint8Array | undefined {
    if (!this.active || (bytes[0] & 0x80) === 0) return bytes;
    const type = controlMessageType(bytes);
    if (this.defects.has('peer-stopccn-leaks-slot') && this.slotLeak.drops(from, type)) return undefined;
    // defect hello-not-answered: Hellos vanish before reliable delivery acknowledges them
    if (type === MT.HELLO && this.defects.has('hello-not-answered')) return undefined;
    if (type === MT.HELLO && this.defects.has('hello-acked-as-zlb')) this.helloUnacked.add(from);
    if (type === MT.SCCRQ && this.defects.has('tie-break-inverted')) {
      const ours = this.ourTieBreaker.get(from);
      const tb = avpValueAt(bytes, AVP.TieBreaker);
      if (ours && tb && tb.length === 8) {
        // Rewrite the peer's value so that the oracle's comparison (lower wins) comes out reversed.
        const theirs = bytes.subarray(tb.at, tb.at + 8);
        const c = compareBytes(theirs, ours);
        if (c !== 0) {
          const copy = Uint8Array.from(bytes);
          copy.fill(c < 0 ? 0xff : 0x00, tb.at, tb.at + 8);
          return copy;
        }
      }
    }
    return bytes;
  }

  /** A datagram the oracle sends; undefined drops it. */
  outgoing(to: string, bytes: Uint8Array): Uint8Array | undefined {
    if (!this.active || (bytes[0] & 0x80) === 0) return bytes;
    const type = controlMessageType(bytes);
    if (type === MT.SCCRQ) {
      const tb = avpValueAt(bytes, AVP.TieBreaker);
      if (tb && tb.length === 8) this.ourTieBreaker.set(to, Uint8Array.from(bytes.subarray(tb.at, tb.at + 8)));
    }
    // defect no-stopccn-on-disconnect: the StopCCN never leaves
    if (type === MT.StopCCN && this.defects.has('no-stopccn-on-disconnect')) return undefined;
    // defect hello-acked-as-zlb: the explicit ACK answering a Hello leaves as a ZLB (its header
    // alone); a signed ACK (Message Digest) is left alone, a ZLB cannot carry the digest
    if (this.helloUnacked.delete(to) && type === MT.ACK && !avpValueAt(bytes, AVP.MessageDigest)) {
      const zlb = Uint8Array.from(bytes.subarray(0, 12));
      zlb[2] = 0;
      zlb[3] = 12;
      return zlb;
    }
    return this.rewrites ? rewriteOutgoing(this.defects, bytes) : bytes;
  }
}
