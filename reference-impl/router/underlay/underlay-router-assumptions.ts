// What the emulated router and the lab do for IPIP / MAP-E underlays where no document the project
// has says (issue 19), as named assumptions in the shape of underlay/underlay-assumptions.ts (the
// oracle's own list: MAP-E interface identifier, L2TPv3 source port, tunnel MTU, hop limit).
import type { UnderlayAssumption } from '../../underlay/index.ts';

export type RouterUnderlayAssumptionId = 'ipip-inner-source' | 'map-e-rule-from-lab' | 'map-e-ce-dials' | 'tunnel-route-selects-underlay';

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
    id: 'tunnel-route-selects-underlay',
    assumption: 'An L2TPv3 peer goes through an ipip/map-e tunnel when the longest-matching `ip route` for its address has `gateway tunnel N`.',
    reasoning: 'Real IPIP and MAP-E configs route everything with `ip route default gateway tunnel 1`; the `ip route` syntax beyond that is not in the digest (the command stays unmodelled and is read from its text).',
    confidence: 'strong',
  },
];
