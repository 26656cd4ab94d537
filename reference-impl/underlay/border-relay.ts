// The ISP side of the seed's IPv6-only access services, as the lab plays it: a MAP-E Border Relay
// (RFC 7597 §8.3: decapsulate, check the source against the rule, forward by IPv4 destination and
// port) that is also the far end of fixed-address IPv4-in-IPv6 (IPIP) tunnels, so a site behind
// MAP-E and a site behind IPIP reach each other through it (hub and spoke; no Forwarding Mapping
// Rule, so CE-to-CE traffic goes through the BR too). With an `uplink` it is also what RFC 7597 §8.3
// and an ISP's fixed-address IPIP gateway are for: the customers' door to the native IPv4 internet
// (RFC 7597 §8.3.1 decapsulate and forward natively; §8.3.2 encapsulate what arrives for a customer
// address, to the CE its destination address and port map to). IPv4 bigger than the uplink MTU
// leaves fragmented (RFC 791 §3.2; assumption relay-uplink-mtu) and IPv4 fragments arriving there
// are reassembled before routing (assumption relay-reassembles-uplink-ipv4). Pure: packets in,
// the packets to send out.
import { decodeIp, decodeUdp, internetChecksum, type IpPacket } from '../capture/ip.ts';
import { decapsulateIpv4, encapsulateIpv4 } from './ip-in-ipv6.ts';
import { dontFragment, fragmentIpv4, IPV4_MIN_MTU, Ipv4Reassembler } from './ipv4-fragment.ts';
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
  /** Limits of both reassembly tables: IPv6 from the tunnels, IPv4 from the uplink. */
  readonly reassembly?: Partial<ReassemblyLimits>;
  /**
   * The relay's native IPv4 side (RFC 7597 §8.3): `address` is its own IPv4 address there (named
   * in drop reasons; packets to it are not answered); `mtu` its IPv4 MTU (assumption
   * relay-uplink-mtu: 1500). Without it the relay only relays between its tunnel customers.
   */
  readonly uplink?: { readonly address: string; readonly mtu?: number };
}

export type RelayResult =
  /** `packet`: the whole re-encapsulated packet; `packets`: what goes on the wire (its IPv6 fragments when it exceeds the link MTU). */
  | { kind: 'forward'; to: string; packet: Uint8Array; packets: Uint8Array[]; via: 'map-e' | 'ipip' }
  /**
   * Out of the native IPv4 uplink: `packet` the IPv4 packet with its TTL one less and its header
   * checksum redone; `packets` what goes on the wire (its RFC 791 fragments beyond the uplink MTU).
   */
  | { kind: 'uplink'; packet: Uint8Array; packets: Uint8Array[] }
  /** A fragment kept until its datagram is whole (RFC 8200 §4.5 from a tunnel, RFC 791 from the uplink). */
  | { kind: 'held' }
  | { kind: 'dropped'; why: string };

export class BorderRelay {
  private readonly self: string;
  private readonly reassembler: Ipv6Reassembler;
  private readonly uplinkReassembler: Ipv4Reassembler;
  private readonly uplinkMtu: number;
  private nextId: number = UNDERLAY_FRAGMENT_DEFAULTS.firstIdentification;

  constructor(readonly cfg: BorderRelayConfig) {
    this.reassembler = new Ipv6Reassembler(cfg.reassembly);
    this.uplinkReassembler = new Ipv4Reassembler(cfg.reassembly);
    this.uplinkMtu = cfg.uplink?.mtu ?? UNDERLAY_FRAGMENT_DEFAULTS.uplinkMtu;
    if (!Number.isInteger(this.uplinkMtu) || this.uplinkMtu < IPV4_MIN_MTU || this.uplinkMtu > 0xffff) throw new Error(`border relay uplink MTU ${cfg.uplink?.mtu}: not an integer from ${IPV4_MIN_MTU} (RFC 791 §3.2) to 65535`);
    this.self = formatIpv6Bytes(ipv6Bytes(cfg.address, 'border relay address'));
    for (const c of cfg.ipip) {
      ipv6Bytes(c.remote, 'IPIP customer tunnel end');
      prefixBits(c.ipv4Prefix);
    }
    if (cfg.uplink) ipv4Bytes(cfg.uplink.address, 'border relay uplink address');
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
    const ports = portsOf(ip.value);
    const source = this.checkSource(d.src, ip.value.src, ports?.src);
    if (source) return { kind: 'dropped', why: source };
    const onward = this.route(ip.value.dst, ports?.dst);
    if (onward.kind === 'tunnel') return this.encapsulate(onward, d.inner);
    const uplink = this.cfg.uplink;
    if (onward.kind === 'none' || !uplink) return { kind: 'dropped', why: noRoute(ip.value.dst, ports?.dst) };
    // RFC 7597 §8.3.1: decapsulated, validated, and forwarded natively like any IPv4 router would
    if (ip.value.dst === uplink.address) return { kind: 'dropped', why: `IPv4 destination ${ip.value.dst} is the relay's own uplink address (it answers nothing in IPv4)` };
    const out = forwardIpv4(d.inner);
    if ('why' in out) return { kind: 'dropped', why: out.why };
    // RFC 791 §3.2: a datagram bigger than the next network's MTU is fragmented unless DF forbids it
    if (out.packet.length <= this.uplinkMtu) return { kind: 'uplink', packet: out.packet, packets: [out.packet] };
    if (dontFragment(out.packet)) return { kind: 'dropped', why: `IPv4 packet of ${out.packet.length} octets with DF set exceeds the uplink MTU ${this.uplinkMtu}: fragmentation needed (no ICMP sent)` };
    return { kind: 'uplink', packet: out.packet, packets: fragmentIpv4(out.packet, this.uplinkMtu) };
  }

  /**
   * One native IPv4 packet that arrived on the uplink (RFC 7597 §8.3.2, and an IPIP gateway's
   * downstream): TTL decremented, routed like a decapsulated one (a MAP-E customer by destination
   * address and port: a port outside every CE's set finds nobody; IPIP by prefix), encapsulated
   * from the relay's IPv6 address (RFC 2473 §3) and fragmented to the link MTU as relay() does.
   * A source inside a customer's IPv4 space is dropped: those addresses live behind the tunnels,
   * so one arriving natively is spoofed. IPv4 fragments are reassembled first (`held` until whole,
   * abandoned 60 s after the first at `now` ms; assumptions relay-reassembles-uplink-ipv4,
   * ipv4-reassembly-bounds): MAP-E routes by the port only the first fragment has (RFC 7597 §8.3.2).
   */
  fromUplink(arrived: Uint8Array, now = 0): RelayResult {
    const uplink = this.cfg.uplink;
    if (!uplink) return { kind: 'dropped', why: 'this relay has no IPv4 uplink' };
    if (arrived.length === 0 || arrived[0] >> 4 !== 4) return { kind: 'dropped', why: `uplink packet is not IPv4 (version ${arrived.length ? arrived[0] >> 4 : 'none'})` };
    const whole = this.uplinkReassembler.add(arrived, now);
    if (whole.kind === 'held') return whole;
    if (whole.kind === 'dropped') return { kind: 'dropped', why: `uplink packet: ${whole.why}` };
    const ipv4Packet = whole.packet;
    const ip = decodeIp(ipv4Packet);
    if (!ip.ok) return { kind: 'dropped', why: `uplink packet: ${ip.why}` };
    const src = ip.value.src;
    const owner = this.customerOf(src);
    if (owner) return { kind: 'dropped', why: `source ${src} arrived on the uplink but lies in ${owner}: those addresses come from tunnels only (anti-spoofing)` };
    if (src === uplink.address) return { kind: 'dropped', why: `source ${src} is the relay's own uplink address` };
    const out = forwardIpv4(ipv4Packet);
    if ('why' in out) return { kind: 'dropped', why: out.why };
    const ports = portsOf(ip.value);
    const onward = this.route(ip.value.dst, ports?.dst);
    if (onward.kind === 'tunnel') return this.encapsulate(onward, out.packet);
    if (onward.kind === 'none') return { kind: 'dropped', why: noRoute(ip.value.dst, ports?.dst) };
    return { kind: 'dropped', why: `no route from the uplink to ${ip.value.dst}: in no MAP-E rule and no IPIP customer's prefix (the uplink does not route back out of itself)` };
  }

  /** RFC 2473 §3 / RFC 7597 §8.3: from the relay to the tunnel end, IPv6-fragmented beyond the link MTU (§7.2(b)). */
  private encapsulate(onward: { to: string; via: 'map-e' | 'ipip' }, inner: Uint8Array): RelayResult {
    const out = encapsulateIpv4({ src: this.self, dst: onward.to }, inner);
    const mtu = this.cfg.linkMtu ?? UNDERLAY_FRAGMENT_DEFAULTS.linkMtu;
    const packets = out.length > mtu ? fragmentIpv6(out, mtu, this.nextId++ >>> 0) : [out];
    return { kind: 'forward', to: onward.to, via: onward.via, packet: out, packets };
  }

  /** The customer space an IPv4 address lies in (a MAP-E rule's prefix or an IPIP customer's), named for a drop reason. */
  private customerOf(addr: string): string | undefined {
    const rule = this.cfg.mapRules.find((r) => inPrefix(addr, r.ipv4Prefix));
    if (rule) return `MAP-E rule ${rule.ipv4Prefix}`;
    const c = this.cfg.ipip.find((x) => inPrefix(addr, x.ipv4Prefix));
    return c ? `IPIP customer ${c.ipv4Prefix}` : undefined;
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

  /**
   * Where a customer-bound destination goes: `none` when it lies in a customer's space and nobody
   * there owns it (a MAP-E port outside every CE's set, or no port to map by), `outside` when it
   * is in no customer's space at all (the uplink's, when there is one).
   */
  private route(dst4: string, dstPort: number | undefined): Route {
    for (const rule of this.cfg.mapRules) {
      if (!inPrefix(dst4, rule.ipv4Prefix)) continue;
      if (dstPort === undefined) return { kind: 'none' }; // a shared address needs the port (no ICMP mapping modelled)
      const ce = ceForDestination(rule, dst4, dstPort);
      return ce ? { kind: 'tunnel', to: ce.ceIpv6, via: 'map-e' } : { kind: 'none' };
    }
    const c = this.cfg.ipip.find((x) => inPrefix(dst4, x.ipv4Prefix));
    return c ? { kind: 'tunnel', to: formatIpv6Bytes(ipv6Bytes(c.remote)), via: 'ipip' } : { kind: 'outside' };
  }
}

type Route = { kind: 'tunnel'; to: string; via: 'map-e' | 'ipip' } | { kind: 'none' } | { kind: 'outside' };

function noRoute(dst4: string, dstPort: number | undefined): string {
  return `no MAP-E rule or IPIP customer for ${dst4}${dstPort === undefined ? '' : ` port ${dstPort}`}`;
}

/**
 * What an IPv4 router does to a packet it forwards (RFC 791 §3.2, RFC 1812 §5.3.1): a header whose
 * checksum is wrong is dropped, TTL 1 or 0 expires here (no ICMP Time Exceeded: the lab's relay
 * sends no ICMP), otherwise TTL one less and the header checksum redone. The copy ends at the total
 * length (a captured frame's padding is not part of the packet).
 */
function forwardIpv4(packet: Uint8Array): { packet: Uint8Array } | { why: string } {
  const ihl = (packet[0] & 0x0f) * 4;
  if (internetChecksum(packet.subarray(0, ihl)) !== 0) return { why: 'IPv4 header checksum is wrong' };
  if (packet[8] <= 1) return { why: `IPv4 TTL ${packet[8]} expires at the relay (RFC 1812 §5.3.1)` };
  const out = packet.slice(0, (packet[2] << 8) | packet[3]);
  out[8] -= 1;
  out[10] = 0;
  out[11] = 0;
  const c = internetChecksum(out.subarray(0, ihl));
  out[10] = c >> 8;
  out[11] = c & 0xff;
  return { packet: out };
}

/** A CE's MAP address for an End-user prefix under the relay's first matching rule (what a lab hands its CE). */
export function ceAddressFor(rule: MapERule, endUserPrefix: string): string {
  return mapECe(rule, endUserPrefix).ceIpv6;
}

/** UDP ports of a packet (L2TPv3's transport; TCP and ICMP port mapping are not modelled); none in a non-first fragment. */
function portsOf(ip: IpPacket): { src: number; dst: number } | undefined {
  if (ip.protocol !== 17 || ip.laterFragment) return undefined;
  const u = decodeUdp(ip.payload);
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
