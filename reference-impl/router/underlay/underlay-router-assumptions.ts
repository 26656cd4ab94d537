// What the emulated router and the lab do for IPIP / MAP-E underlays where no document the project
// has says (issue 19), as named assumptions in the shape of underlay/underlay-assumptions.ts (the
// oracle's own list: MAP-E interface identifier, L2TPv3 source port, tunnel MTU, hop limit).
import type { UnderlayAssumption } from '../../underlay/index.ts';

export type RouterUnderlayAssumptionId = 'ipip-inner-source' | 'map-e-rule-from-lab' | 'map-e-ce-dials' | 'map-e-ike-ports' | 'tunnel-route-selects-underlay';

export interface RouterUnderlayAssumption extends Omit<UnderlayAssumption, 'id'> {
  readonly id: RouterUnderlayAssumptionId;
}

export const ROUTER_UNDERLAY_ASSUMPTIONS: readonly RouterUnderlayAssumption[] = [
  {
    id: 'ipip-inner-source',
    assumption: 'The IPv4 source of the router\'s own L2TPv3 packets in an IPIP tunnel is the L2TPv3 tunnel\'s `tunnel endpoint address` local address; without one, the first IPv4 address on an interface.',
    reasoning: 'IPIP services assign one fixed IPv4 address (real config ribbit-rtx1300-ipip-v6plus.conf: `nat descriptor address outer 1 ADDR` on `ip tunnel nat descriptor 1`); an L2TPv3 tunnel over it names that address as its local endpoint. The CR text on the source address of router-originated packets on an unnumbered tunnel is not in the digest.',
    confidence: 'weak',
  },
  {
    id: 'map-e-rule-from-lab',
    assumption: 'A `tunnel encapsulation map-e` tunnel uses the Basic Mapping Rule and End-user prefix the lab gives (`router --map-e`), whatever `tunnel map-e type` says.',
    reasoning: 'A real CE gets its rule from the service (v6plus: a rule server; RFC 7598 DHCPv6 options elsewhere) and its prefix by DHCPv6-PD; neither exists in a lab. The rule arithmetic (RFC 7597) is the same for every type.',
    confidence: 'strong',
  },
  {
    id: 'map-e-ce-dials',
    assumption: 'Behind a shared MAP-E address whose port set lacks 1701, only the CE can open the L2TPv3 control connection; the far end answers to the CE\'s source port.',
    reasoning: 'RFC 7597 §8.2: packets to a port outside the CE\'s set reach another CE (or none); RFC 3931 §4.1.2.2 lets the responder reply to the port the SCCRQ came from. Topology mape-ex1 therefore has `l2tp always-on off` at the fixed site.',
    confidence: 'strong',
  },
  {
    id: 'map-e-ike-ports',
    assumption: 'Behind MAP-E the router\'s IKE behaves as an IPsec client behind NAPT: it is the initiator (the far end cannot reach it on 500 or 4500), sends IKE from a port of its set standing for 500 and, once NAT-D shows a translation, IKE and ESP in UDP (RFC 3948) from another port of its set standing for 4500. Each well-known port is kept when the set holds it; otherwise IKE takes the lowest port of the set that the L2TPv3 source port (map-e-l2tp-source-port) does not use and NAT-T the next one (underlay/map-e-ike-ports.ts mapEIkePorts). Its NAT-D payloads hash its unmapped address and port (the shared IPv4 address, 500), so both ends detect the NAT and float; the responder answers the ports it saw. IKE NAT traversal must be on at both ends (`ipsec ike nat-traversal GW on`): without it nothing carries ESP through MAP-E (plain ESP has no port).',
    reasoning: 'Our documents do not say how an RTX does IKE behind MAP-E. RFC 7597 §8.2 confines the CE to its port set, and IKE\'s 500 / 4500 are rarely in it; real MAP-E configs (topologies/real-configs/zenn-rtx1210-map-e.conf) put `ip tunnel nat descriptor N` with `nat descriptor type N masquerade` / `nat descriptor address outer N map-e` on the tunnel, i.e. a NAPT into the port set, behind which an IKE daemon bound to 500 computes NAT-D over 500 and RFC 3947 / 3948 NAT-T applies unchanged. Which ports the masquerade picks is not documented: the lowest free ports make a test able to predict them. Mirrors map-e-ce-dials for IKE.',
    confidence: 'weak',
  },
  {
    id: 'tunnel-route-selects-underlay',
    assumption: 'An L2TPv3 peer goes through an ipip/map-e tunnel when the longest-matching `ip route` for its address has `gateway tunnel N`.',
    reasoning: 'Real IPIP and MAP-E configs route everything with `ip route default gateway tunnel 1`; the `ip route` syntax beyond that is not in the digest (the command stays unmodelled and is read from its text).',
    confidence: 'strong',
  },
];
