// One end of an IPv4-in-IPv6 tunnel on an Ethernet WAN, in userspace: what the router's WAN does
// when its L2TPv3 runs over `tunnel encapsulation ipip` (IPv6 endpoints) or MAP-E, and what the
// lab's ISP gateway / border relay does on its side. UDP/IPv4 datagrams in, Ethernet frames out
// (IPv6 with Next Header 4, next hop found by Neighbor Discovery), and the reverse; MAP-E's port
// set restricts the ports it sends from and accepts (RFC 7597 §8.2). Pure: time comes in as `now`.
import { buildUdpPacket, decodeIp, decodeUdp } from '../capture/ip.ts';
import { clearDontFragment, decapsulateIpv4, encapsulateIpv4 } from './ip-in-ipv6.ts';
import { fragmentIpv6, Ipv6Reassembler, NEXT_HEADER_FRAGMENT, type ReassemblyLimits } from './ipv6-fragment.ts';
import { UNDERLAY_FRAGMENT_DEFAULTS } from './underlay-assumptions.ts';
import { formatIpv6Bytes, ipv6Bytes, portInSet, type MapECe } from './map-e-rule.ts';
import {
  ETHERTYPE_IPV6, ethernetFrame, isUnspecified, macBytes, NeighborCache, neighborAdvertisement, neighborSolicitation, readNd,
} from './neighbor-discovery.ts';

export interface TunnelWanConfig {
  readonly mac: string;
  /** Own IPv6 address on the WAN: the IPIP local endpoint, or the MAP-E CE's MAP address. */
  readonly ipv6: string;
  /** The tunnel's far end: the ISP's IPIP gateway, or the MAP-E border relay. */
  readonly remote: string;
  /** The next hop on the link when the far end is not on-link. */
  readonly gateway?: string;
  /** Own IPv4 address inside the tunnel. */
  readonly ipv4: string;
  /** MAP-E: only these ports are ours (RFC 7597 §5.1). */
  readonly portSet?: Pick<MapECe, 'psid' | 'psidLength' | 'psidOffset'>;
  readonly hopLimit?: number;
  /** IPv6 MTU of the WAN link (assumption underlay-link-mtu): bigger tunnel packets leave as IPv6 fragments. */
  readonly linkMtu?: number;
  /** First IPv6 fragment Identification (assumption fragment-identification). */
  readonly firstIdentification?: number;
  readonly reassembly?: Partial<ReassemblyLimits>;
}

export interface TunnelDatagram {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

export type TunnelReceive =
  | { kind: 'datagram'; datagram: TunnelDatagram; frames: Uint8Array[] }
  /** ND traffic: answered or learned; `frames` are the answer and the packets that were waiting. */
  | { kind: 'nd'; frames: Uint8Array[] }
  /** An IPv6 fragment kept until its datagram is whole (RFC 8200 §4.5). */
  | { kind: 'held'; frames: Uint8Array[] }
  /** Not for this tunnel end, with the reason (kept for the trace and the tests). */
  | { kind: 'dropped'; why: string; frames: Uint8Array[] };

export class TunnelWanError extends Error {}

export class TunnelWan {
  private readonly mac: Uint8Array;
  private readonly own6: Uint8Array;
  private readonly next6: Uint8Array;
  private readonly cache = new NeighborCache();
  private readonly reassembler: Ipv6Reassembler;
  private nextId: number;

  constructor(readonly cfg: TunnelWanConfig) {
    this.reassembler = new Ipv6Reassembler(cfg.reassembly);
    this.nextId = cfg.firstIdentification ?? UNDERLAY_FRAGMENT_DEFAULTS.firstIdentification;
    this.mac = macBytes(cfg.mac);
    this.own6 = ipv6Bytes(cfg.ipv6, 'tunnel WAN address');
    ipv6Bytes(cfg.remote, 'tunnel far end');
    this.next6 = ipv6Bytes(cfg.gateway ?? cfg.remote, 'next hop');
  }

  /** Frames that carry one UDP/IPv4 datagram through the tunnel (or a solicitation while the next hop is unknown). */
  send(d: Omit<TunnelDatagram, 'src'>, now: number): Uint8Array[] {
    if (this.cfg.portSet && !portInSet(d.srcPort, this.cfg.portSet)) {
      throw new TunnelWanError(`source port ${d.srcPort} is outside this MAP-E CE's port set (PSID ${this.cfg.portSet.psid}, RFC 7597 §8.2)`);
    }
    return this.sendIpv4(buildUdpPacket({ src: this.cfg.ipv4, dst: d.dst, srcPort: d.srcPort, dstPort: d.dstPort, payload: d.payload }), now);
  }

  /**
   * Frames that carry one IPv4 packet of ours through the tunnel: DF cleared (assumption
   * l2tp-inner-df-clear), encapsulated, and IPv6-fragmented when bigger than the link MTU
   * (RFC 2473 §7.2(b), assumption tunnel-fragments-outer-ipv6).
   */
  sendIpv4(ipv4: Uint8Array, now: number): Uint8Array[] {
    const packet = encapsulateIpv4({ src: this.cfg.ipv6, dst: this.cfg.remote, hopLimit: this.cfg.hopLimit }, clearDontFragment(ipv4));
    const mtu = this.cfg.linkMtu ?? UNDERLAY_FRAGMENT_DEFAULTS.linkMtu;
    const pieces = packet.length > mtu ? fragmentIpv6(packet, mtu, this.nextId++ >>> 0) : [packet];
    const out: Uint8Array[] = [];
    for (const p of pieces) {
      const r = this.cache.resolve(this.next6, p, now);
      if ('mac' in r) out.push(ethernetFrame(r.mac, this.mac, ETHERTYPE_IPV6, p));
      else if (r.solicit) out.push(neighborSolicitation(this.mac, this.own6, this.next6));
    }
    return out;
  }

  /** Whether the next hop's link-layer address is known (a tunnel end that came up has resolved its far end). */
  nextHopKnown(now: number): boolean {
    return this.cache.known(this.next6, now);
  }

  /** A solicitation for the next hop now, unless it is known: the tunnel end resolving its far end as it comes up. */
  solicitNextHop(now: number): Uint8Array[] {
    return this.nextHopKnown(now) ? [] : [neighborSolicitation(this.mac, this.own6, this.next6)];
  }

  /** Solicitations due by `now` (call on a timer while a next hop is unresolved). */
  tick(now: number): Uint8Array[] {
    return this.cache.retry(this.next6, now) ? [neighborSolicitation(this.mac, this.own6, this.next6)] : [];
  }

  receive(frame: Uint8Array, now: number): TunnelReceive {
    const nd = readNd(frame);
    if (nd?.kind === 'solicitation') {
      if (!equal(nd.target, this.own6)) return { kind: 'dropped', why: 'neighbour solicitation for another address', frames: [] };
      // the solicitor's address and MAC are learned (RFC 4861 §7.2.3): packets waiting for it leave now
      const waiting = isUnspecified(nd.src) ? [] : this.cache.advertised(nd.src, nd.srcMac, now);
      return { kind: 'nd', frames: [neighborAdvertisement(this.mac, this.own6, nd.srcMac, nd.src), ...waiting.map((p) => ethernetFrame(nd.srcMac, this.mac, ETHERTYPE_IPV6, p))] };
    }
    if (nd?.kind === 'advertisement') {
      const waiting = this.cache.advertised(nd.target, nd.mac, now);
      return { kind: 'nd', frames: waiting.map((p) => ethernetFrame(nd.mac, this.mac, ETHERTYPE_IPV6, p)) };
    }
    if (frame.length < 14 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE_IPV6) return { kind: 'dropped', why: 'not IPv6', frames: [] };
    if (!equal(frame.subarray(0, 6), this.mac)) return { kind: 'dropped', why: 'not addressed to this MAC', frames: [] };
    let packet = frame.subarray(14);
    if (packet.length >= 40 && packet[6] === NEXT_HEADER_FRAGMENT) {
      // the tunnel exit reassembles before decapsulating (RFC 2473 §7.2(b), RFC 8200 §4.5)
      const r = this.reassembler.add(packet, now);
      if (r.kind === 'held') return { kind: 'held', frames: [] };
      if (r.kind === 'dropped') return { kind: 'dropped', why: r.why, frames: [] };
      packet = r.packet;
    }
    const d = decapsulateIpv4(packet);
    if (!d.ok) return { kind: 'dropped', why: d.why, frames: [] };
    if (d.dst !== formatIpv6Bytes(this.own6)) return { kind: 'dropped', why: `IPv6 destination ${d.dst} is not this tunnel end`, frames: [] };
    if (d.src !== formatIpv6Bytes(ipv6Bytes(this.cfg.remote))) return { kind: 'dropped', why: `IPv6 source ${d.src} is not the tunnel's far end`, frames: [] };
    const ip = decodeIp(d.inner);
    if (!ip.ok) return { kind: 'dropped', why: ip.why, frames: [] };
    if (ip.value.dst !== this.cfg.ipv4) return { kind: 'dropped', why: `IPv4 destination ${ip.value.dst} is not ${this.cfg.ipv4}`, frames: [] };
    if (ip.value.protocol !== 17) return { kind: 'dropped', why: `IPv4 protocol ${ip.value.protocol}, not UDP`, frames: [] };
    if (ip.value.laterFragment) return { kind: 'dropped', why: 'IPv4 fragment (not reassembled)', frames: [] };
    const udp = decodeUdp(ip.value.payload);
    if (!udp.ok) return { kind: 'dropped', why: udp.why, frames: [] };
    const u = udp.value;
    if (this.cfg.portSet && !portInSet(u.dstPort, this.cfg.portSet)) return { kind: 'dropped', why: `destination port ${u.dstPort} is outside the port set`, frames: [] };
    return { kind: 'datagram', datagram: { src: ip.value.src, dst: ip.value.dst, srcPort: u.srcPort, dstPort: u.dstPort, payload: u.payload }, frames: [] };
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
