// Named filters for L2TPv3 control traces (reference-impl/trace/filters.ts).
import type { TraceFilter } from './filters.ts';
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
