// IPv4 in IPv6 (RFC 2473), the encapsulation both underlays of the seed's "IPIP tunnelling and
// map-e tunnel environments" use: `tunnel encapsulation ipip` with IPv6 endpoints, and MAP-E
// (RFC 7597 §7: "IPv4-in-IPv6 encapsulation as in RFC 2473"). Builds and opens the outer header,
// and predicts what the tunnel's MTU does to an inner packet. Pure.
import { MAP_E_ASSUMPTION_DEFAULTS } from './underlay-assumptions.ts';
import { formatIpv6Bytes, ipv6Bytes } from './map-e-rule.ts';

/** IPv6 Next Header value of an encapsulated IPv4 packet (IANA protocol 4, "IPv4"). */
export const NEXT_HEADER_IPV4 = 4;
export const IPV6_HEADER_LENGTH = 40;

export interface TunnelEnds {
  readonly src: string;
  readonly dst: string;
  readonly hopLimit?: number;
}

/** The IPv6 packet carrying `inner` (an IPv4 packet) from `ends.src` to `ends.dst`. */
export function encapsulateIpv4(ends: TunnelEnds, inner: Uint8Array): Uint8Array {
  if (inner.length === 0 || inner[0] >> 4 !== 4) throw new Error('encapsulateIpv4: the inner packet is not IPv4');
  if (inner.length > 0xffff) throw new Error(`encapsulateIpv4: inner packet of ${inner.length} octets does not fit an IPv6 payload length`);
  const out = new Uint8Array(IPV6_HEADER_LENGTH + inner.length);
  // RFC 2473 §6.5: the tunnel's traffic class comes from the entry point's configuration; RTX's is
  // not documented, so the inner packet's DSCP is copied (the common choice); flow label 0.
  const tos = inner[1];
  out[0] = 0x60 | (tos >> 4);
  out[1] = (tos & 0x0f) << 4;
  out[4] = inner.length >> 8;
  out[5] = inner.length & 0xff;
  out[6] = NEXT_HEADER_IPV4;
  out[7] = ends.hopLimit ?? MAP_E_ASSUMPTION_DEFAULTS.tunnelHopLimit;
  out.set(ipv6Bytes(ends.src, 'tunnel source'), 8);
  out.set(ipv6Bytes(ends.dst, 'tunnel destination'), 24);
  out.set(inner, IPV6_HEADER_LENGTH);
  return out;
}

export type DecapsulateResult =
  | { ok: true; src: string; dst: string; inner: Uint8Array }
  | { ok: false; offset: number; why: string };

/** IPv6 Next Header of a Destination Options header (RFC 8200 §4.6). */
export const NEXT_HEADER_DESTINATION_OPTIONS = 60;
/** Options a tunnel exit knows (RFC 8200 §4.2 Pad1, PadN; RFC 2473 §4.1.1 Tunnel Encapsulation Limit). */
const KNOWN_OPTIONS = new Set([0, 1, 4]);

/**
 * The IPv4 packet inside an IPv6 tunnel packet: Next Header 4, directly or after Destination
 * Options headers, which RFC 2473 §3.2 has the tunnel exit process and §3.3 removes with the tunnel
 * header (Linux's ip6tnl sends one with the Tunnel Encapsulation Limit by default; assumption
 * tunnel-exit-destination-options). An option the exit does not know is skipped when its type's two
 * high bits say so (00), and drops the packet otherwise (RFC 8200 §4.2).
 */
export function decapsulateIpv4(packet: Uint8Array): DecapsulateResult {
  if (packet.length < IPV6_HEADER_LENGTH) return { ok: false, offset: 0, why: `IPv6 header cut short (${packet.length} of 40 octets)` };
  if (packet[0] >> 4 !== 6) return { ok: false, offset: 0, why: `IP version ${packet[0] >> 4}, not 6` };
  const plen = (packet[4] << 8) | packet[5];
  if (IPV6_HEADER_LENGTH + plen > packet.length) return { ok: false, offset: 4, why: `payload length ${plen} with ${packet.length - IPV6_HEADER_LENGTH} octets present` };
  const end = IPV6_HEADER_LENGTH + plen;
  let next = packet[6];
  let nextAt = 6;
  let at = IPV6_HEADER_LENGTH;
  while (next === NEXT_HEADER_DESTINATION_OPTIONS) {
    if (at + 2 > end) return { ok: false, offset: at, why: 'Destination Options header cut short' };
    const length = (packet[at + 1] + 1) * 8;
    if (at + length > end) return { ok: false, offset: at, why: `Destination Options header of ${length} octets with ${end - at} present` };
    for (let o = at + 2; o < at + length; ) {
      const type = packet[o];
      if (type === 0) {
        o += 1; // Pad1
        continue;
      }
      if (o + 2 > at + length || o + 2 + packet[o + 1] > at + length) return { ok: false, offset: o, why: `option ${type} overruns its Destination Options header` };
      if (!KNOWN_OPTIONS.has(type) && type >> 6 !== 0) return { ok: false, offset: o, why: `unknown Destination Option ${type} whose type says discard (RFC 8200 §4.2)` };
      o += 2 + packet[o + 1];
    }
    next = packet[at];
    nextAt = at;
    at += length;
  }
  if (next !== NEXT_HEADER_IPV4) return { ok: false, offset: nextAt, why: `Next Header ${next}, not 4 (IPv4)` };
  const inner = packet.subarray(at, end);
  if (inner.length === 0 || inner[0] >> 4 !== 4) return { ok: false, offset: at, why: 'the encapsulated packet is not IPv4' };
  return { ok: true, src: formatIpv6Bytes(packet.subarray(8, 24)), dst: formatIpv6Bytes(packet.subarray(24, 40)), inner };
}

/** RFC 2473 §6.7 tunnel MTU (ASSUMPTION ipip-tunnel-mtu: no encapsulation-limit option). */
export function tunnelMtu(linkMtu: number): number {
  return linkMtu - IPV6_HEADER_LENGTH;
}

/** What the tunnel entry point does with an IPv4 packet of `innerLength` octets. */
export type TunnelEntryOutcome =
  | { kind: 'sent'; outerLength: number }
  /** Too big with DF set: ICMPv4 "fragmentation needed" with the tunnel MTU (RFC 2473 §7.2(a)). */
  | { kind: 'frag-needed'; mtu: number }
  /**
   * Too big, DF clear: encapsulated whole, then the IPv6 tunnel packet is fragmented to the link
   * MTU (RFC 2473 §7.2(b), assumption tunnel-fragments-outer-ipv6); the IPv6 fragments' lengths.
   */
  | { kind: 'fragmented'; fragments: number; fragmentLengths: number[] };

export function tunnelEntry(innerLength: number, df: boolean, linkMtu: number): TunnelEntryOutcome {
  const mtu = tunnelMtu(linkMtu);
  if (innerLength <= mtu) return { kind: 'sent', outerLength: innerLength + IPV6_HEADER_LENGTH };
  if (df) return { kind: 'frag-needed', mtu };
  // RFC 8200 §4.5: each fragment is the 40-octet header, the 8-octet Fragment header and a multiple
  // of 8 octets of the encapsulated packet (the last one: the rest)
  const perFragment = Math.floor((linkMtu - IPV6_HEADER_LENGTH - 8) / 8) * 8;
  const lengths: number[] = [];
  for (let left = innerLength; left > 0; left -= perFragment) lengths.push(IPV6_HEADER_LENGTH + 8 + Math.min(perFragment, left));
  return { kind: 'fragmented', fragments: lengths.length, fragmentLengths: lengths };
}

/**
 * `ipv4` with DF cleared and its header checksum redone (assumption l2tp-inner-df-clear: the
 * router's own tunnel packets are fragmentable; capture/ip.ts builds every packet with DF set).
 */
export function clearDontFragment(ipv4: Uint8Array): Uint8Array {
  if (ipv4.length < 20 || ipv4[0] >> 4 !== 4) throw new Error('clearDontFragment: not an IPv4 packet');
  const out = Uint8Array.from(ipv4);
  out[6] &= ~0x40;
  const ihl = (out[0] & 0x0f) * 4;
  out[10] = 0;
  out[11] = 0;
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += (out[i] << 8) | out[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  out[10] = c >> 8;
  out[11] = c & 0xff;
  return out;
}
