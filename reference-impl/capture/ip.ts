// IPv4 / IPv6 / UDP headers and Ethernet framing for capture files: decode what a capture
// holds, and build correct packets (checksums included) for captures we write.
// RFC 791 (IPv4), RFC 8200 (IPv6), RFC 768 (UDP), RFC 1071 (checksum).
import { formatMacAddress } from '../l2tpv3/ethernet-frame.ts';

export const ETHERTYPE = { IPV4: 0x0800, IPV6: 0x86dd, VLAN: 0x8100, ARP: 0x0806 } as const;
export const IP_PROTOCOL = { ICMP: 1, UDP: 17, L2TP: 115, ICMPV6: 58 } as const;

export interface IpPacket {
  version: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
  /** Offset of the transport payload within the buffer given to decodeIp. */
  payloadOffset: number;
  payload: Uint8Array;
  /** Fragment other than the first: no transport header inside. */
  laterFragment: boolean;
}

export type IpDecodeResult = { ok: true; value: IpPacket } | { ok: false; offset: number; why: string };

const IPV6_EXTENSION_HEADERS = new Set([0, 43, 60, 135, 139, 140]); // hop-by-hop, routing, dest opts, mobility, HIP, shim6

export function decodeIp(b: Uint8Array): IpDecodeResult {
  if (b.length < 1) return { ok: false, offset: 0, why: 'empty IP packet' };
  const version = b[0] >> 4;
  if (version === 4) {
    const ihl = (b[0] & 0x0f) * 4;
    if (ihl < 20 || b.length < ihl) return { ok: false, offset: 0, why: `IPv4 header length ${ihl} with ${b.length} octets` };
    const total = (b[2] << 8) | b[3];
    if (total < ihl || total > b.length) return { ok: false, offset: 2, why: `IPv4 total length ${total} with ${b.length} octets captured` };
    const frag = ((b[6] << 8) | b[7]) & 0x1fff;
    return {
      ok: true,
      value: { version: 4, protocol: b[9], src: formatIpv4(b, 12), dst: formatIpv4(b, 16), payloadOffset: ihl, payload: b.subarray(ihl, total), laterFragment: frag !== 0 },
    };
  }
  if (version === 6) {
    if (b.length < 40) return { ok: false, offset: 0, why: `IPv6 header cut short (${b.length} of 40 octets)` };
    const plen = (b[4] << 8) | b[5];
    const end = Math.min(b.length, 40 + plen);
    let next = b[6];
    let o = 40;
    let laterFragment = false;
    while (IPV6_EXTENSION_HEADERS.has(next) || next === 44) {
      if (o + 8 > end) return { ok: false, offset: o, why: 'IPv6 extension header cut short' };
      if (next === 44) {
        laterFragment = (((b[o + 2] << 8) | b[o + 3]) & 0xfff8) !== 0;
        next = b[o];
        o += 8;
      } else {
        const len = (b[o + 1] + 1) * 8;
        next = b[o];
        o += len;
      }
    }
    if (o > end) return { ok: false, offset: 40, why: 'IPv6 extension headers run past the payload' };
    return { ok: true, value: { version: 6, protocol: next, src: formatIpv6(b, 8), dst: formatIpv6(b, 24), payloadOffset: o, payload: b.subarray(o, end), laterFragment } };
  }
  return { ok: false, offset: 0, why: `IP version ${version}` };
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  checksum: number;
  payload: Uint8Array;
}

export function decodeUdp(b: Uint8Array): { ok: true; value: UdpDatagram } | { ok: false; offset: number; why: string } {
  if (b.length < 8) return { ok: false, offset: 0, why: `UDP header cut short (${b.length} of 8 octets)` };
  const len = (b[4] << 8) | b[5];
  // Length 0 is legal for IPv6 jumbograms only; take what was captured.
  if (len !== 0 && (len < 8 || len > b.length)) return { ok: false, offset: 4, why: `UDP length ${len} with ${b.length} octets` };
  return { ok: true, value: { srcPort: (b[0] << 8) | b[1], dstPort: (b[2] << 8) | b[3], checksum: (b[6] << 8) | b[7], payload: b.subarray(8, len === 0 ? b.length : len) } };
}

// A capture holds few distinct addresses: format each once (bounded, so memory stays flat).
const IPV4_TEXT = new Map<number, string>();

export function formatIpv4(b: Uint8Array, o: number): string {
  const key = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  let s = IPV4_TEXT.get(key);
  if (s === undefined) {
    s = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
    if (IPV4_TEXT.size > 4096) IPV4_TEXT.clear();
    IPV4_TEXT.set(key, s);
  }
  return s;
}

/** RFC 5952 text form (lower case, longest zero run compressed). */
export function formatIpv6(b: Uint8Array, o: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[o + 2 * i] << 8) | b[o + 2 * i + 1]);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  if (bestAt < 0) return hexGroups(g);
  return `${hexGroups(g.slice(0, bestAt))}::${hexGroups(g.slice(bestAt + bestLen))}`;
}

function hexGroups(a: number[]): string {
  let s = '';
  for (let i = 0; i < a.length; i++) s += (i ? ':' : '') + a[i].toString(16);
  return s;
}

export function parseIpv4(s: string): Uint8Array {
  const p = s.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) throw new Error(`'${s}' is not an IPv4 address`);
  return Uint8Array.from(p.map(Number));
}

export function parseIpv6(s: string): Uint8Array {
  const bad = (): Error => new Error(`'${s}' is not an IPv6 address`);
  let text = s;
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text); // embedded IPv4 (::ffff:192.0.2.1)
  if (v4) {
    const q = parseIpv4(v4[2]);
    text = `${v4[1]}${((q[0] << 8) | q[1]).toString(16)}:${((q[2] << 8) | q[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw bad();
  const part = (h: string): number[] => (h === '' ? [] : h.split(':').map((x) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(x)) throw bad();
    return parseInt(x, 16);
  }));
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  if (halves.length === 2 ? head.length + rest.length > 7 : head.length !== 8) throw bad();
  const groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((v, i) => { out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  return out;
}

export function parseMac(s: string): Uint8Array {
  const p = s.split(/[:-]/);
  if (p.length !== 6 || p.some((x) => !/^[0-9a-fA-F]{2}$/.test(x))) throw new Error(`'${s}' is not a MAC address`);
  return Uint8Array.from(p.map((x) => parseInt(x, 16)));
}

export { formatMacAddress as formatMac };

/** RFC 1071 one's-complement sum over the given chunks, folded and inverted. */
export function internetChecksum(...chunks: Uint8Array[]): number {
  let sum = 0;
  for (const c of chunks) {
    const n = c.length & ~1;
    for (let i = 0; i < n; i += 2) sum += (c[i] << 8) | c[i + 1];
    if (c.length & 1) sum += c[c.length - 1] << 8; // chunks other than the last are even-sized here
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface IpPacketSpec {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
}

/** An IPv4 or IPv6 packet, chosen by the address form. */
export function buildIpPacket(p: IpPacketSpec): Uint8Array {
  if (p.src.includes(':')) {
    const out = new Uint8Array(40 + p.payload.length);
    out[0] = 0x60;
    out[4] = p.payload.length >> 8;
    out[5] = p.payload.length & 0xff;
    out[6] = p.protocol;
    out[7] = p.ttl ?? 64;
    out.set(parseIpv6(p.src), 8);
    out.set(parseIpv6(p.dst), 24);
    out.set(p.payload, 40);
    return out;
  }
  const out = new Uint8Array(20 + p.payload.length);
  const total = out.length;
  out[0] = 0x45;
  out[2] = total >> 8;
  out[3] = total & 0xff;
  out[4] = ((p.id ?? 0) >> 8) & 0xff;
  out[5] = (p.id ?? 0) & 0xff;
  out[6] = 0x40; // DF
  out[8] = p.ttl ?? 64;
  out[9] = p.protocol;
  out.set(parseIpv4(p.src), 12);
  out.set(parseIpv4(p.dst), 16);
  const c = internetChecksum(out.subarray(0, 20));
  out[10] = c >> 8;
  out[11] = c & 0xff;
  out.set(p.payload, 20);
  return out;
}

export interface UdpPacketSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

/** An IP packet carrying a UDP datagram with a correct checksum (mandatory over IPv6). */
export function buildUdpPacket(u: UdpPacketSpec): Uint8Array {
  const udp = new Uint8Array(8 + u.payload.length);
  udp[0] = u.srcPort >> 8;
  udp[1] = u.srcPort & 0xff;
  udp[2] = u.dstPort >> 8;
  udp[3] = u.dstPort & 0xff;
  udp[4] = udp.length >> 8;
  udp[5] = udp.length & 0xff;
  udp.set(u.payload, 8);
  const v6 = u.src.includes(':');
  const srcA = v6 ? parseIpv6(u.src) : parseIpv4(u.src);
  const dstA = v6 ? parseIpv6(u.dst) : parseIpv4(u.dst);
  const pseudo = new Uint8Array(v6 ? 40 : 12);
  pseudo.set(srcA, 0);
  pseudo.set(dstA, srcA.length);
  if (v6) {
    new DataView(pseudo.buffer).setUint32(32, udp.length);
    pseudo[39] = IP_PROTOCOL.UDP;
  } else {
    pseudo[9] = IP_PROTOCOL.UDP;
    pseudo[10] = udp.length >> 8;
    pseudo[11] = udp.length & 0xff;
  }
  let c = internetChecksum(pseudo, udp);
  if (c === 0) c = 0xffff; // 0 means "no checksum" (RFC 768)
  udp[6] = c >> 8;
  udp[7] = c & 0xff;
  return buildIpPacket({ src: u.src, dst: u.dst, protocol: IP_PROTOCOL.UDP, payload: udp });
}

export interface EthernetFrameSpec {
  src: string;
  dst: string;
  etherType: number;
  payload: Uint8Array;
  /** 802.1Q VLAN ID (and priority) when the frame is tagged. */
  vlan?: { id: number; pcp?: number };
}

export function buildEthernetFrame(f: EthernetFrameSpec): Uint8Array {
  const tag = f.vlan ? 4 : 0;
  const out = new Uint8Array(14 + tag + f.payload.length);
  out.set(parseMac(f.dst), 0);
  out.set(parseMac(f.src), 6);
  if (f.vlan) {
    out[12] = 0x81;
    out[13] = 0x00;
    const tci = ((f.vlan.pcp ?? 0) << 13) | (f.vlan.id & 0xfff);
    out[14] = tci >> 8;
    out[15] = tci & 0xff;
  }
  out[12 + tag] = f.etherType >> 8;
  out[13 + tag] = f.etherType & 0xff;
  out.set(f.payload, 14 + tag);
  return out;
}
