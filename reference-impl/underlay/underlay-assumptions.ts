// What the IPIP and MAP-E underlays do where no document the project has says: each choice is a
// named assumption (reasoning and confidence, as in platform/assumptions.ts) with the default the
// oracle and the emulated router use. A hardware run behind a real MAP-E or IPIP service confirms
// or refutes each (the source port a peer sees, the MTU a full-size frame meets).

export type UnderlayAssumptionId =
  | 'map-e-interface-id'
  | 'map-e-l2tp-source-port'
  | 'ipip-tunnel-mtu'
  | 'ipip-hop-limit';

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
];

export const MAP_E_ASSUMPTION_DEFAULTS = {
  interfaceIdFormat: 'rfc7597' as MapEInterfaceIdFormat,
  tunnelHopLimit: 64,
} as const;
