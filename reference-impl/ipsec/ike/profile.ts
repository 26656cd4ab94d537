// What RTX does in IKEv1 where no document says: each choice is a named assumption (reasoning and
// confidence, as in platform/assumptions.ts) and a profile field the state machines read. The
// documented defaults (keepalive interval 10 / count 6, NAT-T keepalive 300 s: yamaha-platform-
// facts.md §1.4) are facts and sit in the profile with their citation.
import { MODP_GROUP, type ModpGroup } from '../isakmp/constants.ts';
import type { CipherName, IntegrityName } from '../cipher-suite.ts';
import type { Phase1Suite } from './algorithms.ts';

export type IkeAssumptionId =
  | 'phase1-proposal-order'
  | 'esp-proposal-order'
  | 'retransmission'
  | 'dpd-periodic'
  | 'heartbeat-not-modelled'
  | 'lifetimes'
  | 'rekey-margin'
  | 'nat-t-force-fakes-nat-d'
  | 'undecryptable-phase1-dropped'
  | 'phase1-id-protocol-port'
  | 'nonce-length'
  | 'initial-contact'
  | 'aggressive-3-encrypted';

export interface IkeAssumption {
  readonly id: IkeAssumptionId;
  readonly assumption: string;
  readonly reasoning: string;
  readonly confidence: 'strong' | 'weak';
}

export const IKE_ASSUMPTIONS: readonly IkeAssumption[] = [
  {
    id: 'phase1-proposal-order',
    assumption: 'An RTX initiator offers one phase-1 transform per configured combination, in the order encryption (aes-cbc first), hash, group; as responder it takes the first of the peer\'s transforms it supports.',
    reasoning: '`ipsec ike encryption/hash/group` each take one value (command reference ch.15); the order of several offers is not documented.',
    confidence: 'weak',
  },
  {
    id: 'esp-proposal-order',
    assumption: 'Quick mode offers exactly the algorithm pair of `ipsec sa policy` (one transform); as responder it takes the first matching transform of the peer.',
    reasoning: '`ipsec sa policy ID GW esp ALG AUTH` names one pair (yamaha-platform-facts.md §1.4).',
    confidence: 'strong',
  },
  {
    id: 'retransmission',
    assumption: 'An unanswered IKE request is resent after 10 s, 5 times at a fixed interval, then the exchange is abandoned.',
    reasoning: 'RFC 2408/2409 leave retransmission to the implementation; RTX documents no IKE retransmit command.',
    confidence: 'weak',
  },
  {
    id: 'dpd-periodic',
    assumption: 'With `ipsec ike keepalive use GW on dpd I C`, an R-U-THERE is sent every I seconds whether or not traffic flows, and the peer is declared dead after C unanswered ones.',
    reasoning: 'The command gives an interval and a count like the heartbeat method (yamaha-platform-facts.md §1.4); RFC 3706 §5.3 allows sending on idle only, which the command does not mention.',
    confidence: 'weak',
  },
  {
    id: 'heartbeat-not-modelled',
    assumption: 'Yamaha heartbeat keepalive is not modelled: its wire format is unpublished; with `heartbeat` the oracle sends no keepalive.',
    reasoning: 'ipsec-facts.md: heartbeat is Yamaha\'s own and only interoperates between Yamaha routers.',
    confidence: 'strong',
  },
  {
    id: 'lifetimes',
    assumption: 'ISAKMP SA and IPsec SA lifetimes default to 28800 s, sent as life type seconds.',
    reasoning: 'Common IKEv1 default (also strongSwan\'s IKEv1 phase-2 default 1 h differs); the `ipsec ike duration` defaults are not in the digest.',
    confidence: 'weak',
  },
  {
    id: 'rekey-margin',
    assumption: 'With `ipsec auto refresh on`, the initiator of an SA starts its replacement when 90 % of the lifetime has passed; the old SA is deleted at expiry.',
    reasoning: 'RTX documents that refresh happens before expiry (§15.10) but not when.',
    confidence: 'weak',
  },
  {
    id: 'nat-t-force-fakes-nat-d',
    assumption: '`nat-traversal ... force=on` makes RTX send a NAT-D of its own address that cannot match (as strongSwan encap=yes does), so both ends float to 4500 and use UDP-encapsulated transport.',
    reasoning: 'The CR says force=on encapsulates even without NAT (yamaha-platform-facts.md §1.4); RFC 3947 has no other way to make the peer agree to UDP encapsulation.',
    confidence: 'weak',
  },
  {
    id: 'undecryptable-phase1-dropped',
    assumption: 'An encrypted phase-1 message that does not decrypt to a valid payload chain (wrong pre-shared key) is dropped without a notification; the exchange then ends by retransmission time-out.',
    reasoning: 'Without a shared key no notification can be protected, and an unprotected one could be forged (RFC 2408 §5 leaves the response open).',
    confidence: 'weak',
  },
  {
    id: 'phase1-id-protocol-port',
    assumption: 'Phase-1 ID payloads carry protocol 0 and port 0.',
    reasoning: 'RFC 2407 §4.6.2 allows 0/0 or UDP/500; strongSwan sends 0/0.',
    confidence: 'weak',
  },
  {
    id: 'nonce-length',
    assumption: 'Nonces are 16 octets.',
    reasoning: 'RFC 2409 §5 requires 8-256 octets; the RTX value is not documented.',
    confidence: 'weak',
  },
  {
    id: 'initial-contact',
    assumption: 'The phase-1 initiator sends INITIAL-CONTACT (RFC 2407 §4.6.3.3) in its last phase-1 message when it has no other SA with the peer.',
    reasoning: 'Common practice (the reference capture\'s strongSwan does); RTX behaviour not documented.',
    confidence: 'weak',
  },
  {
    id: 'aggressive-3-encrypted',
    assumption: 'The aggressive-mode initiator sends message 3 (HASH_I) encrypted; as responder it accepts it encrypted or in the clear.',
    reasoning: 'RFC 2409 §5.4 shows message 3 in the clear but implementations encrypt it (strongSwan does); RTX behaviour not documented.',
    confidence: 'weak',
  },
];

export function ikeAssumption(id: IkeAssumptionId): IkeAssumption {
  const a = IKE_ASSUMPTIONS.find((x) => x.id === id);
  if (a === undefined) throw new Error(`no IKE assumption "${id}"`);
  return a;
}

export interface IkeProfile {
  /** 'retransmission' */
  retransmitIntervalMs: number;
  /** 'retransmission' */
  retransmitTries: number;
  /** 'rekey-margin': fraction of the lifetime after which the initiator rekeys. */
  rekeyAtFraction: number;
  /** 'lifetimes' */
  defaultLifetimeS: number;
  /** 'nonce-length' */
  nonceLength: number;
  /** 'initial-contact' */
  sendInitialContact: boolean;
}

export const DEFAULT_IKE_PROFILE: Readonly<IkeProfile> = Object.freeze({
  retransmitIntervalMs: 10_000,
  retransmitTries: 5,
  rekeyAtFraction: 0.9,
  defaultLifetimeS: 28_800,
  nonceLength: 16,
  sendInitialContact: true,
});

/** yamaha-platform-facts.md §1.4: `ipsec ike keepalive use` interval default 10 s, count default 6. */
export const KEEPALIVE_DEFAULTS = { intervalS: 10, count: 6 } as const;
/** yamaha-platform-facts.md §1.4: `ipsec ike nat-traversal ... keepalive=` default 300 s. */
export const NAT_KEEPALIVE_DEFAULT_S = 300;
/** yamaha-platform-facts.md §1.4: `ipsec sa policy` default ESP cipher aes-cbc; the CR's example pairs it with sha-hmac. */
export const DEFAULT_ESP: { cipher: CipherName; integrity: IntegrityName } = { cipher: 'aes-cbc', integrity: 'sha-hmac' };
/** 'phase1-proposal-order': the single transform the reference configs (aes-cbc, sha-hmac) lead to, group modp1024. */
export const DEFAULT_PHASE1: Phase1Suite = { cipher: 'aes-cbc', hash: 'sha1', group: MODP_GROUP.modp1024 as ModpGroup };
