// Where an L2TPv3 control trace carries values chosen at random (RFC 3931 §5.4.3 Assigned Control
// Connection ID and Tie Breaker, §5.4.4 Local/Remote Session ID and Assigned Cookie, §4.3 Nonce and
// Message Digest; RFC 2661 §4.4.3 Challenge / Challenge Response, §4.3 Random Vector), and the syslog
// lines that name them (reference-impl/syslog/catalogue.ts: `tunnel {tunnelId}`, `session {sessionId}`,
// the logger's own IDs). In a message the device sent, an Assigned CCID or Local Session ID is the
// device's and the header CCID or Remote Session ID the peer's; in one the harness sent, the reverse.
import type { FieldRoleRule, RoleRules } from './roles.ts';

interface ChosenField {
  readonly field: string;
  /** Role of the value in a message the device sent, and in one the harness sent. */
  readonly device: string;
  readonly harness: string;
  readonly keep?: readonly string[];
  readonly why: string;
}

const CHOSEN: readonly ChosenField[] = [
  { field: 'Assigned Control Connection ID', device: 'ccid', harness: 'peer-ccid', why: 'the sender picks its Control Connection ID at random (3931 §5.4.3)' },
  { field: 'CCID', device: 'peer-ccid', harness: 'ccid', keep: ['0'], why: 'the header carries the receiver\'s CCID; 0 (not known yet) stays exact' },
  { field: 'Local Session ID', device: 'sid', harness: 'peer-sid', why: 'the sender picks its Session ID at random (3931 §5.4.4)' },
  { field: 'Remote Session ID', device: 'peer-sid', harness: 'sid', keep: ['0'], why: 'the receiver\'s Session ID; 0 (not known yet) stays exact' },
  { field: 'Assigned Cookie', device: 'cookie', harness: 'peer-cookie', keep: [''], why: 'cookie octets are random; an absent (empty) cookie stays exact, and its length shows in the role only by presence' },
  { field: 'Serial Number', device: 'serial', harness: 'peer-serial', why: 'the oracle draws it at random (control/session.ts); RFC 3931 only asks that it identify the session' },
  { field: 'Tie Breaker', device: 'tie', harness: 'peer-tie', why: 'random 8 octets (3931 §5.4.3)' },
  { field: 'Challenge', device: 'challenge', harness: 'peer-challenge', why: 'random challenge (2661 §4.4.3)' },
  { field: 'Challenge Response', device: 'response', harness: 'peer-response', why: 'an MD5 over the other side\'s random challenge: repeatable only with the same challenge' },
  { field: 'Control Message Authentication Nonce', device: 'nonce', harness: 'peer-nonce', why: 'random nonce (3931 §4.3)' },
  { field: 'Message Digest', device: 'digest', harness: 'peer-digest', why: 'an HMAC over random nonces: repeatable only with the same nonces' },
  { field: 'Random Vector', device: 'rv', harness: 'peer-rv', why: 'random vector for AVP hiding (2661 §4.3)' },
];

const fieldRules = (by: 'device' | 'harness'): FieldRoleRule[] =>
  CHOSEN.map((c) => ({ name: `${c.field} (${by} sent)`, role: c[by], source: 'control', by, field: c.field, ...(c.keep ? { keep: c.keep } : {}), why: c.why }));

/**
 * A message the harness broke on purpose (a misbehaving peer: wrong version, no L bit, a malformed
 * AVP) cannot be decoded, so its random choices (CCID, Tie Breaker, ...) stay inside raw octets no
 * field rule can reach. Its `error` field still says exactly what was broken; the octets are the
 * harness's own stimulus, named by role. A device's undecodable message keeps its octets exact.
 */
const BROKEN_BY_HARNESS: FieldRoleRule = {
  name: 'octets of a message the harness broke (harness sent)', role: 'peer-octets', source: 'control', by: 'harness', field: 'octets',
  why: 'a message a misbehaving peer broke on purpose carries its random choices in octets the codec cannot decode; its error field says what was broken',
};

export const L2TP_ROLE_RULES: RoleRules = {
  fields: [...fieldRules('device'), ...fieldRules('harness'), BROKEN_BY_HARNESS],
  texts: [
    { name: 'tunnel id in a syslog line', role: 'ccid', source: 'syslog', pattern: /\btunnel (\d+)\b/g, why: 'catalogue lines name the logger\'s own CCID' },
    { name: 'session id in a syslog line', role: 'sid', source: 'syslog', pattern: /\bsession (\d+)\b/g, why: 'catalogue lines name the logger\'s own Session ID' },
  ],
};
