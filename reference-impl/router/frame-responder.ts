// The router's own addresses on an interface (bridgeN or a non-member lanN): it answers ARP,
// IPv6 neighbour solicitation and ICMP / ICMPv6 echo, so a tunnel can be checked by pinging the
// far router's bridge address (issue 6). Pure: a frame in, the frames to send back out.
import { bytesEq, internetChecksum, linkLocalFromMac, parseIpv4, parseIpv6 } from './ip-address.ts';
import { icmpv6Packet } from '../underlay/neighbor-discovery.ts';

export interface OwnAddresses {
  mac: Uint8Array;
  ipv4: readonly Uint8Array[];
  /** Global addresses; the EUI-64 link-local address is always added. */
  ipv6: readonly Uint8Array[];
}

export function ownAddresses(mac: Uint8Array, ipv4: readonly string[], ipv6: readonly string[]): OwnAddresses {
  return { mac, ipv4: ipv4.map(parseIpv4), ipv6: [linkLocalFromMac(mac), ...ipv6.map(parseIpv6)] };
}

const ETH_ARP = 0x0806;
const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
/** ASSUMPTION: replies carry TTL / hop limit 255 for ND (RFC 4861 requires it) and 64 otherwise (not documented; a hardware run confirms or refutes). */
export const RESPONDER_ASSUMPTIONS = { ipv4Ttl: 64, ipv6HopLimit: 64 } as const;

const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const put16 = (b: Uint8Array, o: number, v: number) => {
  b[o] = v >> 8;
  b[o + 1] = v & 0xff;
};
const has = (list: readonly Uint8Array[], b: Uint8Array, o: number, len: number) => list.some((a) => bytesEq(a, b, o, len));

function ethernet(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst.subarray(0, 6), 0);
  f.set(src.subarray(0, 6), 6);
  put16(f, 12, type);
  f.set(payload, 14);
  return f;
}

/** Whether the frame is for the router itself (its MAC, broadcast, or a multicast it listens to). */
export function addressedToRouter(frame: Uint8Array, own: OwnAddresses): boolean {
  return frame.length >= 14 && (bytesEq(own.mac, frame, 0, 6) || (frame[0] & 1) === 1);
}

export function respond(frame: Uint8Array, own: OwnAddresses): Uint8Array[] {
  if (frame.length < 14 || !addressedToRouter(frame, own)) return [];
  const type = u16(frame, 12);
  const body = frame.subarray(14);
  if (type === ETH_ARP) return arp(frame, body, own);
  if (type === ETH_IPV4) return icmpv4(frame, body, own);
  if (type === ETH_IPV6) return icmpv6(frame, body, own);
  return [];
}

function arp(frame: Uint8Array, a: Uint8Array, own: OwnAddresses): Uint8Array[] {
  // Ethernet/IPv4 ARP request for one of our addresses (RFC 826).
  if (a.length < 28 || u16(a, 0) !== 1 || u16(a, 2) !== ETH_IPV4 || a[4] !== 6 || a[5] !== 4 || u16(a, 6) !== 1) return [];
  if (!has(own.ipv4, a, 24, 4)) return [];
  const r = new Uint8Array(28);
  r.set(a.subarray(0, 6), 0);
  put16(r, 6, 2);
  r.set(own.mac, 8);
  r.set(a.subarray(24, 28), 14);
  r.set(a.subarray(8, 18), 18); // sender MAC + IP become the target
  return [ethernet(frame.subarray(6, 12), own.mac, ETH_ARP, r)];
}

function icmpv4(frame: Uint8Array, ip: Uint8Array, own: OwnAddresses): Uint8Array[] {
  if (ip.length < 20 || ip[0] >> 4 !== 4) return [];
  const ihl = (ip[0] & 0x0f) * 4;
  const total = u16(ip, 2);
  if (ihl < 20 || total > ip.length || total < ihl + 8) return [];
  if (ip[9] !== 1 || !has(own.ipv4, ip, 16, 4) || !bytesEq(own.mac, frame, 0, 6)) return [];
  if ((u16(ip, 6) & 0x3fff) !== 0) return []; // fragments: not reassembled
  const icmp = ip.subarray(ihl, total);
  if (icmp[0] !== 8 || icmp[1] !== 0) return [];
  const reply = new Uint8Array(20 + icmp.length);
  reply.set([0x45, 0]);
  put16(reply, 2, reply.length);
  put16(reply, 4, u16(ip, 4));
  reply[8] = RESPONDER_ASSUMPTIONS.ipv4Ttl;
  reply[9] = 1;
  reply.set(ip.subarray(16, 20), 12);
  reply.set(ip.subarray(12, 16), 16);
  put16(reply, 10, internetChecksum(reply.subarray(0, 20)));
  const e = reply.subarray(20);
  e.set(icmp);
  e[0] = 0;
  put16(e, 2, 0);
  put16(e, 2, internetChecksum(e));
  return [ethernet(frame.subarray(6, 12), own.mac, ETH_IPV4, reply)];
}

function icmpv6(frame: Uint8Array, ip: Uint8Array, own: OwnAddresses): Uint8Array[] {
  if (ip.length < 48 || ip[0] >> 4 !== 6 || ip[6] !== 58) return [];
  const len = u16(ip, 4);
  if (40 + len > ip.length || len < 8) return [];
  const src = ip.subarray(8, 24);
  const dst = ip.subarray(24, 40);
  const icmp = ip.subarray(40, 40 + len);
  if (icmp[0] === 135 && ip[7] === 255 && len >= 24) {
    // Neighbour solicitation for one of our addresses (RFC 4861 §7.2.4): solicited, override.
    const target = icmp.subarray(8, 24);
    if (!has(own.ipv6, target, 0, 16)) return [];
    const unspecified = src.every((x) => x === 0);
    const na = new Uint8Array(32);
    na[0] = 136;
    na[4] = unspecified ? 0x20 : 0x60;
    na.set(target, 8);
    na[24] = 2; // target link-layer address option
    na[25] = 1;
    na.set(own.mac, 26);
    const to = unspecified ? parseIpv6('ff02::1') : src;
    const dstMac = unspecified ? Uint8Array.from([0x33, 0x33, 0, 0, 0, 1]) : frame.subarray(6, 12);
    return [ethernet(dstMac, own.mac, ETH_IPV6, icmpv6Packet(target, to, 255, na))];
  }
  if (icmp[0] === 128 && icmp[1] === 0 && has(own.ipv6, dst, 0, 16) && bytesEq(own.mac, frame, 0, 6)) {
    const echo = Uint8Array.from(icmp);
    echo[0] = 129;
    return [ethernet(frame.subarray(6, 12), own.mac, ETH_IPV6, icmpv6Packet(dst, src, RESPONDER_ASSUMPTIONS.ipv6HopLimit, echo))];
  }
  return [];
}
