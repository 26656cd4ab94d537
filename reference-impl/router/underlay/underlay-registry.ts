// Which started underlay port (underlay-port.ts) serves a router's WAN addresses, so the IPsec
// sockets (ipsec/ipsec-sockets.ts) send IKE and ESP-in-UDP through the same IPIP / MAP-E tunnel
// interface the L2TP of that tunnel takes (issue 19: L2TPv3/IPsec "in IPIP tunnelling and map-e
// tunnel environments"). Keyed by WAN address: several emulated routers in one process have
// distinct WAN addresses, and the router starts its underlay before its IPsec host.
import type { UnderlayPlan } from './underlay-plan.ts';

/** What the IPsec sockets need of an underlay port. */
export interface UnderlayUdpPath {
  /** The tunnel's plan: under MAP-E its port set, from which IKE's ports come (underlay/map-e-ike-ports.ts). */
  readonly plan: Pick<UnderlayPlan, 'ce'>;
  /** Whether datagrams to `to` (an IPv4 config address) go through this tunnel. */
  carries(to: string): boolean;
  /** The router's own IPv4 address inside the tunnel. */
  readonly innerAddress: string;
  /** Sends one UDP datagram from local port `srcPort`; false when the tunnel cannot (MAP-E: port outside the set). */
  sendUdp(srcPort: number, to: { address: string; port: number }, bytes: Uint8Array): boolean;
  /** Receives the datagrams for local port `port` (replaces an earlier listener of that port). */
  listen(port: number, fn: (from: { address: string; port: number }, bytes: Uint8Array) => void): void;
  unlisten(port: number): void;
}

const byWanAddress = new Map<string, UnderlayUdpPath>();

export function registerUnderlay(wanAddresses: readonly string[], path: UnderlayUdpPath): void {
  for (const a of wanAddresses) byWanAddress.set(a, path);
}

export function unregisterUnderlay(path: UnderlayUdpPath): void {
  for (const [a, p] of byWanAddress) if (p === path) byWanAddress.delete(a);
}

/** The underlay serving any of `wanAddresses`, if one is started. */
export function underlayFor(wanAddresses: readonly string[]): UnderlayUdpPath | undefined {
  for (const a of wanAddresses) {
    const p = byWanAddress.get(a);
    if (p) return p;
  }
  return undefined;
}
