// What goes into an IkeNode (events) and what comes out (actions): the sans-IO contract of
// control/node-events.ts for IKEv1. Addresses are IPv4/IPv6 literals; the node never opens a
// socket, reads a clock or draws a random number (time arrives with each event, randomness is
// injected at construction).
import type { CipherName, IntegrityName } from '../cipher-suite.ts';
import type { IdType, ModpGroup } from '../isakmp/constants.ts';
import type { Phase1Suite } from './algorithms.ts';

export interface UdpEndpoint {
  address: string;
  port: number;
}

/** 500 for IKE, 4500 after the NAT-T float (RFC 3947 §4); on 4500 the bytes carry the non-ESP marker. */
export type IkePort = 500 | 4500;

export type IkeEvent =
  /** A UDP payload received on local port 500 or 4500 (with the non-ESP marker on 4500, as on the wire). */
  | { kind: 'udp'; localPort: IkePort; from: UdpEndpoint; bytes: Uint8Array }
  /** A timer the node asked for has come due. */
  | { kind: 'timer'; id: string }
  /** Start phase 1 (if needed) and quick mode towards the gateway's peer (`ipsec refresh sa`, traffic, always-on). */
  | { kind: 'connect'; gateway: number }
  /** Delete the gateway's IPsec SAs and ISAKMP SA, telling the peer (`ipsec sa delete`). */
  | { kind: 'disconnect'; gateway: number };

/** An identity (`ipsec ike local name` / `remote name`): text for FQDN/USER_FQDN/KEY_ID, an address literal for the address types. */
export interface IkeIdentity {
  type: IdType;
  value: string;
}

export interface Phase1KeyLog {
  icookie: Uint8Array;
  rcookie: Uint8Array;
  skeyid: Uint8Array;
  skeyidD: Uint8Array;
  skeyidA: Uint8Array;
  skeyidE: Uint8Array;
  encKey: Uint8Array;
}

export interface EspKeys {
  spi: number;
  encKey: Uint8Array;
  authKey: Uint8Array;
}

export interface IpsecSaUp {
  gateway: number;
  cipher: CipherName;
  integrity: IntegrityName;
  /** ESP in UDP 4500 (RFC 3948) because a NAT was detected or forced. */
  udpEncapsulated: boolean;
  /** Keys for ESP we receive (our SPI) and send (the peer's SPI). */
  inbound: EspKeys;
  outbound: EspKeys;
  local: UdpEndpoint;
  peer: UdpEndpoint;
  pfsGroup?: ModpGroup;
  lifetimeS: number;
}

export type IkeAction =
  | { kind: 'send'; localPort: IkePort; to: UdpEndpoint; bytes: Uint8Array }
  | { kind: 'setTimer'; id: string; atMs: number }
  | { kind: 'cancelTimer'; id: string }
  /** An IKE log line (`[IKE] initiate ISAKMP phase to ADDR`, ipsec-facts.md); other lines are the oracle's own. */
  | { kind: 'log'; text: string }
  | { kind: 'phase1Up'; gateway: number; peer: UdpEndpoint; keys: Phase1KeyLog; natDetected: boolean }
  | { kind: 'phase1Down'; gateway: number; icookie: Uint8Array; reason: string }
  /** Quick-mode keys as soon as both nonces and SPIs are known (initiator: on QM2; responder: on sending QM2), for key logs. */
  | { kind: 'ipsecKeys'; gateway: number; messageId: number; inbound: EspKeys; outbound: EspKeys }
  | { kind: 'ipsecSaUp'; sa: IpsecSaUp }
  | { kind: 'ipsecSaDown'; gateway: number; inboundSpi: number; outboundSpi: number; reason: string }
  /** A notification the peer sent us (after checking its HASH when protected). */
  | { kind: 'notifyReceived'; gateway?: number; notifyType: number; protected: boolean }
  /** A message we did not act on, and why (negative tests check this). */
  | { kind: 'dropped'; from: UdpEndpoint; reason: string; offset?: number }
  /** DPD gave up on the peer (RFC 3706 §5.5). */
  | { kind: 'peerDead'; gateway: number };

export interface NatTraversalConfig {
  /** `ipsec ike nat-traversal GW on` */
  on: boolean;
  /** `force=on` (see the 'nat-t-force-fakes-nat-d' assumption). */
  force: boolean;
  /** `keepalive=` seconds, or off. */
  keepaliveS: number | 'off';
}

export interface KeepaliveConfig {
  /** `ipsec ike keepalive use GW on dpd ...`; heartbeat is not modelled ('heartbeat-not-modelled'). */
  method: 'dpd' | 'heartbeat' | 'off';
  intervalS: number;
  count: number;
}

export interface IkeGatewayConfig {
  gateway: number;
  /** `ipsec ike pre-shared-key` (text as UTF-8 octets, or the 0x form). Never logged. */
  psk: Uint8Array;
  /** `ipsec ike local address` */
  local: string;
  /** `ipsec ike remote address`: 'any' accepts any peer and cannot initiate (§1.4). */
  remote: string | 'any';
  /** Main mode when both ends are fixed, aggressive when `local name`/`remote name` are used (ipsec-facts.md). */
  exchange: 'main' | 'aggressive';
  /** Aggressive mode: the identity we send. Main mode always sends ID_IPV4_ADDR/ID_IPV6_ADDR of `local`. */
  localId?: IkeIdentity;
  /** Aggressive-mode responder: the peer's expected name; its type is not compared (§1.4). */
  remoteId?: IkeIdentity;
  /** Phase-1 transforms in the order offered / preferred. */
  phase1: readonly Phase1Suite[];
  /** `ipsec sa policy ... esp CIPHER AUTH` */
  esp: { cipher: CipherName; integrity: IntegrityName };
  /** `ipsec ike pfs GW on` with the phase-1 group, or undefined. */
  pfsGroup?: ModpGroup;
  natTraversal: NatTraversalConfig;
  keepalive: KeepaliveConfig;
  /** `ipsec auto refresh` in effect for the gateway (§1.4). */
  autoRefresh: boolean;
  phase1LifetimeS?: number;
  phase2LifetimeS?: number;
  /** `ipsec transport ID POLICY udp 1701`: the protected traffic. */
  transport: { protocol: number; port: number };
}
