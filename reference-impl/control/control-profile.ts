// Firmware-profile parameters for control-plane behaviour the documents do not give.
// Every field is a guess until a hardware run confirms or refutes it; each says so.
import type { CookieLength } from '../l2tpv3/data-message.ts';
import { SESSION_PROFILE_ASSUMPTIONS as SA } from './session-profile-assumptions.ts';

export type TunnelAuthMethod = 'challenge' | 'digest';
/** Data Sequencing levels (RFC 3931 §5.4.4): 0 none, 1 non-IP only, 2 all. */
export type SequencingLevel = 0 | 1 | 2;
/** What a control message missing a mandatory AVP does (session-profile-assumptions.ts missingMandatoryAvp). */
export type MissingAvpAction = 'clear-connection' | 'refuse-owner' | 'accept';

export interface ControlProfile {
  /**
   * ASSUMPTION: which wire method `l2tp tunnel auth on` uses: 'challenge' = L2TPv2-style
   * Challenge / Challenge Response AVPs 11/13 (RFC 2661 §4.4.3), 'digest' = RFC 3931 §4.3
   * Nonce + Message Digest. Default 'challenge' (facts §3.8: deployed v3 gear hints at it).
   * (not documented; a hardware run confirms or refutes)
   */
  tunnelAuthMethod: TunnelAuthMethod;
  /** ASSUMPTION: Message Digest type with the 'digest' method: 0 HMAC-MD5 (not documented; a hardware run confirms or refutes). */
  digestType: 0 | 1;
  /** Initial retransmission timeout, RFC 3931 §4.2 recommends 1 s. ASSUMPTION: RTX uses the RFC value (not documented; a hardware run confirms or refutes). */
  retransmitInitialMs: number;
  /** ASSUMPTION: retransmission cap 8 s, the RFC's lower bound for a cap (not documented; a hardware run confirms or refutes). */
  retransmitCapMs: number;
  /**
   * ASSUMPTION: 5 retransmissions before giving up (the L2TPv2 value; RFC 3931 recommends 10).
   * With 1 s doubling capped at 8 s that gives up 31 s after the first send (not documented; a hardware run confirms or refutes).
   */
  maxRetransmissions: number;
  /** ASSUMPTION: our Receive Window Size AVP is 4, the RFC 3931 §5.4.3 default (not documented; a hardware run confirms or refutes). */
  receiveWindow: number;
  /** State hold after a StopCCN, RFC 3931 §3.3.2 "at least 31 seconds". ASSUMPTION: exactly 31 s (not documented; a hardware run confirms or refutes). */
  stopCcnHoldMs: number;
  /** ASSUMPTION: acknowledgements are explicit ACK messages (type 20) rather than ZLBs (not documented; a hardware run confirms or refutes). ZLB is never used with digest auth (3931 §6.15). */
  ackStyle: 'explicit' | 'zlb';
  /** ASSUMPTION: length of the Assigned Cookie we send, 0 = none (session-profile-assumptions.ts own-cookie-length). */
  cookieLength: CookieLength;
  /** ASSUMPTION: the L2-Specific Sublayer we require on received data: 0 none, 1 Default (own-l2ss). */
  l2ssOffered: 0 | 1;
  /** ASSUMPTION: the Data Sequencing level we require on received data, sent as the Data Sequencing AVP when not 0 (own-data-sequencing). Needs l2ssOffered 1 (3931 §5.4.4). */
  dataSequencing: SequencingLevel;
  /** ASSUMPTION: RFC 3931 App. C window of "new" sequence numbers (sequence-window). */
  sequenceWindow: number;
  /** ASSUMPTION: in-sequence "old" drops before the expected number resynchronises (sequence-resync). */
  sequenceResyncAfter: number;
  /** ASSUMPTION: how level-1 sequencing tells IP frames from others (level1-classification). */
  level1Classification: 'by-ethertype' | 'all-frames';
  /** ASSUMPTION: a control message missing a mandatory AVP, any type alike (missing-mandatory-avp; RFC 3931 §7.1 default). */
  missingMandatoryAvp: MissingAvpAction;
  /** ASSUMPTION: Tie Breaker AVPs are sent in every SCCRQ and ICRQ (not documented; a hardware run confirms or refutes). */
  sendTieBreakers: boolean;
  /** ASSUMPTION: only the control connection's initiator sends the ICRQ ('tunnel-initiator'); 'both' makes sessions race (not documented; a hardware run confirms or refutes). */
  sessionInitiator: 'tunnel-initiator' | 'both';
  /** ASSUMPTION: with always-on, a failed or closed tunnel is retried after 10 s (not documented; a hardware run confirms or refutes). */
  reconnectDelayMs: number;
  /** ASSUMPTION: a waiting state (wait-ctl-reply/-conn, wait-reply/-connect) times out after 60 s even if acknowledged (not documented; a hardware run confirms or refutes). */
  stateTimeoutMs: number;
  /** ASSUMPTION: the Router ID AVP is compared with `l2tp remote router-id` even when both are 0.0.0.0 (not documented; a hardware run confirms or refutes). */
  routerIdCheck: 'always' | 'when-configured';
  /**
   * ASSUMPTION: DEBUG lines that belong to no tunnel yet (bad header, unknown sender) are logged
   * when any tunnel has `l2tp syslog on` (not documented; a hardware run confirms or refutes).
   */
  unboundDebugGate: 'any-tunnel-syslog' | 'always';
  /** ASSUMPTION: a new SCCRQ from a peer whose tunnel is already up replaces the old connection (peer restart) (not documented; a hardware run confirms or refutes). */
  sccrqWhileConnected: 'replace' | 'reject';
  /** ASSUMPTION: the Vendor Name AVP is not sent (not documented; a hardware run confirms or refutes). */
  vendorName?: string;
  /** ASSUMPTION: Nonce / Challenge / Random Vector lengths of 16 octets, the RFC's recommended minimum (not documented; a hardware run confirms or refutes). */
  nonceLength: number;
}

export const DEFAULT_CONTROL_PROFILE: ControlProfile = {
  tunnelAuthMethod: 'challenge',
  digestType: 0,
  retransmitInitialMs: 1000,
  retransmitCapMs: 8000,
  maxRetransmissions: 5,
  receiveWindow: 4,
  stopCcnHoldMs: 31_000,
  ackStyle: 'explicit',
  cookieLength: SA.cookieLength.value,
  l2ssOffered: SA.l2ssOffered.value,
  dataSequencing: SA.dataSequencing.value,
  sequenceWindow: SA.sequenceWindow.value,
  sequenceResyncAfter: SA.sequenceResyncAfter.value,
  level1Classification: SA.level1Classification.value,
  missingMandatoryAvp: SA.missingMandatoryAvp.value,
  sendTieBreakers: true,
  sessionInitiator: 'tunnel-initiator',
  reconnectDelayMs: 10_000,
  stateTimeoutMs: 60_000,
  routerIdCheck: 'always',
  unboundDebugGate: 'any-tunnel-syslog',
  sccrqWhileConnected: 'replace',
  vendorName: undefined,
  nonceLength: 16,
};

// RFC 3931 §3.3.2 / facts §4.6: the hold after a StopCCN may not be shorter than 31 s.
export const MIN_STOPCCN_HOLD_MS = 31_000;
// RFC 3931 §4.2 / facts §4.4: a retransmission cap, if any, SHOULD be at least 8 s.
export const MIN_RETRANSMIT_CAP_MS = 8_000;

export function validateControlProfile(p: ControlProfile): void {
  if (p.stopCcnHoldMs < MIN_STOPCCN_HOLD_MS) throw new Error(`control profile: stopCcnHoldMs ${p.stopCcnHoldMs} is below the 31 s RFC 3931 requires`);
  if (p.retransmitInitialMs <= 0) throw new Error('control profile: retransmitInitialMs must be positive');
  if (p.retransmitCapMs < p.retransmitInitialMs) throw new Error('control profile: retransmitCapMs is below retransmitInitialMs');
  if (!(p.maxRetransmissions >= 0)) throw new Error('control profile: maxRetransmissions must be >= 0');
  if (!(p.receiveWindow >= 1 && p.receiveWindow <= 0xffff)) throw new Error('control profile: receiveWindow must be 1..65535');
  // Sequencing without a sublayer that carries numbers is what RFC 3931 §5.4.4 answers with CDN 15.
  if (p.dataSequencing !== 0 && p.l2ssOffered !== 1) throw new Error('control profile: dataSequencing needs l2ssOffered 1 (the Default L2SS carries the numbers)');
  if (!(Number.isInteger(p.sequenceWindow) && p.sequenceWindow >= 1 && p.sequenceWindow <= 2 ** 23)) throw new Error('control profile: sequenceWindow must be 1..2^23');
  if (!(Number.isInteger(p.sequenceResyncAfter) && p.sequenceResyncAfter >= 1)) throw new Error('control profile: sequenceResyncAfter must be >= 1');
}
