// What the phase-1, quick-mode and informational handlers need from the node: randomness, the
// profile, sending (with retransmission), and the outcomes. Keeps each handler file free of the
// node's bookkeeping.
import type { Payload } from '../isakmp/payloads.ts';
import type { IsakmpHeader } from '../isakmp/message.ts';
import type { IkeProfile } from './profile.ts';
import type { IkeCtx } from './ike-timers.ts';
import type { IkeGatewayConfig, UdpEndpoint } from './ike-events.ts';
import type { IsakmpSa, QuickExchange } from './isakmp-sa.ts';

/** A received message after decoding (and decryption): payloads with their raw bodies. */
export interface Received {
  header: IsakmpHeader;
  encrypted: boolean;
  payloads: Payload[];
  /** Raw body of each payload (no generic header), parallel to payloads: SAi_b, IDii_b, Ni_b. */
  bodies: Uint8Array[];
  /** The payload chain octets after the first payload (the input of HASH(1)/(2)). */
  afterFirst: Uint8Array;
  from: UdpEndpoint;
  localPort: 500 | 4500;
}

export interface IkeCore {
  readonly ctx: IkeCtx;
  readonly profile: IkeProfile;
  randomBytes(n: number): Uint8Array;
  /** A non-zero 32-bit value (message IDs, RFC 2408 §3.1; SPIs >= 256, RFC 4303 §2.1). */
  randomU32(min: number): number;
  log(text: string): void;
  /** Sends a message of the SA; `await` arms retransmission until the answer arrives. */
  sendPhase1(sa: IsakmpSa, bytes: Uint8Array, awaitReply: boolean): void;
  sendQuick(sa: IsakmpSa, q: QuickExchange, bytes: Uint8Array, awaitReply: boolean): void;
  /** An unprotected informational (before keys exist): N(type) and the SA is abandoned. */
  failPhase1(sa: IsakmpSa, reason: string, notifyType?: number): void;
  /** A protected informational N(type) for a quick mode that failed, which is abandoned. */
  failQuick(sa: IsakmpSa, q: QuickExchange, reason: string, notifyType?: number): void;
  phase1Established(sa: IsakmpSa): void;
  quickEstablished(sa: IsakmpSa, q: QuickExchange): void;
  /** Responder: the gateway an initial message belongs to (aggressive mode: by the peer's ID). */
  gatewaysFor(peer: UdpEndpoint, mode: 'main' | 'aggressive'): IkeGatewayConfig[];
}

export type HandlerResult = { ok: true } | { ok: false; reason: string };
export const OK: HandlerResult = { ok: true };
export const reject = (reason: string): HandlerResult => ({ ok: false, reason });
