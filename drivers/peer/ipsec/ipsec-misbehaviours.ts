// The peer's IKE and ESP misbehaviours (issue 15 point 2), in the style of ../misbehaviours.ts:
// named steps installed before the peer starts, each giving the device exactly one IPsec fault.
// Facts: RFC 2409 (phase 1 authentication by the pre-shared key, identities in aggressive mode),
// RFC 2408 §3.15 (Delete), RFC 3706 (DPD), RFC 4303 §3.4.3/§3.4.4 (anti-replay, ICV);
// yamaha-platform-facts.md §1.4 (names identify the peer only in aggressive mode).
import { MODP_GROUP, EXCHANGE } from '../../../reference-impl/ipsec/isakmp/constants.ts';
import type { PeerTunnel } from '../peer-tunnel.ts';
import type { EspDatagram, IpsecTransport } from './ipsec-transport.ts';
import { parseIkeIdentity } from './peer-ipsec-options.ts';

export interface IpsecMisbehaviourSpec {
  description: string;
  parameter?: { meaning: string; default: string };
  install(peer: PeerTunnel, ipsec: IpsecTransport, param: string): void;
}

/** Which ESP packets a misbehaviour touches: those carrying L2TP data, control, or all. */
function espFilter(param: string, what: string): (d: EspDatagram) => boolean {
  if (param === 'data') return (d) => !d.control;
  if (param === 'control') return (d) => d.control;
  if (param === 'all') return () => true;
  throw new Error(`${what}: expected data, control or all (got '${param}')`);
}

function seconds(param: string, what: string): number {
  if (!/^\d+(\.\d+)?$/.test(param)) throw new Error(`${what}: expected seconds (got '${param}')`);
  return Number(param);
}

export const IPSEC_MISBEHAVIOURS = {
  'ike-wrong-psk': {
    description: 'phase 1 authenticated with a pre-shared key other than the device\'s (each octet altered; neither key is printed): the device cannot decrypt or verify us (RFC 2409 §5)',
    install: (_p, t) => {
      t.gatewayOverrides.psk = t.opts.ipsec.psk.map((b) => b ^ 0x5a);
    },
  },
  'ike-proposal': {
    description: 'offer only algorithms an RTX L2TPv3/IPsec config does not use (3DES, MD5, MODP-768), in phase 1 or in quick mode: the device must answer NO-PROPOSAL-CHOSEN',
    parameter: { meaning: 'which exchange offers it: phase1 or esp', default: 'phase1' },
    install: (_p, t, v) => {
      if (v === 'phase1') t.gatewayOverrides.phase1 = [{ cipher: '3des-cbc', hash: 'md5', group: MODP_GROUP.modp768 }];
      else if (v === 'esp') t.gatewayOverrides.esp = { cipher: '3des-cbc', integrity: 'md5-hmac' };
      else throw new Error(`ike-proposal: expected phase1 or esp (got '${v}')`);
    },
  },
  'ike-wrong-id': {
    description: 'aggressive mode with an identity other than the device\'s `ipsec ike remote name`: the device must refuse it (INVALID-ID-INFORMATION)',
    parameter: { meaning: 'the identity sent, TYPE:VALUE', default: 'fqdn:not-the-configured-name.invalid' },
    install: (_p, t, v) => {
      if (t.opts.ipsec.mode !== 'aggressive') throw new Error('ike-wrong-id needs --ike-mode aggressive (main mode identifies the peer by its address)');
      t.gatewayOverrides.localId = parseIkeIdentity(v);
    },
  },
  'esp-replay': {
    description: 'every ESP packet sent twice with the same sequence number: the device\'s anti-replay window must drop the copy (RFC 4303 §3.4.3)',
    parameter: { meaning: 'which packets: data (L2TP data messages), control or all', default: 'data' },
    install: (_p, t, v) => {
      const pick = espFilter(v, 'esp-replay');
      t.espOutgoingHooks.push((d) => (pick(d) ? [d.esp, d.esp] : undefined));
    },
  },
  'esp-bad-icv': {
    description: 'ESP packets with a corrupted ICV (last octet inverted): the device must drop them unread (RFC 4303 §3.4.4)',
    parameter: { meaning: 'which packets: data (L2TP data messages), control or all', default: 'data' },
    install: (_p, t, v) => {
      const pick = espFilter(v, 'esp-bad-icv');
      t.espOutgoingHooks.push((d) => {
        if (!pick(d)) return undefined;
        const bent = d.esp.slice();
        bent[bent.length - 1] ^= 0xff;
        return [bent];
      });
    },
  },
  'dpd-silent': {
    description: "the device's DPD R-U-THERE messages go unanswered (no R-U-THERE-ACK, RFC 3706 §5.3): the device must declare us dead",
    install: (_p, t) => {
      // What the oracle sends while it handles an INFORMATIONAL from the device is the R-U-THERE-ACK.
      t.ikeOutgoingHooks.push((d) => (d.answering === EXCHANGE.informational && d.exchange === EXCHANGE.informational ? [] : undefined));
    },
  },
  'ike-delete': {
    description: 'an ISAKMP Delete for the IPsec SA and the ISAKMP SA some seconds after the L2TP session is up, and no new negotiation: the device must drop both SAs (RFC 2408 §3.15)',
    parameter: { meaning: 'seconds (real time) after the session came up', default: '2' },
    install: (p, t, v) => {
      const ms = seconds(v, 'ike-delete') * 1000;
      let armed = false;
      p.on('event', (e: { kind: string }) => {
        if (e.kind !== 'sessionUp' || armed) return;
        armed = true;
        setTimeout(() => {
          t.holdDown = true;
          t.deleteSas();
        }, ms).unref();
      });
    },
  },
} as const satisfies Record<string, IpsecMisbehaviourSpec>;

export type IpsecMisbehaviourName = keyof typeof IPSEC_MISBEHAVIOURS;

export function isIpsecMisbehaviourName(n: string): n is IpsecMisbehaviourName {
  return Object.hasOwn(IPSEC_MISBEHAVIOURS, n);
}
