// What the IPIP and MAP-E underlays do where no document the project has says: each choice is a
// named assumption (reasoning and confidence, as in platform/assumptions.ts) with the default the
// oracle and the emulated router use. A hardware run behind a real MAP-E or IPIP service confirms
// or refutes each (the source port a peer sees, the MTU a full-size frame meets).

export type UnderlayAssumptionId =
  | 'map-e-interface-id'
  | 'map-e-l2tp-source-port'
  | 'ipip-tunnel-mtu'
  | 'ipip-hop-limit'
  | 'tunnel-fragments-outer-ipv6'
  | 'l2tp-inner-df-clear'
  | 'underlay-link-mtu'
  | 'fragment-identification'
  | 'reassembly-bounds'
  | 'tunnel-exit-destination-options'
  | 'relay-uplink-mtu'
  | 'ipv4-reassembly-bounds'
  | 'relay-reassembles-uplink-ipv4';

/** RFC 7597 §6 interface identifier, or the earlier draft-03 layout some services still use. */
export type MapEInterfaceIdFormat = 'rfc7597' | 'draft-03';

export interface UnderlayAssumption {
  readonly id: UnderlayAssumptionId;
  readonly assumption: string;
  readonly reasoning: string;
  readonly confidence: 'strong' | 'weak';
}

export const UNDERLAY_ASSUMPTIONS: readonly UnderlayAssumption[] = [
  {
    id: 'map-e-interface-id',
    assumption: 'The CE\'s MAP IPv6 address uses the RFC 7597 §6 interface identifier (16 zero bits, IPv4 address, PSID); the draft-03 layout (8 zero bits, IPv4, PSID, 8 zero bits) is a profile choice.',
    reasoning: 'RFC 7597 is the standard; Japanese MAP-E services were deployed from earlier drafts and some are reported to use the draft layout. The RTX command reference excerpt we hold does not say which `map-e type` picks.',
    confidence: 'weak',
  },
  {
    id: 'map-e-l2tp-source-port',
    assumption: 'Behind MAP-E, the router sends L2TPv3 from the lowest port of its port set when 1701 is not in the set (the first port of the set, RFC 7597 §5.1 A = 1, j = 0), and keeps 1701 when it is.',
    reasoning: 'The CE must use a source port inside its set (RFC 7597 §8.2 / §5.1); which one RTX picks for its own L2TPv3 traffic is not documented. RFC 3931 §4.1.2.2 lets the far end answer to the port the message came from.',
    confidence: 'weak',
  },
  {
    id: 'ipip-tunnel-mtu',
    assumption: 'The IPv4-in-IPv6 tunnel MTU is the IPv6 link MTU minus 40 (the encapsulating header, RFC 2473 §6.7, no Tunnel Encapsulation Limit option): 1460 on a 1500-octet link.',
    reasoning: 'RFC 2473 §6.7 gives the tunnel MTU as the path MTU minus the tunnel headers; RTX adds no extension header that we know of.',
    confidence: 'strong',
  },
  {
    id: 'ipip-hop-limit',
    assumption: 'The encapsulating IPv6 header\'s Hop Limit is 64.',
    reasoning: 'RFC 2473 §6.3 leaves the tunnel hop limit to the entry point\'s configuration; 64 is the common default.',
    confidence: 'weak',
  },
  {
    id: 'tunnel-fragments-outer-ipv6',
    assumption: 'An IPv4 packet (DF clear) bigger than the IPIP / MAP-E tunnel MTU is encapsulated whole and the IPv6 tunnel packet is fragmented to the WAN\'s MTU (IPv6 Fragment header, RFC 8200 §4.5); the tunnel exit reassembles before decapsulating. A DF-set packet is refused (ICMPv4 fragmentation needed, not modelled).',
    reasoning: 'RFC 2473 §7.2(b) prescribes exactly this, and RFC 7597 §8.3.1 sends MAP-E to it. yamaha-platform-facts.md §4.3 says only that a bridged L2TPv3 tunnel "does not fragment; fragmentation follows the MTU of the interface sending the encapsulated packet"; where RTX fragments when that interface is itself an ipip/map-e tunnel (inner IPv4 or outer IPv6) is not in the documents, and `ip tunnel mtu` / `tcp mss limit` are not described for these tunnels.',
    confidence: 'weak',
  },
  {
    id: 'l2tp-inner-df-clear',
    assumption: 'The router\'s own L2TPv3 (and ESP) IPv4 packets leave with DF clear, so a full-size bridged frame is fragmented rather than refused.',
    reasoning: 'yamaha-platform-facts.md §4.3: fragmentation follows the MTU of the sending interface (the packet is fragmentable); l2tpv3-protocol-facts.md §1.6: Linux sets ignore_df on L2TP output. RFC 3931 §4.1.4 asks for one MTU-handling method and this is the one the facts describe.',
    confidence: 'strong',
  },
  {
    id: 'underlay-link-mtu',
    assumption: 'The IPv6 WAN link under the tunnel has MTU 1500 (tunnel MTU 1460) unless the lab says otherwise; no path MTU discovery is run across the lab\'s "internet".',
    reasoning: 'Japanese NGN IPoE access (the seed\'s IPv6-only services) carries 1500-octet IPv6 packets; the command reference excerpt we hold gives no `ipv6 mtu` default for the WAN. PMTUD needs ICMPv6 Packet Too Big, which the lab\'s single link never sends.',
    confidence: 'weak',
  },
  {
    id: 'fragment-identification',
    assumption: 'A tunnel end numbers its IPv6 fragments\' Identification from a per-instance counter (a seed the caller may inject), not from a random source.',
    reasoning: 'RFC 8200 §4.5 asks only that Identification differ from that of any other recently fragmented packet with the same addresses; RFC 7739 recommends unpredictable values against off-path attacks, which the lab does not face. The oracle is pure (no random source), so determinism wins.',
    confidence: 'strong',
  },
  {
    id: 'reassembly-bounds',
    assumption: 'A tunnel exit holds at most 64 datagrams under reassembly (a new one evicts the oldest) and abandons each 60 s after its first fragment.',
    reasoning: 'RFC 8200 §4.5 fixes the 60 s timeout; the table size is an implementation choice no document gives for RTX. 64 outlasts a burst of full-size frames on the lab\'s pseudowires.',
    confidence: 'weak',
  },
  {
    id: 'tunnel-exit-destination-options',
    assumption: 'The tunnel exit (router, relay) accepts IPv4 in IPv6 behind Destination Options headers (Pad1, PadN, the Tunnel Encapsulation Limit of RFC 2473 §4.1.1, and unknown options whose type says skip), removing them with the tunnel header; it sends none itself.',
    reasoning: 'RFC 2473 §3.2/§3.3: a tunnel Destination Options header is processed at the exit point and removed at decapsulation. Linux ip6tnl (an ISP gateway\'s likely software) adds the Tunnel Encapsulation Limit option by default. Whether RTX accepts it, and whether it sends one (ipip-tunnel-mtu says no), is not in the documents.',
    confidence: 'weak',
  },
  {
    id: 'relay-uplink-mtu',
    assumption: 'The border relay\'s native IPv4 uplink has MTU 1500 unless the lab says otherwise; a bigger IPv4 packet leaving there is fragmented (RFC 791 §3.2) when DF is clear and dropped ("fragmentation needed", no ICMP sent) when DF is set. No path MTU discovery.',
    reasoning: 'The uplink is Ethernet (a veth in the lab; an ISP\'s native side in life), 1500 octets as underlay-link-mtu takes for the IPv6 side. L2TPv3 carrying a full-size frame is 1550 octets of IPv4 (l2tp-inner-df-clear: DF clear), so this is the case that matters. ICMP Fragmentation Needed is not modelled because the lab\'s relay sends no ICMP.',
    confidence: 'weak',
  },
  {
    id: 'ipv4-reassembly-bounds',
    assumption: 'The relay holds at most 64 IPv4 datagrams under reassembly on its uplink (a new one evicts the oldest) and abandons each 60 s after its first fragment, the reassembly-bounds numbers.',
    reasoning: 'RFC 791 leaves the timer to the implementation (its example starts at 15 s); RFC 1122 §3.3.2 recommends a fixed 60-120 s. The table size is an implementation choice no document gives; one number for both tables keeps the lab\'s relay one shape.',
    confidence: 'weak',
  },
  {
    id: 'relay-reassembles-uplink-ipv4',
    assumption: 'IPv4 fragments arriving on the relay\'s uplink are reassembled before routing; the whole packet is routed (MAP-E by destination address and port), encapsulated and IPv6-fragmented to the link MTU like any other.',
    reasoning: 'A MAP-E BR routes by destination port, which only the first fragment carries; RFC 7597 §8.3.2 has the BR reassemble (or keep per-datagram state, "virtual reassembly", which some BRs do instead). A Linux peer sending a 1550-octet L2TPv3 datagram with IP_PMTUDISC_WANT over a 1500 link sends it as two fragments, so a BR that forwarded fragments blindly would lose every full-size frame. Whether a real service\'s BR reassembles or forwards by cached first-fragment state is not in the documents; what the CE receives differs only in how the IPv6 tunnel packet is fragmented.',
    confidence: 'weak',
  },
];

/** Defaults of the fragmentation assumptions above (ipv6-fragment.ts, tunnel-wan.ts, border-relay.ts). */
export const UNDERLAY_FRAGMENT_DEFAULTS = {
  /** underlay-link-mtu */
  linkMtu: 1500,
  /** reassembly-bounds */
  reassemblyDatagrams: 64,
  /** fragment-identification: the first Identification a tunnel end uses */
  firstIdentification: 1,
  /** relay-uplink-mtu */
  uplinkMtu: 1500,
  /** ipv4-reassembly-bounds: the table size is reassemblyDatagrams; the timeout RFC 8200 fixes for IPv6 */
  ipv4ReassemblyTimeoutMs: 60_000,
} as const;

export const MAP_E_ASSUMPTION_DEFAULTS = {
  interfaceIdFormat: 'rfc7597' as MapEInterfaceIdFormat,
  tunnelHopLimit: 64,
} as const;
