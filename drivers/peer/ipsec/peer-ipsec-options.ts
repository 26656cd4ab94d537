// What the tester peer's IPsec side is told (`peer --ipsec-psk-env VAR --ike-mode ... --ike-id ...
// --nat-t ...`), and the one IKE gateway of the oracle it becomes: an RTX-like `ipsec ike` gateway
// protecting `udp 1701` in transport mode (ipsec-facts.md "What RTX does").
import { isIP } from 'node:net';
import type { CipherName, IntegrityName } from '../../../reference-impl/ipsec/cipher-suite.ts';
import type { Phase1Suite } from '../../../reference-impl/ipsec/ike/algorithms.ts';
import type { IkeGatewayConfig, IkeIdentity } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import { DEFAULT_ESP, DEFAULT_PHASE1, KEEPALIVE_DEFAULTS, NAT_KEEPALIVE_DEFAULT_S } from '../../../reference-impl/ipsec/ike/profile.ts';
import { ID_TYPE, type ModpGroup } from '../../../reference-impl/ipsec/isakmp/constants.ts';

/** L2TPv3 runs on UDP 1701 (RFC 3931 §4.1.2.2); RTX protects exactly that (`ipsec transport ID POLICY udp 1701`). */
export const L2TP_UDP = { protocol: 17, port: 1701 } as const;

export interface PeerIpsecOptions {
  /** The pre-shared key's octets. Never logged, printed or written anywhere but into the oracle. */
  psk: Uint8Array;
  /** Main mode (both ends fixed) or aggressive mode (one end dynamic, names as identities). */
  mode: 'main' | 'aggressive';
  /** Who starts IKE: the initiator negotiates as soon as the first L2TP datagram needs an SA. */
  ikeRole: 'initiator' | 'responder';
  /** Aggressive mode: the identity we send (RTX `ipsec ike local name`). */
  localId?: IkeIdentity;
  /** Aggressive-mode responder: the identity the device must send (`ipsec ike remote name`); undefined accepts any. */
  remoteId?: IkeIdentity;
  /**
   * 'force': ESP in UDP 4500 even without a NAT (RTX `force=on`); 'on': only when a NAT is seen.
   * The peer can only send ESP in UDP (Node has no raw sockets, ipsec-facts.md "Node facts").
   */
  natT: 'on' | 'force';
  phase1?: readonly Phase1Suite[];
  esp?: { cipher: CipherName; integrity: IntegrityName };
  pfsGroup?: ModpGroup;
  /** DPD (RFC 3706); the peer always offers it so a device can probe it. Defaults: RTX's 10 s x 6. */
  dpd?: { intervalS: number; count: number };
  lifetimeS?: number;
}

/** `TYPE:VALUE` as RTX names the types (`ipsec ike local name GW NAME [TYPE]`, yamaha-platform-facts.md §1.4): fqdn, user-fqdn, key-id, ipv4-addr, ipv6-addr. */
export const IDENTITY_TYPES: Readonly<Record<string, IkeIdentity['type']>> = {
  'fqdn': ID_TYPE.fqdn,
  'user-fqdn': ID_TYPE.userFqdn,
  'key-id': ID_TYPE.keyId,
  'ipv4-addr': ID_TYPE.ipv4Addr,
  'ipv6-addr': ID_TYPE.ipv6Addr,
};

/** Parses `TYPE:VALUE`; throws an Error naming what is wrong. */
export function parseIkeIdentity(text: string): IkeIdentity {
  const i = text.indexOf(':');
  const type = i < 0 ? undefined : IDENTITY_TYPES[text.slice(0, i)];
  if (type === undefined) throw new Error(`'${text}' is not TYPE:VALUE with TYPE one of ${Object.keys(IDENTITY_TYPES).join(', ')}`);
  const value = text.slice(i + 1);
  if (value === '') throw new Error(`'${text}': the identity value is empty`);
  if (type === ID_TYPE.ipv4Addr && isIP(value) !== 4) throw new Error(`'${value}' is not an IPv4 address`);
  if (type === ID_TYPE.ipv6Addr && isIP(value) !== 6) throw new Error(`'${value}' is not an IPv6 address`);
  return { type, value };
}

export function formatIkeIdentity(id: IkeIdentity): string {
  const name = Object.entries(IDENTITY_TYPES).find(([, t]) => t === id.type)?.[0] ?? `type-${id.type}`;
  return `${name}:${id.value}`;
}

/**
 * The oracle gateway the peer runs. `device` is the device's address, or 'any' for a responder that
 * learns it (RTX `ipsec ike remote address GW any`: it can then only respond, §1.4).
 */
export function peerGateway(o: PeerIpsecOptions, local: string, device: string | 'any'): IkeGatewayConfig {
  return {
    gateway: 1,
    psk: o.psk,
    local,
    remote: device,
    exchange: o.mode,
    localId: o.mode === 'aggressive' ? o.localId : undefined,
    remoteId: o.mode === 'aggressive' ? o.remoteId : undefined,
    phase1: o.phase1 ?? [DEFAULT_PHASE1],
    esp: o.esp ?? DEFAULT_ESP,
    pfsGroup: o.pfsGroup,
    natTraversal: { on: true, force: o.natT === 'force', keepaliveS: NAT_KEEPALIVE_DEFAULT_S },
    keepalive: { method: 'dpd', intervalS: o.dpd?.intervalS ?? KEEPALIVE_DEFAULTS.intervalS, count: o.dpd?.count ?? KEEPALIVE_DEFAULTS.count },
    autoRefresh: true,
    phase1LifetimeS: o.lifetimeS,
    phase2LifetimeS: o.lifetimeS,
    transport: L2TP_UDP,
  };
}
