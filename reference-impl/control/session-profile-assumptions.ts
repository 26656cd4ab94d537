// The firmware-profile parameters of a session's data plane and of malformed-message handling that
// no Yamaha document gives: each is a named guess with its default, reasoning and confidence (the
// pattern of reference-impl/platform/assumptions.ts), so reports can show it next to a verdict and
// a hardware run can settle it. control-profile.ts takes its defaults from here, never retyped.
// Each is: ASSUMPTION (not documented; a hardware run confirms or refutes).

export type SessionProfileAssumptionId =
  | 'own-cookie-length'
  | 'own-l2ss'
  | 'own-data-sequencing'
  | 'sequence-window'
  | 'sequence-resync'
  | 'level1-classification'
  | 'missing-mandatory-avp';

export interface SessionProfileAssumption<V> {
  readonly id: SessionProfileAssumptionId;
  /** The ControlProfile field it sets. */
  readonly parameter: string;
  readonly value: V;
  /** What the assumption decides. */
  readonly assumption: string;
  /** The clues used, so a reviewer can weigh them. */
  readonly reasoning: string;
  /** strong: follows from documented facts by a short inference; weak: a judgement call. */
  readonly confidence: 'strong' | 'weak';
}

const a = <V>(x: SessionProfileAssumption<V>): SessionProfileAssumption<V> => x;

export const SESSION_PROFILE_ASSUMPTIONS = {
  cookieLength: a<0 | 4 | 8>({
    id: 'own-cookie-length', parameter: 'cookieLength', value: 0,
    assumption: 'The router sends no Assigned Cookie AVP (cookie length 0) in its ICRQ/ICRP, so peers send it data without a cookie.',
    reasoning: 'RTX has no cookie command (yamaha-platform-facts.md §1.1: chapter 16 has no `l2tp cookie`; §8 "Cookie / session ID": no configuration exists). RFC 3931 §5.4.4 makes the AVP optional; an implementation without a setting most plausibly omits it. Whatever the peer assigns is still sent on every data message (3931 §5.4.4 MUST).',
    confidence: 'weak',
  }),
  l2ssOffered: a<0 | 1>({
    id: 'own-l2ss', parameter: 'l2ssOffered', value: 0,
    assumption: 'The router asks for no L2-Specific Sublayer on data it receives (L2SS AVP value 0).',
    reasoning: 'No RTX command selects a sublayer (yamaha-platform-facts.md §1.1); RFC 4719 §3.2 makes the sublayer optional for Ethernet PWs and RFC 3931 §4.6 needs it only for sequencing, which RTX has no command for either. A Default L2SS the peer asks for is still sent (3931 §5.4.4 MUST).',
    confidence: 'weak',
  }),
  dataSequencing: a<0 | 1 | 2>({
    id: 'own-data-sequencing', parameter: 'dataSequencing', value: 0,
    assumption: 'The router sends no Data Sequencing AVP (level 0): it does not require sequence numbers on data it receives.',
    reasoning: 'No RTX command turns sequencing on (yamaha-platform-facts.md §1.1); RFC 3931 §5.4.4: no AVP means level 0. Sequencing the peer asks for is honoured (the S bit and numbers of 3931 §4.6).',
    confidence: 'weak',
  }),
  sequenceWindow: a<number>({
    id: 'sequence-window', parameter: 'sequenceWindow', value: 2 ** 23,
    assumption: 'A received sequence number is "new" when it lies within 2^23 numbers at or after the expected one; others are old or duplicate and dropped.',
    reasoning: 'RFC 3931 Appendix C: the window SHOULD be configurable with a default of half the number space (2^(24-1) for the Default L2SS); RTX has no command, so the RFC default.',
    confidence: 'weak',
  }),
  sequenceResyncAfter: a<number>({
    id: 'sequence-resync', parameter: 'sequenceResyncAfter', value: 32,
    assumption: 'After 32 "old" drops that are in sequence among themselves, the expected number is reset to follow them.',
    reasoning: 'RFC 3931 Appendix C MUST resynchronise after a long outage by such a count, with a configurable threshold and no default; 32 is our pick (more than any plausible reordering depth on one path, small enough to recover fast).',
    confidence: 'weak',
  }),
  level1Classification: a<'by-ethertype' | 'all-frames'>({
    id: 'level1-classification', parameter: 'level1Classification', value: 'by-ethertype',
    assumption: 'When the peer asks for Data Sequencing level 1, frames whose EtherType (after any 802.1Q tags) is IPv4 or IPv6 go unsequenced (S=0); every other frame is sequenced.',
    reasoning: 'RFC 3931 §5.4.4: IP traffic MUST be sent unsequenced at level 1, unless the implementation cannot classify, in which case everything is sequenced (level 2). An Ethernet PW can classify by EtherType (RFC 4719 §4 carries whole frames).',
    confidence: 'weak',
  }),
  missingMandatoryAvp: a<'clear-connection' | 'refuse-owner' | 'accept'>({
    id: 'missing-mandatory-avp', parameter: 'missingMandatoryAvp', value: 'clear-connection',
    assumption: 'A control message lacking an AVP RFC 3931 §6 lists as MUST (any message type) is logged and the control connection cleared with a StopCCN (Result 2, Error 3).',
    reasoning: 'RFC 3931 §7.1: "a message that is missing a required AVP" is malformed, and an unrecoverable malformed message "SHOULD be logged appropriately and the control connection cleared". The seed logs `[L2TP] AVPs check error` (or `remote end-id not exist` for an ICRQ without Remote End ID) but says nothing of the reaction. Other values: refuse-owner (a session message ends only its session with a CDN, as the M-bit rule of §5.2 does), accept (process the message as if complete).',
    confidence: 'weak',
  }),
} as const;

export const SESSION_PROFILE_ASSUMPTION_LIST: readonly SessionProfileAssumption<unknown>[] = Object.values(SESSION_PROFILE_ASSUMPTIONS);
