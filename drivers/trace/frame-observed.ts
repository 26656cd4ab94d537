// The observed data-plane trace from what the harness saw (works the same against a physical
// device): the L2TPv3 data messages in the tester peers' conversation, both ways, decoded with the
// layout each session was signalled with; the frames a LAN host received from the device and sent
// into it; and the learning-table listings read over the CLI.
import type { SessionLayout } from '../../reference-impl/control/node-events.ts';
import { decodeDataMessage } from '../../reference-impl/l2tpv3/data-message.ts';
import { dataMessageEvent, lanFrameEvent, learningTableEvent, undecodableDataEvent, type LearningEntry, type SessionView } from '../../reference-impl/trace/frame-events.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { RecordedDatagram } from '../peer/conversation.ts';
import { isControl } from '../peer/raw-message.ts';
import { toVirtualMs, type TraceClock } from './trace-clock.ts';

export interface DataSourceOptions {
  /** The test's logical address of a peer's lab address. */
  readonly nameOf: (host: string) => string;
  /** The session layout a peer's session was signalled with (undefined: none came up). */
  readonly layoutOf: (host: string) => SessionLayout | undefined;
}

/** Data messages (T bit clear) the device sent the peers (`in`) and the peers sent it (`out`, harness events). */
export function dataEventsFrom(datagrams: readonly RecordedDatagram[], clock: TraceClock, o: DataSourceOptions): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const d of datagrams) {
    if (d.bytes.length === 0 || isControl(d.bytes)) continue;
    const fromDevice = d.direction === 'in';
    const host = fromDevice ? d.dst.host : d.src.host;
    const at = o.nameOf(host);
    const t = toVirtualMs(clock, d.atUs / 1000);
    const by = fromDevice ? 'device' : 'harness';
    const layout = o.layoutOf(host);
    if (!layout) {
      out.push(undecodableDataEvent(at, d.bytes, 'no session was up at this peer', t, by));
      continue;
    }
    const view: SessionView = fromDevice
      ? { receiver: 'peer', sessionId: layout.localSessionId, cookie: layout.rxCookie }
      : { receiver: 'device', sessionId: layout.remoteSessionId, cookie: layout.txCookie };
    const m = decodeDataMessage(d.bytes, 'udp', fromDevice ? layout.rxLayout : layout.txLayout);
    out.push(m.ok
      ? dataMessageEvent(at, { sessionId: m.value.sessionId, cookie: m.value.cookie, l2ss: m.value.l2ss, frame: m.value.payload }, view, t, by)
      : undecodableDataEvent(at, d.bytes, m.error.detail, t, by));
  }
  return out;
}

export interface TimedFrame {
  readonly frame: Uint8Array;
  /** Real ms since the epoch (realNowMs base). */
  readonly atMs: number;
}

/** Frames at a LAN port: received from the device, and sent into it by the harness. */
export function lanEventsFrom(port: string, received: readonly TimedFrame[], sent: readonly TimedFrame[], clock: TraceClock): TraceEvent[] {
  return [
    ...received.map((f) => lanFrameEvent(port, f.frame, toVirtualMs(clock, f.atMs))),
    ...sent.map((f) => lanFrameEvent(port, f.frame, toVirtualMs(clock, f.atMs), 'harness')),
  ];
}

export interface Listing {
  readonly command: string;
  readonly entries: readonly LearningEntry[];
  /** When the command was issued, real ms (a listing is timed at its command: the CLI round trip is the session's, not the device's). */
  readonly atMs: number;
  readonly poll: number;
}

export function listingEventsFrom(listings: readonly Listing[], clock: TraceClock): TraceEvent[] {
  return listings.map((l) => learningTableEvent(l.command, l.entries, toVirtualMs(clock, l.atMs), l.poll));
}
