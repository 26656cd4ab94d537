// Named filters for L2TPv3 control traces (reference-impl/trace/filters.ts).
import { DEFAULT_CONTROL_PROFILE, type ControlProfile } from '../control/control-profile.ts';
import type { LaterEvents, TraceFilter } from './filters.ts';
import { actorOf, type TraceEvent } from './trace-event.ts';

const field = (e: TraceEvent, name: string) => e.fields.find((f) => f.name === name)?.value;
const ACK_ONLY = new Set(['ACK', 'ZLB']);

/**
 * A control message that repeats an earlier one of the same sender to the same peer (same type and
 * Ns), or an ACK/ZLB that acknowledges nothing new (its Nr no higher than one the sender already
 * sent: the answer to a copy that arrived, RFC 3931 §4.2 "MUST acknowledge" duplicates).
 */
function isRepeat(e: TraceEvent, kept: readonly TraceEvent[]): boolean {
  if (e.source !== 'control') return false;
  const mine = kept.filter((x) => x.source === 'control' && x.at === e.at && actorOf(x) === actorOf(e));
  if (ACK_ONLY.has(e.label)) {
    const nr = Number(field(e, 'Nr'));
    return mine.some((x) => Number(field(x, 'Nr')) >= nr);
  }
  return mine.some((x) => x.label === e.label && field(x, 'Ns') === field(e, 'Ns'));
}

/**
 * Retransmitted copies, and the acknowledgements of copies, on either side (RFC 3931 §4.2). Whether
 * a copy goes out depends on a race between a 1 s retransmission timer and the other side's answer;
 * at time scale 10 that is 100 real ms, inside the harness's scheduling jitter, so the race says
 * nothing about the device. Areas that judge retransmission itself (timers) must not use this.
 */
export const RETRANSMITTED_COPIES: TraceFilter = {
  name: 'retransmitted copies',
  why: 'a control message repeating an earlier one of its sender (same type and Ns), or an ACK/ZLB acknowledging nothing new (the answer to a copy): whether it is sent is a race between a retransmission timer and the harness\'s scheduling, not the device\'s behaviour; retransmission is judged by the timers area',
  drops: (e, kept) => isRepeat(e, kept),
};

/** The device's acknowledgement style (control profile `ackStyle`, control-profile.ts: an ASSUMPTION per profile). */
export type AckStyle = ControlProfile['ackStyle'];

/**
 * The form a standalone acknowledgement of the device to one peer must take: an explicit ACK
 * (type 20) on a connection whose messages carry a Message Digest (ZLBs are not allowed with
 * Control Message Authentication, RFC 3931 §6.15; l2tpv3-protocol-facts §3.4), else the profile's
 * style. The harness's own acknowledgements are stimulus: any form.
 */
function ackFormDue(e: TraceEvent, style: AckStyle, later: LaterEvents, kept: readonly TraceEvent[]): string | undefined {
  if (actorOf(e) !== 'device') return undefined;
  if (style === 'explicit') return 'ACK'; // signed or not
  const signed = (x: TraceEvent) => x.source === 'control' && x.at === e.at && actorOf(x) === 'device' && x.fields.some((f) => f.name.startsWith('Message Digest'));
  return kept.some(signed) || later.find(signed) !== undefined ? 'ACK' : 'ZLB';
}

/**
 * RFC 3931 §4.2 leaves the acknowledgement's timing to the sender: a received message is
 * acknowledged by a standalone ACK or by the Nr of the next message the sender has to send anyway
 * (piggybacked). Whether the ACK went out alone before that message depends on when the two
 * messages it answers arrived (the harness's scheduling), not on the device. So a standalone
 * ACK/ZLB is dropped when the next non-ACK message of the same sender to the same peer
 * acknowledges at least as much (its Nr is not lower): then both traces reduce to that message.
 * What the RFC leaves free is only WHETHER a separate acknowledgement is sent; its FORM is the
 * device's (the control profile's ackStyle, explicit ACK on a signed connection), so a device
 * acknowledgement of the wrong form is never dropped: it stays in the observed trace, where the
 * prediction has none, and is the divergence. A standalone ACK with nothing after it (the last of
 * an exchange) stays and is judged exactly (its label and its Nr).
 */
export function piggybackedAcks(style: AckStyle): TraceFilter {
  const form = style === 'explicit' ? 'an explicit ACK' : 'a ZLB';
  return {
    name: 'acknowledgement piggybacked on the next message',
    why: `RFC 3931 §4.2: a message may be acknowledged by a standalone ACK/ZLB or by the Nr of the next message its receiver sends; a standalone ACK/ZLB whose Nr the next non-ACK message of the same sender to the same peer also carries is dropped, unless it is the device's and not of the form its profile predicts (${form}; an explicit ACK when the connection is signed, §6.15), which stays judged (the last ACK of an exchange, with nothing after it, is judged exactly, its form ACK or ZLB included)`,
    drops: (e, kept, later) => {
      if (e.source !== 'control' || !ACK_ONLY.has(e.label)) return false;
      const due = ackFormDue(e, style, later, kept);
      if (due !== undefined && e.label !== due) return false;
      const next = later.find((x) => x.source === 'control' && x.at === e.at && actorOf(x) === actorOf(e) && !ACK_ONLY.has(x.label) && x.label !== 'undecodable');
      return next !== undefined && Number(field(next, 'Nr')) >= Number(field(e, 'Nr'));
    },
  };
}

/**
 * The filter for a device of the default control profile (explicit ACKs, an ASSUMPTION of
 * control-profile.ts). A device whose profile says ZLB (a learned profile) needs
 * piggybackedAcks(its ackStyle): with this one its ZLBs are all kept, in both traces, so their
 * presence is judged exactly (never their form wrongly).
 */
export const PIGGYBACKED_ACKS: TraceFilter = piggybackedAcks(DEFAULT_CONTROL_PROFILE.ackStyle);
