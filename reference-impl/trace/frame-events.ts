// Data-plane observations as trace events (DESIGN.md "The verdict"): a frame at a LAN port, an
// L2TPv3 data message on a pseudowire (RFC 3931 §4.1: Session ID, cookie, Default L2-Specific
// Sublayer §4.6; RFC 4719: the Ethernet frame inside), and the learning table as the CLI lists it.
// The session's values are written relative to the side that chose them, which the harness knows
// (its own peer's layout): `peer's Local Session ID`, `peer's Assigned Cookie (8 octets)`; anything
// else is written raw, so a device that sends another value diverges on that field, and a
// prediction needs no random value of the device. Pure.
import type { DefaultL2ss } from '../l2tpv3/data-message.ts';
import { toHex } from '../l2tpv3/wire.ts';
import { frameEvent } from './observation-events.ts';
import { cliEvent } from './observation-events.ts';
import { traceEvent, type TraceActor, type TraceEvent } from './trace-event.ts';

/** The label of a data message event (control messages carry their type name). */
export const DATA_LABEL = 'data';

/** What the harness knows of one session, from the side that receives the message. */
export interface SessionView {
  /** Who chose the receiver's values: `peer` (device-sent data) or `device` (harness-sent data). */
  readonly receiver: 'peer' | 'device';
  /** The receiver's Local Session ID: the Session ID a correct message carries. */
  readonly sessionId: number;
  /** The receiver's Assigned Cookie: the cookie a correct message carries. */
  readonly cookie: Uint8Array;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sessionIdText(id: number, v: SessionView): string {
  return id === v.sessionId ? `${v.receiver}'s Local Session ID` : `other: ${id}`;
}

export function cookieText(cookie: Uint8Array, v: SessionView): string {
  if (sameBytes(cookie, v.cookie)) return cookie.length === 0 ? 'none' : `${v.receiver}'s Assigned Cookie (${cookie.length} octets)`;
  return cookie.length === 0 ? 'none' : `other: ${toHex(cookie)}`;
}

export function l2ssText(l2ss: DefaultL2ss | null): string {
  if (l2ss === null) return 'none';
  return l2ss.sequenced ? `S=1 seq=${l2ss.sequence}` : 'S=0';
}

export interface DataMessageParts {
  readonly sessionId: number;
  readonly cookie: Uint8Array;
  readonly l2ss: DefaultL2ss | null;
  readonly frame: Uint8Array;
}

/**
 * A data message on the pseudowire at `at` (the peer's logical address): header fields, then the
 * Ethernet frame's fields (frameEvent: addresses, tags, EtherType, length, payload or its hash).
 */
export function dataMessageEvent(at: string, m: DataMessageParts, v: SessionView, t: number, by: TraceActor = 'device'): TraceEvent {
  const inner = frameEvent(at, m.frame, t);
  return traceEvent('frame', t, at, DATA_LABEL, [
    { name: 'Session ID', value: sessionIdText(m.sessionId, v) },
    { name: 'cookie', value: cookieText(m.cookie, v) },
    { name: 'L2SS', value: l2ssText(m.l2ss) },
    ...inner.fields,
  ], by);
}

/** Data octets that do not decode with the session's layout: the reason and the octets. */
export function undecodableDataEvent(at: string, bytes: Uint8Array, why: string, t: number, by: TraceActor = 'device'): TraceEvent {
  return traceEvent('frame', t, at, DATA_LABEL, [{ name: 'error', value: why }, { name: 'octets', value: toHex(bytes) }], by);
}

/** A frame at a LAN port: sent out of it by the device, or into it by the harness (`by` harness). */
export function lanFrameEvent(port: string, frame: Uint8Array, t: number, by: TraceActor = 'device'): TraceEvent {
  const e = frameEvent(port, frame, t);
  return traceEvent('frame', t, port, e.label, e.fields, by);
}

export interface LearningEntry {
  readonly mac: string;
  readonly member: string;
  readonly type: 'static' | 'dynamic';
}

/**
 * A learning-table listing (`show bridge learning bridgeN`) as a `cli` event: one field per entry,
 * `MAC member type`, in the order listed. The idle-time column is left out: it counts whole seconds
 * of a timer, finer than the timing tolerance; whether an entry is there judges the ageing. `poll`
 * numbers the listings of a test, so one listed at a timer boundary can be named and set aside.
 */
export function learningTableEvent(command: string, entries: readonly LearningEntry[], t: number, poll: number): TraceEvent {
  const e = cliEvent(command, entries.map((r) => `${r.mac} ${r.member} ${r.type}`), t);
  return { ...e, fields: [{ name: 'listing', value: `#${poll}, ${entries.length} entries` }, ...e.fields] };
}

/** The CLI command the harness issued (its stimulus event: the anchor of the listing). */
export function cliCommandEvent(command: string, t: number): TraceEvent {
  return traceEvent('cli', t, 'cli', command, [], 'harness');
}
