// Finding the L2TPv3 payload in a captured frame (UDP on the L2TP port, or IP protocol 115),
// and framing an L2TPv3 payload for a capture we write.
import type { L2tpTransport } from '../l2tpv3/transport.ts';
import { LINKTYPE } from './capture-file.ts';
import { buildEthernetFrame, buildIpPacket, buildUdpPacket, decodeIp, decodeUdp, ETHERTYPE, IP_PROTOCOL } from './ip.ts';
import { networkLayer } from './link-layer.ts';

/** IANA port for L2TP (RFC 3931 §4.1.2.2). */
export const L2TP_UDP_PORT = 1701;

export interface L2tpInCapture {
  transport: L2tpTransport;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  /** The L2TPv3 octets: the UDP payload, or the IP payload for protocol 115. */
  payload: Uint8Array;
  /** Offset of `payload` inside the captured frame. */
  payloadOffset: number;
}

export type FindL2tpResult =
  | { found: true; value: L2tpInCapture }
  | { found: false; why?: { offset: number; what: string } };

/** Not L2TP is `found: false` without `why`; L2TP-looking but broken outer headers carry `why`. */
export function findL2tp(linkType: number, frame: Uint8Array, udpPort = L2TP_UDP_PORT): FindL2tpResult {
  const nl = networkLayer(linkType, frame);
  if (!nl.ok) return { found: false, why: { offset: nl.offset, what: nl.why } };
  if (nl.etherType !== ETHERTYPE.IPV4 && nl.etherType !== ETHERTYPE.IPV6) return { found: false };
  const ipBytes = frame.subarray(nl.offset);
  const ip = decodeIp(ipBytes);
  if (!ip.ok) return { found: false, why: { offset: nl.offset + ip.offset, what: ip.why } };
  const p = ip.value;
  if (p.laterFragment) return { found: false };
  // Object literals written out (no spreads): this runs once per captured frame.
  if (p.protocol === IP_PROTOCOL.L2TP) {
    return { found: true, value: { transport: 'ip', ipVersion: p.version, src: p.src, dst: p.dst, payload: p.payload, payloadOffset: nl.offset + p.payloadOffset } };
  }
  if (p.protocol !== IP_PROTOCOL.UDP) return { found: false };
  const udp = decodeUdp(p.payload);
  if (!udp.ok) return { found: false, why: { offset: nl.offset + p.payloadOffset + udp.offset, what: udp.why } };
  const u = udp.value;
  if (u.srcPort !== udpPort && u.dstPort !== udpPort) return { found: false };
  return {
    found: true,
    value: { transport: 'udp', ipVersion: p.version, src: p.src, dst: p.dst, srcPort: u.srcPort, dstPort: u.dstPort, payload: u.payload, payloadOffset: nl.offset + p.payloadOffset + 8 },
  };
}

export interface L2tpFrameSpec {
  transport: L2tpTransport;
  src: string;
  dst: string;
  payload: Uint8Array;
  srcPort?: number;
  dstPort?: number;
  srcMac?: string;
  dstMac?: string;
}

/** An Ethernet frame (LINKTYPE.ETHERNET) carrying L2TPv3 over UDP or IP/115, IPv4 or IPv6 by address. */
export function frameL2tp(f: L2tpFrameSpec): Uint8Array {
  const ip = f.transport === 'udp'
    ? buildUdpPacket({ src: f.src, dst: f.dst, srcPort: f.srcPort ?? L2TP_UDP_PORT, dstPort: f.dstPort ?? L2TP_UDP_PORT, payload: f.payload })
    : buildIpPacket({ src: f.src, dst: f.dst, protocol: IP_PROTOCOL.L2TP, payload: f.payload });
  return buildEthernetFrame({
    src: f.srcMac ?? '02:00:00:00:00:01',
    dst: f.dstMac ?? '02:00:00:00:00:02',
    etherType: f.src.includes(':') ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4,
    payload: ip,
  });
}

export const FRAME_LINKTYPE = LINKTYPE.ETHERNET;
