// What a tester peer reports while it runs: its own state changes (the oracle's), every
// control message the device sent it (decoded), what it sent, data frames, and problems.
import type { ConnectionState, SessionLayout, SessionState } from '../../reference-impl/control/node-events.ts';

export interface MessageSummary {
  /** Message Type code, undefined for a ZLB or an undecodable message. */
  type?: number;
  /** SCCRQ, ICRP, ZLB, ... or `undecodable: why`. */
  name: string;
  ccid?: number;
  ns?: number;
  nr?: number;
  /** Result Code of a StopCCN / CDN, when present. */
  result?: { result: number; error?: number };
}

export type PeerEvent =
  | { kind: 'tunnel'; ccid: number; from: ConnectionState; to: ConnectionState }
  | { kind: 'session'; localSessionId: number; from: SessionState; to: SessionState }
  | { kind: 'sessionUp'; layout: SessionLayout }
  | { kind: 'sessionDown'; localSessionId: number }
  /** A control datagram received from the device (before any misbehaviour hook). */
  | ({ kind: 'received'; bytes: Uint8Array } & MessageSummary)
  /** A control datagram put on the wire (after the hooks). */
  | ({ kind: 'sent'; bytes: Uint8Array } & MessageSummary)
  /** The peer's own oracle log line (what an RTX in its place would log). */
  | { kind: 'log'; text: string }
  /** An Ethernet frame that arrived through the session. */
  | { kind: 'frame'; frame: Uint8Array }
  /** A data message the peer dropped (wrong session, cookie, layout). */
  | { kind: 'dataDropped'; why: string }
  /** The peer could not do what a test asked (e.g. a steered tie breaker did not take). */
  | { kind: 'error'; text: string };
