// The IPv6-only access service a device under test can sit behind (issue 19): its addresses, the
// device's endpoint inside the tunnel, and the config lines of the device's tunnel to the ISP. Data
// only, so the suites' device list can read it without loading the lab (underlay-isp.ts builds it).
import { l2tpSourcePort, mapECe, type MapERule } from '../../reference-impl/underlay/index.ts';

export type UnderlayKind = 'ipip' | 'map-e';
export const UNDERLAY_KINDS: readonly UnderlayKind[] = ['ipip', 'map-e'];

/**
 * The service's addresses (documentation ranges: RFC 3849, RFC 5737), the same as the seed-example
 * labs topologies/seed/ipip-ex1.yaml and mape-ex1.yaml, so one reading of the underlay oracle
 * serves both. Our choices, not a service's: the relay at ::100, the router's IPIP tunnel end ::11.
 */
export const UNDERLAY_ISP = {
  routerWan6: '2001:db8:1::1',
  relay6: '2001:db8:1::100',
  ipip: { tunnelEnd: '2001:db8:1::11', ipv4: '203.0.113.1' },
  mapE: {
    rule: { ipv6Prefix: '2001:db8:aa00::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:1::100' } satisfies MapERule,
    endUserPrefix: '2001:db8:aa05:1200::/56',
  },
  /** The relay's IPv4 uplink: the relay at .1, the tester peers from .10 (198.51.100.0/24). */
  uplink: { relay4: '198.51.100.1', prefixLength: 24, firstPeer: 10 },
  /** Tester peer addresses on P (tests that need more skip: LabTooSmall). */
  peerCount: 16,
  /** The device's ipip/map-e tunnel interface: above the tunnels the control and frames areas use (1, 2), accepted by every model. */
  tunnel: 3,
  /** Locally administered MACs, never a router's or a kernel's. */
  macs: { relay6: '02:00:5e:00:53:01', relay4: '02:00:5e:00:53:02', peers: '02:00:5e:00:53:10' },
} as const;


/** The device's L2TPv3 endpoint inside the tunnel: its IPv4 address and the UDP port it uses (MAP-E: from its port set). */
export function underlayEndpoint(kind: UnderlayKind): { address: string; port: number } {
  if (kind === 'ipip') return { address: UNDERLAY_ISP.ipip.ipv4, port: 1701 };
  const ce = mapECe(UNDERLAY_ISP.mapE.rule, UNDERLAY_ISP.mapE.endUserPrefix);
  return { address: ce.ipv4, port: l2tpSourcePort(ce) };
}

/** The config lines of the device's IPv6-side tunnel and the route of every IPv4 destination into it. */
export function underlayConfigLines(kind: UnderlayKind): string[] {
  const n = UNDERLAY_ISP.tunnel;
  const tunnel = kind === 'ipip'
    ? [' tunnel encapsulation ipip', ` tunnel endpoint address ${UNDERLAY_ISP.ipip.tunnelEnd} ${UNDERLAY_ISP.relay6}`]
    // the rule comes from the lab (router --map-e), as the service's rule server would hand it out
    : [' tunnel encapsulation map-e', ' tunnel map-e type v6plus'];
  return [`ip route default gateway tunnel ${n}`, `tunnel select ${n}`, ...tunnel, ` tunnel enable ${n}`];
}

/** Under MAP-E, the router's `--map-e` argument: the rule the lab hands out for the service. */
export function underlayMapEArgs(kind: UnderlayKind): string[] {
  return kind === 'map-e' ? ['--map-e', JSON.stringify({ rule: UNDERLAY_ISP.mapE.rule, endUserPrefix: UNDERLAY_ISP.mapE.endUserPrefix })] : [];
}

/** The i-th tester peer's address on the IPv4 internet (0-based). */
export function underlayPeerAddress(i: number): string {
  return `198.51.100.${UNDERLAY_ISP.uplink.firstPeer + i}`;
}
