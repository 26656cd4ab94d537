// The peer's misbehaviours: named, composable steps a test (or `peer --misbehave NAME[=PARAM]`)
// installs on a PeerTunnel before or while it runs. Each bends what the well-behaved oracle
// does (outgoing/incoming/data hooks) so the device under test sees exactly one fault.
// Header and AVP rules broken on purpose: RFC 3931 §3.2.1, §4.1.2.1, §5.1-§5.4, §5.4.3/§5.4.4
// (tie breakers), §7 (FSMs); facts: l2tpv3-protocol-facts.md §2-§4.
import { avps as A } from '../../reference-impl/l2tpv3/avp-builders.ts';
import { encodeAvps } from '../../reference-impl/l2tpv3/avp.ts';
import { AVP } from '../../reference-impl/l2tpv3/avp-types.ts';
import { MESSAGE_TYPE as MT } from '../../reference-impl/l2tpv3/message-types.ts';
import { parseRouterId } from '../../reference-impl/control/tunnel-settings.ts';
import type { Datagram, PeerTunnel } from './peer-tunnel.ts';
import { IPSEC_MISBEHAVIOURS, isIpsecMisbehaviourName, type IpsecMisbehaviourSpec } from './ipsec/ipsec-misbehaviours.ts';
import { IpsecTransport } from './ipsec/ipsec-transport.ts';
import {
  avpValue, rawAvp, rawMessageType, truncated, withAvpAppended, withAvpReplaced, withAvpValueInverted, withCcid, withLength,
  withMessageType, withoutFlags, withVersion,
} from './raw-message.ts';
import { DRAWS_BEFORE_TIE_BREAKER, parseTieBreaker } from './steerable-random.ts';

/** An attribute type no L2TP registry assigns (IANA "L2TP AVP types" stops far below). */
export const UNKNOWN_AVP_TYPE = 0x7ffe;

export interface MisbehaviourSpec {
  description: string;
  /** The optional `=PARAM`: what it means and its default. */
  parameter?: { meaning: string; default: string };
  install(peer: PeerTunnel, param: string): void;
}

const START = [MT.SCCRQ, MT.SCCRP];

/** Rewrites outgoing control messages whose type is in `types`. */
function rewrite(peer: PeerTunnel, types: readonly number[], f: (b: Uint8Array) => Uint8Array[] | Uint8Array): void {
  peer.outgoingHooks.push((d) => {
    if (!d.control || d.type === undefined || !types.includes(d.type)) return undefined;
    const r = f(d.bytes);
    return Array.isArray(r) ? r : [r];
  });
}

function messageTypes(param: string): number[] {
  return param.split(',').map((n) => {
    const code = (MT as Record<string, number>)[n];
    if (code === undefined) throw new Error(`unknown message type '${n}' (expected e.g. SCCRQ, ICRQ)`);
    return code;
  });
}

function positiveInt(param: string, what: string): number {
  if (!/^\d+$/.test(param) || Number(param) < 1) throw new Error(`${what}: expected a positive integer (got '${param}')`);
  return Number(param);
}

/** Checks the next outgoing message of `type` carries the steered tie breaker; reports otherwise. */
function expectTieBreaker(peer: PeerTunnel, type: number, tb: Uint8Array): void {
  let checked = false;
  peer.outgoingHooks.push((d) => {
    if (checked || d.type !== type) return undefined;
    checked = true;
    const got = avpValue(d.bytes, AVP.TieBreaker);
    if (!got || Buffer.compare(Buffer.from(got), Buffer.from(tb)) !== 0) {
      peer.random.clear();
      peer.report(`steered tie breaker did not take in ${type === MT.SCCRQ ? 'SCCRQ' : 'ICRQ'}: the oracle's draw order changed (steerable-random.ts)`);
    }
    return undefined;
  });
}

export const MISBEHAVIOURS = {
  'wrong-version': {
    description: 'SCCRQ/SCCRP sent with a header version other than 3 (3931 §3.2.1)',
    parameter: { meaning: 'the version number put in the header', default: '2' },
    install: (p, v) => rewrite(p, START, (b) => withVersion(b, positiveInt(v, 'wrong-version'))),
  },
  truncated: {
    description: 'SCCRQ/SCCRP cut short: fewer octets than a control header',
    parameter: { meaning: 'octets kept', default: '8' },
    install: (p, v) => rewrite(p, START, (b) => truncated(b, positiveInt(v, 'truncated'))),
  },
  'length-lie': {
    description: "SCCRQ/SCCRP whose header Length claims more octets than were sent",
    parameter: { meaning: 'octets added to the Length field', default: '16' },
    install: (p, v) => rewrite(p, START, (b) => withLength(b, b.length + positiveInt(v, 'length-lie'))),
  },
  'no-length-bit': {
    description: 'SCCRQ/SCCRP with the L bit clear: an invalid control header (3931 §3.2.1: T, L, S must be 1)',
    install: (p) => rewrite(p, START, (b) => withoutFlags(b, 0x4000)),
  },
  'unknown-ccid': {
    description: 'every control message after the first carries a Control Connection ID the device never assigned',
    install: (p) => {
      let first = true;
      p.outgoingHooks.push((d) => {
        if (!d.control) return undefined;
        if (first) return ((first = false), undefined);
        return [withCcid(d.bytes, 0x0badc0de)];
      });
    },
  },
  'unknown-avp-mandatory': {
    description: `an unknown AVP (type ${UNKNOWN_AVP_TYPE}) with the M bit set appended (3931 §5.2: the receiver must refuse)`,
    parameter: { meaning: 'message types it is added to', default: 'SCCRQ,SCCRP' },
    install: (p, v) => rewrite(p, messageTypes(v), (b) => withAvpAppended(b, rawAvp(UNKNOWN_AVP_TYPE, Uint8Array.of(1, 2, 3, 4), { mandatory: true }))),
  },
  'unknown-avp-optional': {
    description: `an unknown AVP (type ${UNKNOWN_AVP_TYPE}) with the M bit clear appended (3931 §5.2: the receiver must ignore it)`,
    parameter: { meaning: 'message types it is added to', default: 'SCCRQ,SCCRP' },
    install: (p, v) => rewrite(p, messageTypes(v), (b) => withAvpAppended(b, rawAvp(UNKNOWN_AVP_TYPE, Uint8Array.of(1, 2, 3, 4)))),
  },
  'hidden-avp-no-secret': {
    description: 'an AVP of SCCRQ/SCCRP hidden (H bit, 3931 §5.3) with a secret the device does not share',
    parameter: { meaning: 'attribute type hidden', default: String(AVP.AssignedControlConnectionId) },
    install: (p, v) => {
      const type = positiveInt(v, 'hidden-avp-no-secret');
      rewrite(p, START, (b) => {
        const value = avpValue(b, type);
        if (!value) return b;
        const rv = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff);
        const hidden = { mandatory: true, hidden: true, vendorId: 0, attributeType: type, value: { kind: 'octets' as const, value: value.slice() } };
        const parts = encodeAvps([A.randomVector(rv), hidden], { secret: 'a secret only the peer knows' });
        return withAvpReplaced(b, type, Uint8Array.from([...parts[0], ...parts[1]]));
      });
    },
  },
  'malformed-avp': {
    description: 'SCCRQ/SCCRP with a Router ID AVP (M=1) whose value is 2 octets instead of 4 (3931 §5.4.3)',
    install: (p) => rewrite(p, START, (b) => withAvpReplaced(b, AVP.RouterId, rawAvp(AVP.RouterId, Uint8Array.of(10, 0), { mandatory: true }))),
  },
  'wrong-router-id': {
    description: 'SCCRQ/SCCRP carry a Router ID other than the one the device expects (RTX `l2tp remote router-id`)',
    parameter: { meaning: 'Router ID sent', default: '192.0.2.99' },
    install: (p, v) => {
      const id = parseRouterId(v, 'wrong-router-id');
      rewrite(p, START, (b) => withAvpReplaced(b, AVP.RouterId, rawAvp(AVP.RouterId, Uint8Array.of(id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff), { mandatory: true })));
    },
  },
  'no-end-id': {
    description: 'ICRQ without the Remote End ID AVP',
    install: (p) => rewrite(p, [MT.ICRQ], (b) => withAvpReplaced(b, AVP.RemoteEndId, undefined)),
  },
  'wrong-end-id': {
    description: 'ICRQ with a Remote End ID other than the device\'s `l2tp remote end-id`',
    parameter: { meaning: 'Remote End ID sent', default: 'wrong-end-id' },
    install: (p, v) => rewrite(p, [MT.ICRQ], (b) => withAvpReplaced(b, AVP.RemoteEndId, rawAvp(AVP.RemoteEndId, new TextEncoder().encode(v), { mandatory: true }))),
  },
  'wrong-auth-response': {
    description: 'a wrong Challenge Response in SCCRP/SCCCN, and a wrong Message Digest in every message (digest method)',
    install: (p) => {
      rewrite(p, [MT.SCCRP, MT.SCCCN], (b) => withAvpValueInverted(b, AVP.ChallengeResponse));
      p.outgoingHooks.push((d) => (d.control && d.type !== undefined ? [withAvpValueInverted(d.bytes, AVP.MessageDigest)] : undefined));
    },
  },
  'simultaneous-sccrq': {
    description: "answer the device's SCCRQ with our own SCCRQ first (a tie, 3931 §5.4.3) carrying a chosen Tie Breaker; the lower value wins",
    parameter: { meaning: 'our tie breaker: low (we win), high (the device wins) or 16 hex digits', default: 'low' },
    install: (p, v) => {
      const tb = parseTieBreaker(v);
      let done = false;
      p.incomingHooks.push((d) => {
        if (done || d.type !== MT.SCCRQ || p.state !== 'idle') return 'deliver';
        done = true;
        p.random.steer(DRAWS_BEFORE_TIE_BREAKER.sccrq(), tb);
        expectTieBreaker(p, MT.SCCRQ, tb);
        p.connect(); // our SCCRQ leaves before the oracle sees theirs
        return 'deliver';
      });
    },
  },
  'simultaneous-icrq': {
    description: "send our own ICRQ as the control connection comes up, crossing the device's (a session tie, 3931 §5.4.4), with a chosen Tie Breaker",
    parameter: { meaning: 'our tie breaker: low (we win), high (the device wins) or 16 hex digits', default: 'low' },
    install: (p, v) => {
      const tb = parseTieBreaker(v);
      p.setProfile({ sessionInitiator: 'both' });
      let done = false;
      // The oracle draws the ICRQ's tie breaker while it handles the message that establishes the connection.
      p.incomingHooks.push((d: Datagram) => {
        const establishing = (p.opts.role === 'initiator' && d.type === MT.SCCRP) || (p.opts.role === 'responder' && d.type === MT.SCCCN);
        if (done || !establishing) return 'deliver';
        done = true;
        p.random.steer(DRAWS_BEFORE_TIE_BREAKER.icrq(p.opts.cookieLength ?? 0), tb);
        expectTieBreaker(p, MT.ICRQ, tb);
        return 'deliver';
      });
    },
  },
  'iccn-before-icrp': {
    description: 'an ICCN where the ICRQ should be: a session message out of state (3931 §7.3)',
    install: (p) => rewrite(p, [MT.ICRQ], (b) => withMessageType(b, MT.ICCN)),
  },
  'hello-before-scccn': {
    description: 'a HELLO where the SCCCN should be: a control-connection message out of state (3931 §7.2)',
    install: (p) => rewrite(p, [MT.SCCCN], (b) => withMessageType(b, MT.HELLO)),
  },
  'ignore-hello': {
    description: "the device's HELLOs are dropped unseen: never acknowledged (keepalive must declare us down)",
    install: (p) => p.incomingHooks.push((d) => (d.type === MT.HELLO ? 'drop' : 'deliver')),
  },
  'stop-acking': {
    description: 'explicit ACKs and ZLBs are not sent (messages are still processed)',
    install: (p) => p.outgoingHooks.push((d) => (d.control && (d.type === undefined || d.type === MT.ACK) ? [] : undefined)),
  },
  silence: {
    description: 'every control message from the device is dropped unseen: no answer, no acknowledgement',
    install: (p) => p.incomingHooks.push((d) => (d.control ? 'drop' : 'deliver')),
  },
  duplicate: {
    description: 'every control message sent twice',
    install: (p) => p.outgoingHooks.push((d) => (d.control ? [d.bytes, d.bytes] : undefined)),
  },
  reorder: {
    description: 'control messages swapped in pairs: each is held until the next one has gone (at most 200 ms)',
    install: (p) => {
      let held: Uint8Array | undefined;
      let timer: NodeJS.Timeout | undefined;
      p.outgoingHooks.push((d) => {
        if (!d.control || rawMessageType(d.bytes) === undefined) return undefined;
        if (held) {
          const out = [d.bytes, held];
          held = undefined;
          clearTimeout(timer);
          return out;
        }
        held = d.bytes;
        timer = setTimeout(() => {
          if (held) p.sendRaw(held);
          held = undefined;
        }, 200);
        timer.unref();
        return [];
      });
    },
  },
  drop: {
    description: 'the Nth control message we send is lost (reliable delivery must retransmit it)',
    parameter: { meaning: 'which message (1 = the first)', default: '1' },
    install: (p, v) => {
      const n = positiveInt(v, 'drop');
      let count = 0;
      p.outgoingHooks.push((d) => (d.control && ++count === n ? [] : undefined));
    },
  },
  'wrong-cookie': {
    description: 'data messages carry a wrong cookie (inverted; 4 octets when none was negotiated) (3931 §4.1)',
    install: (p) => p.dataHooks.push((m) => ({ ...m, cookie: m.cookie.length > 0 ? m.cookie.map((x) => x ^ 0xff) : Uint8Array.of(0xde, 0xad, 0xbe, 0xef) })),
  },
  'unknown-session': {
    description: 'data messages carry a Session ID the device never assigned',
    install: (p) => p.dataHooks.push((m) => ({ ...m, sessionId: (m.sessionId ^ 0x5a5a5a5a) >>> 0 || 1 })),
  },
} as const satisfies Record<string, MisbehaviourSpec>;

export type MisbehaviourName = keyof typeof MISBEHAVIOURS;

export function isMisbehaviourName(n: string): n is MisbehaviourName {
  return Object.hasOwn(MISBEHAVIOURS, n);
}

/**
 * Installs `NAME` or `NAME=PARAM` on the peer; a clear error for an unknown name or bad parameter.
 * IKE/ESP misbehaviours (ipsec/ipsec-misbehaviours.ts) need a peer running over IPsec.
 */
export function misbehave(peer: PeerTunnel, spec: string): void {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (isIpsecMisbehaviourName(name)) {
    const m: IpsecMisbehaviourSpec = IPSEC_MISBEHAVIOURS[name];
    if (eq >= 0 && !m.parameter) throw new Error(`misbehaviour '${name}' takes no parameter`);
    const t = peer.opts.transport;
    if (!(t instanceof IpsecTransport)) throw new Error(`misbehaviour '${name}' is an IPsec one: the peer needs IPsec (--ipsec-psk-env VAR)`);
    return m.install(peer, t, eq < 0 ? (m.parameter?.default ?? '') : spec.slice(eq + 1));
  }
  if (!isMisbehaviourName(name)) throw new Error(`unknown misbehaviour '${name}' (known: ${[...Object.keys(MISBEHAVIOURS), ...Object.keys(IPSEC_MISBEHAVIOURS)].join(', ')})`);
  const m: MisbehaviourSpec = MISBEHAVIOURS[name];
  if (eq >= 0 && !m.parameter) throw new Error(`misbehaviour '${name}' takes no parameter`);
  m.install(peer, eq < 0 ? (m.parameter?.default ?? '') : spec.slice(eq + 1));
}

/** One line per misbehaviour, for `peer --list-misbehaviours` (the IPsec ones marked). */
export function describeMisbehaviours(): string[] {
  const line = (n: string, m: { description: string; parameter?: { meaning: string; default: string } }, tag = '') =>
    `${n}${m.parameter ? `[=${m.parameter.default}]` : ''}: ${tag}${m.description}${m.parameter ? ` (parameter: ${m.parameter.meaning})` : ''}`;
  return [
    ...Object.entries(MISBEHAVIOURS).map(([n, m]: [string, MisbehaviourSpec]) => line(n, m)),
    ...Object.entries(IPSEC_MISBEHAVIOURS).map(([n, m]: [string, IpsecMisbehaviourSpec]) => line(n, m, '(IPsec) ')),
  ];
}
