// From a captured frame to its network-layer packet, per link type
// (https://www.tcpdump.org/linktypes.html; SLL: LINKTYPE_LINUX_SLL, SLL2: LINKTYPE_LINUX_SLL2).
import { LINKTYPE } from './capture-file.ts';
import { ETHERTYPE } from './ip.ts';

export type NetworkLayer =
  | { ok: true; etherType: number; offset: number; vlanIds: number[] }
  | { ok: false; offset: number; why: string };

const VLAN_TPIDS = new Set([0x8100, 0x88a8, 0x9100]);
/** Shared empty list for untagged frames (never mutated): one allocation less per frame. */
const NO_VLANS: number[] = [];
// BSD AF_INET6 differs by OS (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS); AF_INET is 2 everywhere.
const AF_INET6_VALUES = new Set([10, 24, 28, 30]);

export function networkLayer(linkType: number, b: Uint8Array): NetworkLayer {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return afterEtherType(b, 12);
    case LINKTYPE.LINUX_SLL:
      if (b.length < 16) return { ok: false, offset: 0, why: `Linux SLL header cut short (${b.length} of 16 octets)` };
      return afterEtherType(b, 14);
    case LINKTYPE.LINUX_SLL2:
      if (b.length < 20) return { ok: false, offset: 0, why: `Linux SLL2 header cut short (${b.length} of 20 octets)` };
      return { ok: true, etherType: (b[0] << 8) | b[1], offset: 20, vlanIds: [] };
    case LINKTYPE.RAW: {
      if (b.length < 1) return { ok: false, offset: 0, why: 'empty raw IP packet' };
      const v = b[0] >> 4;
      if (v !== 4 && v !== 6) return { ok: false, offset: 0, why: `raw IP packet of version ${v}` };
      return { ok: true, etherType: v === 4 ? ETHERTYPE.IPV4 : ETHERTYPE.IPV6, offset: 0, vlanIds: [] };
    }
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP: {
      if (b.length < 4) return { ok: false, offset: 0, why: 'loopback header cut short' };
      const le = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
      const be = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
      const af = linkType === LINKTYPE.LOOP ? be : le === 0 ? be : le; // NULL is host-endian: accept both
      if (af === 2) return { ok: true, etherType: ETHERTYPE.IPV4, offset: 4, vlanIds: [] };
      if (AF_INET6_VALUES.has(af)) return { ok: true, etherType: ETHERTYPE.IPV6, offset: 4, vlanIds: [] };
      return { ok: false, offset: 0, why: `loopback address family ${af}` };
    }
    default:
      return { ok: false, offset: 0, why: `link type ${linkType} is not supported (Ethernet, Linux SLL/SLL2, raw IP and loopback are)` };
  }
}

function afterEtherType(b: Uint8Array, at: number): NetworkLayer {
  let vlanIds = NO_VLANS;
  let o = at;
  if (b.length < o + 2) return { ok: false, offset: 0, why: `link header cut short (${b.length} octets)` };
  let type = (b[o] << 8) | b[o + 1];
  while (VLAN_TPIDS.has(type)) {
    if (b.length < o + 6) return { ok: false, offset: o, why: 'VLAN tag cut short' };
    if (vlanIds === NO_VLANS) vlanIds = [];
    vlanIds.push(((b[o + 2] << 8) | b[o + 3]) & 0xfff);
    o += 4;
    type = (b[o] << 8) | b[o + 1];
  }
  return { ok: true, etherType: type, offset: o + 2, vlanIds };
}
