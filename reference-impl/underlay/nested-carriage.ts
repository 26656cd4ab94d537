// How one L2TPv3 data packet is carried between a device behind an IPIP / MAP-E service and a
// native IPv4 peer beyond the service's relay (issue 19, "What to build" 4: MTU and fragmentation
// through the nested encapsulation, predicted): on the IPv6 link, IPv4 inside IPv6 (Next Header 4),
// IPv6-fragmented when bigger than the link MTU (RFC 2473 §7.2(b), tunnelEntry); on the relay's
// IPv4 uplink, the IPv4 packet itself, IPv4-fragmented to the uplink MTU (RFC 791 §2.3 and §3.2:
// DF is clear, assumption l2tp-inner-df-clear). Pure: lengths in, lengths out.
import { tunnelEntry } from './ip-in-ipv6.ts';
import { UNDERLAY_FRAGMENT_DEFAULTS } from './underlay-assumptions.ts';

/** IPv4 20 + UDP 8 + L2TPv3 data header over UDP (RFC 3931 §4.1.2.1: 32 bits of flags, the Session ID) 8. */
const L2TP_OVER_UDP_OVERHEAD = 20 + 8 + 8;
const IPV4_HEADER = 20;

export interface L2tpDataShape {
  /** The bridged Ethernet frame (no FCS). */
  readonly frameLength: number;
  /** The cookie the receiving end assigned (0, 4, 8). */
  readonly cookieLength: number;
  /** The Default L2-Specific Sublayer present (4 octets). */
  readonly l2ss: boolean;
}

/** One hop's carriage: the IP packets on that wire (their total lengths), in order. */
export interface Carriage {
  readonly packets: number;
  readonly lengths: readonly number[];
}

export interface NestedCarriage {
  /** The L2TPv3 packet's IPv4 total length. */
  readonly ipv4Length: number;
  /** On the IPv6 link (either direction): the IPv6 packets of the tunnel. */
  readonly ipv6Link: Carriage;
  /** On the relay's IPv4 uplink (either direction). */
  readonly ipv4Uplink: Carriage;
}

/** The IPv4 total length of an L2TPv3-over-UDP data packet carrying `s`. */
export function l2tpDataIpv4Length(s: L2tpDataShape): number {
  return L2TP_OVER_UDP_OVERHEAD + s.cookieLength + (s.l2ss ? 4 : 0) + s.frameLength;
}

/**
 * RFC 791 fragmentation of a DF-clear packet of `totalLength` (20-octet header, no options) to
 * `mtu`: every fragment but the last carries the largest multiple of 8 octets that fits.
 */
export function ipv4FragmentLengths(totalLength: number, mtu: number): number[] {
  if (totalLength <= mtu) return [totalLength];
  const per = Math.floor((mtu - IPV4_HEADER) / 8) * 8;
  if (per <= 0) throw new Error(`ipv4FragmentLengths: MTU ${mtu} leaves no room for data`);
  const out: number[] = [];
  for (let left = totalLength - IPV4_HEADER; left > 0; left -= per) out.push(IPV4_HEADER + Math.min(per, left));
  return out;
}

/** The carriage of one data packet of shape `s` on both wires (link MTUs: assumption underlay-link-mtu). */
export function nestedCarriage(s: L2tpDataShape, mtus: { linkMtu?: number; uplinkMtu?: number } = {}): NestedCarriage {
  const ipv4Length = l2tpDataIpv4Length(s);
  const linkMtu = mtus.linkMtu ?? UNDERLAY_FRAGMENT_DEFAULTS.linkMtu;
  const entry = tunnelEntry(ipv4Length, false, linkMtu);
  const ipv6Link: Carriage = entry.kind === 'sent' ? { packets: 1, lengths: [entry.outerLength] }
    : entry.kind === 'fragmented' ? { packets: entry.fragments, lengths: entry.fragmentLengths }
    : { packets: 0, lengths: [] };
  const uplink = ipv4FragmentLengths(ipv4Length, mtus.uplinkMtu ?? UNDERLAY_FRAGMENT_DEFAULTS.linkMtu);
  return { ipv4Length, ipv6Link, ipv4Uplink: { packets: uplink.length, lengths: uplink } };
}
