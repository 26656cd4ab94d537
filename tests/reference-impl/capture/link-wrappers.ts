// The sample's Ethernet frames re-framed for the other link types the capture readers accept
// (https://www.tcpdump.org/linktypes.html), or with an outer 802.1Q tag.
import { LINKTYPE } from '../../../reference-impl/capture/index.ts';

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

export function rewrap(ethernet: Uint8Array, to: number | 'vlan'): Uint8Array {
  const type = Uint8Array.of(ethernet[12], ethernet[13]);
  const ip = ethernet.subarray(14);
  const v6 = type[0] === 0x86 && type[1] === 0xdd;
  switch (to) {
    case 'vlan': return concat(ethernet.subarray(0, 12), Uint8Array.of(0x81, 0x00, 0x20, 0x64), ethernet.subarray(12));
    case LINKTYPE.ETHERNET: return ethernet;
    // packet type, ARPHRD_ETHER, address length 6, address (8, padded), protocol
    case LINKTYPE.LINUX_SLL: return concat(Uint8Array.of(0, 0, 0, 1, 0, 6), ethernet.subarray(6, 12), Uint8Array.of(0, 0), type, ip);
    // protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address (8)
    case LINKTYPE.LINUX_SLL2: return concat(type, Uint8Array.of(0, 0, 0, 0, 0, 3, 0, 1, 0, 6), ethernet.subarray(6, 12), Uint8Array.of(0, 0), ip);
    case LINKTYPE.RAW: return ip;
    case LINKTYPE.NULL: return concat(Uint8Array.of(v6 ? 24 : 2, 0, 0, 0), ip); // host-endian AF_ (little here)
    case LINKTYPE.LOOP: return concat(Uint8Array.of(0, 0, 0, v6 ? 28 : 2), ip); // network-endian AF_
    default: throw new Error(`no wrapper for link type ${to}`);
  }
}
