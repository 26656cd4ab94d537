// What the emulated router's L2TPv3/IPsec assumes where neither the command reference nor
// ipsec-facts.md says, and what it cannot do as a process (emulator limits): each is data in the
// shape of platform/assumptions.ts, so reports can show it. The IKE/ESP protocol guesses are the
// oracle's (ipsec/ike/profile.ts IKE_ASSUMPTIONS, ipsec/esp/esp-assumptions.ts).

export type IpsecRouterAssumptionId =
  | 'default-name-type'
  | 'name-type-mapping'
  | 'keepalive-default-method'
  | 'keepalive-auto'
  | 'pending-l2tp-queued'
  | 'cleartext-l2tp-dropped-silently'
  | 'sa-triggers-key-exchange'
  | 'ike-log-levels'
  | 'show-ipsec-sa-format'
  | 'esp-only-in-udp'
  | 'ike-log-kinds'
  | 'any-side-does-not-dial'
  | 'name-resolved-per-key-exchange'
  | 'auto-refresh-after-loss';

export interface IpsecRouterAssumption {
  readonly id: IpsecRouterAssumptionId;
  readonly assumption: string;
  readonly reasoning: string;
  readonly confidence: 'strong' | 'weak';
}

export const IPSEC_ROUTER_ASSUMPTIONS: readonly IpsecRouterAssumption[] = [
  {
    id: 'default-name-type',
    assumption: '`ipsec ike local name GW NAME` without a type sends ID_FQDN.',
    reasoning: 'CR §15.17 lists the types but the digest gives no default; under IKEv1 the type is not compared when identifying the peer (yamaha-platform-facts.md §1.4), so two RTX agree whatever it is.',
    confidence: 'weak',
  },
  {
    id: 'name-type-mapping',
    assumption: 'ipv4-addr/ipv6-addr/fqdn/key-id map to the RFC 2407 ID types of the same name, user-fqdn and rfc822-addr to ID_USER_FQDN, tel and tel-key to ID_KEY_ID.',
    reasoning: 'RFC 2407 §4.6.2.1 has no telephone-number type.',
    confidence: 'weak',
  },
  {
    id: 'keepalive-default-method',
    assumption: '`ipsec ike keepalive use GW on` without a method uses Yamaha heartbeat, which the emulator does not send (heartbeat-not-modelled).',
    reasoning: 'The method list of CR §15.20 starts with heartbeat; DPD is named explicitly in the examples that use it.',
    confidence: 'weak',
  },
  {
    id: 'keepalive-auto',
    assumption: 'The default switch `auto` sends no keepalive unless `dpd` is named.',
    reasoning: 'CR §15.20 gives `auto` as the default without saying what it sends.',
    confidence: 'weak',
  },
  {
    id: 'pending-l2tp-queued',
    assumption: 'L2TP messages to an IPsec peer while its SA is being negotiated are held (up to 8 per gateway, a retransmission of a held message once) and sent once the SA is up; more are dropped.',
    reasoning: 'Routers usually hold the packet that triggered key exchange; RTX behaviour is not documented. Without it every tunnel would start with a lost SCCRQ.',
    confidence: 'weak',
  },
  {
    id: 'cleartext-l2tp-dropped-silently',
    assumption: 'Cleartext L2TP (UDP 1701) from the peer of an L2TPv3/IPsec tunnel is dropped without a log line.',
    reasoning: 'ipsec-facts.md: L2TPv3 is carried only inside transport ESP; the catalogue has no line for the drop.',
    confidence: 'weak',
  },
  {
    id: 'sa-triggers-key-exchange',
    assumption: 'Key exchange starts when the router starts (with `ipsec auto refresh on`) or when L2TP traffic for the peer finds no SA.',
    reasoning: 'CR §15.10: auto refresh makes and renews SAs by itself; otherwise IPsec is negotiated on demand.',
    confidence: 'strong',
  },
  {
    id: 'ike-log-levels',
    assumption: 'The four [IKE] lines seen on a real RTX are INFO; the other IKE lines the emulator prints are DEBUG and worded by the emulator.',
    reasoning: 'ipsec-facts.md lists only the four lines, seen in `show log` of a router with default syslog switches.',
    confidence: 'weak',
  },
  {
    id: 'show-ipsec-sa-format',
    assumption: '`show ipsec sa` prints one line per SA: id, gateway, direction, SPI, peer address, cipher and authentication, remaining lifetime; the format is the emulator\'s.',
    reasoning: 'The output format is not in the digest.',
    confidence: 'weak',
  },
  {
    id: 'any-side-does-not-dial',
    assumption: 'An L2TPv3/IPsec tunnel without `tunnel endpoint address` whose gateway has `ipsec ike remote address any` (or a name only) does not dial L2TP by itself (always-on has no effect); it answers the peer\'s SCCRQ once the SA is up.',
    reasoning: 'With `remote address any` the router cannot initiate key exchange (yamaha-platform-facts.md §1.4), and L2TP cannot leave without the SA; the real RTX830 responder (§2.1) has always-on on and works as the answering side.',
    confidence: 'weak',
  },
  {
    id: 'name-resolved-per-key-exchange',
    assumption: 'A host name in `ipsec ike remote address GW NAME` is looked up again each time the router itself starts key exchange for the gateway (at start, on demand, and when auto refresh starts it again after the SA was lost), never cached across key exchanges; a phase 1 rekey the IKE oracle starts by itself (lifetime) reuses the address of the SA it replaces.',
    reasoning: 'ipsec-facts.md: the name "is resolved by DNS when key exchange starts"; the seed\'s 設定例6 relies on the peer being found again after its dynamic address changed (NetVolante DNS answers the new address). Whether a lifetime rekey resolves anew is not documented.',
    confidence: 'weak',
  },
  {
    id: 'auto-refresh-after-loss',
    assumption: 'With `ipsec auto refresh` on, a gateway that can initiate (a remote address or name, not `any`) and has lost its ISAKMP SA (DPD found the peer dead, phase 1 gave up, the name did not resolve) starts key exchange again after 10 s, unless traffic or the peer started one first.',
    reasoning: 'CR §15.10 (yamaha-platform-facts.md §1.4): auto refresh makes and renews SAs by itself; the retry interval after a loss is not documented (10 s is the emulator\'s choice, the default keepalive interval of CR §15.20).',
    confidence: 'weak',
  },
  {
    id: 'ike-log-kinds',
    assumption: '`ipsec ike log GW message-info` logs one DEBUG line per IKE message sent or received (exchange, message ID, length), `payload-info` the payload types of messages in the clear, `key-info` that an SA\'s keys were made; the wording is the emulator\'s and key values are never logged.',
    reasoning: 'CR §15.42 names the three kinds and their debug level, not the lines; the project never prints a key outside the --key-log file.',
    confidence: 'weak',
  },
  {
    id: 'esp-only-in-udp',
    assumption: 'EMULATOR LIMIT: without `--esp-plain` the emulated router carries ESP only in UDP 4500 (RFC 3948), so it behaves as if `nat-traversal GW on force=on` were set on every gateway. With `--esp-plain` (namespace mode, root) it follows the config and sends plain ESP (IP protocol 50, IPv4 only) through libpcap on its WAN interface.',
    reasoning: 'Node has no raw IP sockets (ipsec-facts.md "Node facts"); plain ESP needs the libpcap frame path and a kernel interface holding the WAN address, which loopback labs do not have. Not a firmware claim.',
    confidence: 'strong',
  },
];

/** The values the assumptions above choose (read by ipsec-plan.ts and ipsec-host.ts). */
export const IPSEC_ASSUMPTION_VALUES = {
  defaultNameType: 'fqdn',
  defaultKeepaliveMethod: 'heartbeat',
  pendingPerGateway: 8,
  /** 'auto-refresh-after-loss' */
  autoRefreshRetryS: 10,
} as const;

/** Emulator limits (not firmware claims). */
export const EMULATOR_IPSEC_LIMITS = { espOnlyInUdp: true } as const;

export function ipsecRouterAssumption(id: IpsecRouterAssumptionId): IpsecRouterAssumption {
  const a = IPSEC_ROUTER_ASSUMPTIONS.find((x) => x.id === id);
  if (a === undefined) throw new Error(`no IPsec router assumption "${id}"`);
  return a;
}
