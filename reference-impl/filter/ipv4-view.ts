// What an IP filter sees of an Ethernet frame: the IPv4 header's addresses and protocol, the
// ports of TCP/UDP, TCP flags, ICMP type and code (reference-impl/filter/ip-filter.ts). Pure.
import { decodeEthernetHeader } from '../l2tpv3/ethernet-frame.ts';
import type { Ipv4PacketView } from './ip-filter.ts';

const dotted = (b: Uint8Array, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/** The IPv4 view of a frame (after any VLAN tags), or undefined for a frame that carries no IPv4. */
export function ipv4ViewOfFrame(frame: Uint8Array): Ipv4PacketView | undefined {
  const h = decodeEthernetHeader(frame);
  if (!h.ok || h.value.etherType !== 0x0800) return undefined;
  const ip = frame.subarray(h.value.headerLength);
  if (ip.length < 20 || ip[0] >> 4 !== 4) return undefined;
  const protocol = ip[9];
  const l4 = ip.subarray((ip[0] & 15) * 4);
  const ports = (protocol === 6 || protocol === 17) && l4.length >= 4 ? { srcPort: (l4[0] << 8) | l4[1], dstPort: (l4[2] << 8) | l4[3] } : {};
  const tcp = protocol === 6 && l4.length >= 14 ? { tcpFlags: { fin: (l4[13] & 1) !== 0, syn: (l4[13] & 2) !== 0, rst: (l4[13] & 4) !== 0, ack: (l4[13] & 16) !== 0 } } : {};
  const icmp = protocol === 1 && l4.length >= 2 ? { icmpType: l4[0], icmpCode: l4[1] } : {};
  return { src: dotted(ip, 12), dst: dotted(ip, 16), protocol, ...ports, ...tcp, ...icmp };
}
