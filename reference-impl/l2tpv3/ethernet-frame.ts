// The Ethernet frame a pseudowire carries (RFC 4719 §4: no preamble, no FCS; tagged or not).
import { decodeError, type Decoded } from './decode-error.ts';
import { u16 } from './wire.ts';

/** TPIDs of 802.1Q and 802.1ad tags (and the pre-standard 0x9100 QinQ). */
export const VLAN_TPIDS: readonly number[] = [0x8100, 0x88a8, 0x9100];

export interface VlanTag {
  tpid: number;
  pcp: number;
  dei: boolean;
  id: number;
}

export interface EthernetHeader {
  dst: Uint8Array;
  src: Uint8Array;
  vlans: VlanTag[];
  /** EtherType (or 802.3 length) after the tags. */
  etherType: number;
  headerLength: number;
}

export function decodeEthernetHeader(b: Uint8Array): Decoded<EthernetHeader> {
  if (b.length < 14) return { ok: false, error: decodeError('too-short', 0, `Ethernet frame of ${b.length} octets`, { size: b.length }) };
  const vlans: VlanTag[] = [];
  let o = 12;
  let type = u16(b, o);
  while (VLAN_TPIDS.includes(type)) {
    if (b.length < o + 6) return { ok: false, error: decodeError('too-short', o, 'VLAN tag cut short', { size: b.length }) };
    const tci = u16(b, o + 2);
    vlans.push({ tpid: type, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, id: tci & 0x0fff });
    o += 4;
    type = u16(b, o);
  }
  return { ok: true, value: { dst: b.subarray(0, 6), src: b.subarray(6, 12), vlans, etherType: type, headerLength: o + 2 } };
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function formatMacAddress(b: Uint8Array): string {
  return `${HEX_BYTE[b[0]]}:${HEX_BYTE[b[1]]}:${HEX_BYTE[b[2]]}:${HEX_BYTE[b[3]]}:${HEX_BYTE[b[4]]}:${HEX_BYTE[b[5]]}`;
}
