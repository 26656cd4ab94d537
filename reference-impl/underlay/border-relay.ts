// The ISP side of the seed's IPv6-only access services, as the lab plays it: a MAP-E Border Relay
// (RFC 7597 §8.3: decapsulate, check the source against the rule, forward by IPv4 destination and
// port) that is also the far end of fixed-address IPv4-in-IPv6 (IPIP) tunnels, so a site behind
// MAP-E and a site behind IPIP reach each other through it (hub and spoke; no Forwarding Mapping
// Rule, so CE-to-CE traffic goes through the BR too). Pure: packets in, the packet to send out.
import { decodeIp, decodeUdp } from '../capture/ip.ts';
import { decapsulateIpv4, encapsulateIpv4 } from './ip-in-ipv6.ts';
import { fragmentIpv6, Ipv6Reassembler, NEXT_HEADER_FRAGMENT, type ReassemblyLimits } from './ipv6-fragment.ts';
import { UNDERLAY_FRAGMENT_DEFAULTS } from './underlay-assumptions.ts';
import { ceForDestination, formatIpv6Bytes, ipv6Bytes, ipv4Bytes, mapECe, type MapERule } from './map-e-rule.ts';

/** A fixed-address IPIP customer: its IPv4 address(es) behind one IPv6 tunnel end. */
export interface IpipCustomer {
  /** IPv4 prefix routed into the tunnel, e.g. `192.0.2.10/32`. */
  readonly ipv4Prefix: string;
  /** The customer's IPv6 tunnel end. */
  readonly remote: string;
}

export interface BorderRelayConfig {
  /** The relay's own IPv6 address: every tunnel ends here. */
  readonly address: string;
  readonly mapRules: readonly MapERule[];
  readonly ipip: readonly IpipCustomer[];
  /** IPv6 MTU of the relay's link (assumption underlay-link-mtu): bigger packets leave fragmented. */
  readonly linkMtu?: number;
  readonly reassembly?: Partial<ReassemblyLimits>;
}

export type RelayResult =
  /** `packet`: the whole re-encapsulated packet; `packets`: what goes on the wire (its IPv6 fragments when it exceeds the link MTU). */
  | { kind: 'forward'; to: string; packet: Uint8Array; packets: Uint8Array[]; via: 'map-e' | 'ipip' }
  /** A fragment kept until its datagram is whole (RFC 8200 §4.5). */
  | { kind: 'held' }
  | { kind: 'dropped'; why: string };

export class BorderRelay {
  private readonly self: string;
  private readonly reassembler: Ipv6Reassembler;
  private nextId: number = UNDERLAY_FRAGMENT_DEFAULTS.firstIdentification;

  constructor(readonly cfg: BorderRelayConfig) {
    this.reassembler = new Ipv6Reassembler(cfg.reassembly);
    this.self = formatIpv6Bytes(ipv6Bytes(cfg.address, 'border relay address'));
    for (const c of cfg.ipip) {
      ipv6Bytes(c.remote, 'IPIP customer tunnel end');
      prefixBits(c.ipv4Prefix);
    }
  }

  /**
   * One IPv6 packet that arrived at the relay (at `now` ms, for the reassembly timeout): where its
   * IPv4 packet goes next. The relay is a tunnel exit and entry both: fragments are reassembled
   * before decapsulation and the re-encapsulated packet is fragmented again to the link MTU
   * (RFC 2473 §7.2(b), RFC 7597 §8.3.1; assumption tunnel-fragments-outer-ipv6).
   */
  relay(arrived: Uint8Array, now = 0): RelayResult {
    let packet = arrived;
    if (packet.length >= 40 && packet[0] >> 4 === 6 && packet[6] === NEXT_HEADER_FRAGMENT) {
      const r = this.reassembler.add(packet, now);
      if (r.kind !== 'complete') return r;
      packet = r.packet;
    }
    const d = decapsulateIpv4(packet);
    if (!d.ok) return { kind: 'dropped', why: d.why };
    if (d.dst !== this.self) return { kind: 'dropped', why: `IPv6 destination ${d.dst} is not the relay` };
    const ip = decodeIp(d.inner);
    if (!ip.ok) return { kind: 'dropped', why: ip.why };
    // UDP only (L2TPv3's transport); TCP and ICMP port mapping are not modelled
    const ports = ip.value.protocol === 17 ? portsOf(ip.value.payload) : undefined;
    const source = this.checkSource(d.src, ip.value.src, ports?.src);
    if (source) return { kind: 'dropped', why: source };
    const onward = this.route(ip.value.dst, ports?.dst);
    if (!onward) return { kind: 'dropped', why: `no MAP-E rule or IPIP customer for ${ip.value.dst}${ports ? ` port ${ports.dst}` : ''}` };
    const out = encapsulateIpv4({ src: this.self, dst: onward.to }, d.inner);
    const mtu = this.cfg.linkMtu ?? UNDERLAY_FRAGMENT_DEFAULTS.linkMtu;
    const packets = out.length > mtu ? fragmentIpv6(out, mtu, this.nextId++ >>> 0) : [out];
    return { kind: 'forward', to: onward.to, via: onward.via, packet: out, packets };
  }

  /** RFC 7597 §8.1: a MAP-E source must be the CE its IPv4 address and port map to; an IPIP source its customer's tunnel end. */
  private checkSource(src6: string, src4: string, srcPort: number | undefined): string | undefined {
    for (const rule of this.cfg.mapRules) {
      if (!inPrefix(src4, rule.ipv4Prefix)) continue;
      const ce = srcPort === undefined ? undefined : ceForDestination(rule, src4, srcPort);
      if (!ce || ce.ceIpv6 !== src6) return `source ${src4}${srcPort === undefined ? '' : `:${srcPort}`} does not belong to MAP-E CE ${src6} (RFC 7597 §8.1)`;
      return undefined;
    }
    const c = this.cfg.ipip.find((x) => inPrefix(src4, x.ipv4Prefix));
    if (!c) return `source ${src4} belongs to no customer of this relay`;
    if (formatIpv6Bytes(ipv6Bytes(c.remote)) !== src6) return `source ${src4} arrived from ${src6}, not its IPIP tunnel end ${c.remote}`;
    return undefined;
  }

  private route(dst4: string, dstPort: number | undefined): { to: string; via: 'map-e' | 'ipip' } | undefined {
    for (const rule of this.cfg.mapRules) {
      if (!inPrefix(dst4, rule.ipv4Prefix)) continue;
      if (dstPort === undefined) return undefined; // a shared address needs the port (no ICMP mapping modelled)
      const ce = ceForDestination(rule, dst4, dstPort);
      return ce ? { to: ce.ceIpv6, via: 'map-e' } : undefined;
    }
    const c = this.cfg.ipip.find((x) => inPrefix(dst4, x.ipv4Prefix));
    return c ? { to: formatIpv6Bytes(ipv6Bytes(c.remote)), via: 'ipip' } : undefined;
  }
}

/** A CE's MAP address for an End-user prefix under the relay's first matching rule (what a lab hands its CE). */
export function ceAddressFor(rule: MapERule, endUserPrefix: string): string {
  return mapECe(rule, endUserPrefix).ceIpv6;
}

function portsOf(l4: Uint8Array): { src: number; dst: number } | undefined {
  const u = decodeUdp(l4);
  return u.ok ? { src: u.value.srcPort, dst: u.value.dstPort } : undefined;
}

function prefixBits(text: string): { bytes: Uint8Array; length: number } {
  const [a, l] = text.split('/');
  const length = l === undefined ? 32 : Number(l);
  if (!Number.isInteger(length) || length < 0 || length > 32) throw new Error(`IPv4 prefix "${text}": bad length`);
  return { bytes: ipv4Bytes(a, 'IPv4 prefix'), length };
}

function inPrefix(addr: string, prefix: string): boolean {
  const p = prefixBits(prefix);
  const a = ipv4Bytes(addr);
  for (let i = 0; i < p.length; i++) if (((a[i >> 3] >> (7 - (i & 7))) & 1) !== ((p.bytes[i >> 3] >> (7 - (i & 7))) & 1)) return false;
  return true;
}
