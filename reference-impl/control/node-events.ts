// What goes into an L2tpNode (events) and what comes out (actions). Addresses are opaque
// strings (an IPv4/IPv6 literal); the node never opens a socket.
import type { SyslogId, SyslogLevel } from '../syslog/catalogue.ts';
import type { CookieLength, L2ssMode } from '../l2tpv3/data-message.ts';

export type NodeEvent =
  /** `l2tp service on l2tpv3`: UDP 1701 opens (CR 16.1). */
  | { kind: 'serviceOn' }
  /** `l2tp service off`: UDP 1701 closes and every L2TP connection is dropped (CR 16.1). */
  | { kind: 'serviceOff' }
  /** A UDP payload received on port 1701 from `from`. */
  | { kind: 'packet'; from: string; bytes: Uint8Array }
  /** A timer the node asked for has come due. */
  | { kind: 'timer'; id: string }
  /** `connect tunnel N` / `disconnect tunnel N`. */
  | { kind: 'connect'; tunnel: number }
  | { kind: 'disconnect'; tunnel: number }
  /** The data plane sent or received a frame on the tunnel (resets the disconnect timer, CR 16.3). */
  | { kind: 'dataActivity'; tunnel: number };

export type ConnectionState = 'idle' | 'wait-ctl-reply' | 'wait-ctl-conn' | 'established' | 'closing' | 'hold';
export type SessionState = 'idle' | 'wait-reply' | 'wait-connect' | 'established';

/** The data-plane layout both ends agreed on; "tx" is what we put on packets we send. */
export interface SessionLayout {
  localSessionId: number;
  remoteSessionId: number;
  /** Our Assigned Cookie: the peer puts it in data it sends to us (facts §1.4). */
  rxCookie: Uint8Array;
  /** The peer's Assigned Cookie: we put it in data we send. */
  txCookie: Uint8Array;
  rxLayout: { cookieLength: CookieLength; l2ss: L2ssMode };
  txLayout: { cookieLength: CookieLength; l2ss: L2ssMode };
  pseudowireType: number;
  /** Data Sequencing level the peer asked for: how we number data we send (3931 §5.4.4; absent = 0). */
  txSequencing?: 0 | 1 | 2;
  /** Data Sequencing level we asked for: what we require on data we receive (absent = 0). */
  rxSequencing?: 0 | 1 | 2;
}

export type NodeAction =
  | { kind: 'send'; to: string; bytes: Uint8Array }
  | { kind: 'setTimer'; id: string; atMs: number }
  | { kind: 'cancelTimer'; id: string }
  | { kind: 'syslog'; id: SyslogId; level: SyslogLevel; text: string }
  | { kind: 'tunnelState'; tunnel: number; ccid: number; from: ConnectionState; to: ConnectionState }
  | { kind: 'sessionState'; tunnel: number; localSessionId: number; from: SessionState; to: SessionState }
  | { kind: 'sessionUp'; tunnel: number; peer: string; layout: SessionLayout }
  | { kind: 'sessionDown'; tunnel: number; localSessionId: number }
  /** A control message passed up by reliable delivery (once, in order): for checking it. */
  | { kind: 'delivered'; tunnel: number; ccid: number; ns: number; messageType: number };
