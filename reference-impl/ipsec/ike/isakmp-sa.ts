// The state one ISAKMP SA carries through phase 1 and after (RFC 2409 §5): cookies, the chosen
// transform, the DH values and nonces, the keys, the phase-1 IV chain, NAT-T state, and the
// quick-mode exchanges running under it.
import type { CbcCipher } from '../cipher-suite.ts';
import type { Payload } from '../isakmp/payloads.ts';
import type { Phase1Suite, EspSuite } from './algorithms.ts';
import type { DhKeyPair } from './dh.ts';
import type { IkeGatewayConfig, IkePort, UdpEndpoint } from './ike-events.ts';
import type { Phase1Keys } from './keys.ts';
import type { NatDetection } from './nat-t.ts';
import type { Phase1State, QuickState } from './transitions.ts';

export type Role = 'initiator' | 'responder';

export interface SentMessage {
  bytes: Uint8Array;
  localPort: IkePort;
  to: UdpEndpoint;
}

export interface IsakmpSa {
  gw: IkeGatewayConfig;
  role: Role;
  mode: 'main' | 'aggressive';
  state: Phase1State;
  icookie: Uint8Array;
  rcookie: Uint8Array;
  local: UdpEndpoint;
  peer: UdpEndpoint;
  localPort: IkePort;
  /** The initiator's SA payload body as sent (SAi_b in HASH_I/HASH_R). */
  saiBody?: Uint8Array;
  suite?: Phase1Suite;
  cipher?: CbcCipher;
  dh?: DhKeyPair;
  gxi?: Uint8Array;
  gxr?: Uint8Array;
  ni?: Uint8Array;
  nr?: Uint8Array;
  keys?: Phase1Keys;
  /** IV for the next phase-1 message; after phase 1, the last phase-1 CBC block (RFC 2409 App. B). */
  iv?: Uint8Array;
  /** ID payload bodies (IDii_b / IDir_b). */
  idiBody?: Uint8Array;
  idrBody?: Uint8Array;
  /** The peer sent a NAT-T vendor ID; the NAT-D payload number it implies (20 or 130). */
  peerNatD?: number;
  peerDpd: boolean;
  nat?: NatDetection;
  /** Floated to 4500 (NAT detected or forced, RFC 3947 §4). */
  floated: boolean;
  lastSent?: SentMessage;
  /** Hex of the last message received, to recognise a retransmission of it. */
  lastReceivedHex?: string;
  retries: number;
  establishedAt?: number;
  quick: Map<number, QuickExchange>;
  /** Chained IVs of informational exchanges by message ID. */
  infoIvs: Map<number, Uint8Array>;
  dpd: { seq: number; unanswered: number; waitingSeq?: number };
  /** Set when replaced by a rekeyed SA: it stays until expiry but starts nothing new. */
  retiring: boolean;
}

export interface QuickExchange {
  messageId: number;
  role: Role;
  state: QuickState;
  /** IV for the next message of this exchange. */
  iv: Uint8Array;
  ni?: Uint8Array;
  nr?: Uint8Array;
  /** Our ESP SPI (inbound) and the peer's (outbound). */
  spiIn: Uint8Array;
  spiOut?: Uint8Array;
  suite?: EspSuite;
  dh?: DhKeyPair;
  gqmxy?: Uint8Array;
  /** Traffic selectors as sent in QM1 (the responder echoes them). */
  ids: Payload[];
  lastSent?: SentMessage;
  lastReceivedHex?: string;
  retries: number;
  /** Set when this exchange rekeys an existing IPsec SA. */
  rekeyOf?: number;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
export const saKey = (icookie: Uint8Array): string => hex(icookie);
