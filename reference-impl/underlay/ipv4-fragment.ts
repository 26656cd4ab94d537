// IPv4 fragmentation and reassembly on the border relay's native uplink (issue 19): a full-size
// frame bridged over L2TPv3 is a 1550-octet IPv4 packet, bigger than the uplink's 1500. Leaving,
// the relay fragments it (RFC 791 §3.2 "Fragmentation and Reassembly" procedure: offsets in 8-octet
// units, MF on all but the last, options copied per their copy flag, DF set refuses); arriving, it
// reassembles before routing, because MAP-E routes by the destination port only the first fragment
// carries (RFC 7597 §8.3.2; assumption relay-reassembles-uplink-ipv4). Reassembly keys on source,
// destination, protocol and Identification (RFC 791 §3.2); overlapping fragments drop the datagram
// as ipv6-fragment.ts does (RFC 5722's rule, RFC 791 would let later data win). Pure: time comes
// in as `now` (ms).
import { internetChecksum } from '../capture/ip.ts';
import { FragmentError, type ReassemblyLimits, type ReassemblyResult } from './ipv6-fragment.ts';
import { UNDERLAY_FRAGMENT_DEFAULTS } from './underlay-assumptions.ts';
import { FragmentTable, type FragmentPart } from './fragment-table.ts';

/** RFC 791 §3.2: every internet module forwards a 68-octet datagram without further fragmentation. */
export const IPV4_MIN_MTU = 68;
const MIN_HEADER = 20;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const OFFSET_MASK = 0x1fff;
/** RFC 791 §3.1 options: End of Option List and No Operation are single octets; the copy flag is the type's top bit. */
const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_COPIED = 0x80;

/** Where a packet's header ends and its data ends (Total Length, not the captured length), after the checks both directions need. */
function layout(packet: Uint8Array, who: string): { ihl: number; total: number } {
  if (packet.length < MIN_HEADER || packet[0] >> 4 !== 4) throw new FragmentError(`${who}: not an IPv4 packet`);
  const ihl = (packet[0] & 0x0f) * 4;
  const total = (packet[2] << 8) | packet[3];
  if (ihl < MIN_HEADER || total < ihl || total > packet.length) throw new FragmentError(`${who}: header length ${ihl} and total length ${total} with ${packet.length} octets present`);
  return { ihl, total };
}

/** Whether the packet has DF set (RFC 791 §3.1 flags): a router must not fragment it. */
export function dontFragment(packet: Uint8Array): boolean {
  return packet.length >= 8 && (((packet[6] << 8) | packet[7]) & FLAG_DF) !== 0;
}

/**
 * The options a fragment other than the first carries: those whose copy flag is set, padded with
 * End of Option List to a 4-octet boundary (RFC 791 §3.1 "copied flag", §3.2 fragmentation step).
 */
function copiedOptions(options: Uint8Array): Uint8Array {
  const kept: number[] = [];
  for (let i = 0; i < options.length; ) {
    const type = options[i];
    if (type === OPT_EOL) break;
    if (type === OPT_NOP) {
      i++;
      continue;
    }
    const len = options[i + 1];
    if (i + 1 >= options.length || len < 2 || i + len > options.length) throw new FragmentError(`fragmentIpv4: option ${type} at ${MIN_HEADER + i} runs past the header`);
    if (type & OPT_COPIED) kept.push(...options.subarray(i, i + len));
    i += len;
  }
  while (kept.length % 4) kept.push(OPT_EOL);
  return Uint8Array.from(kept);
}

function writeHeader(out: Uint8Array, total: number, flagsOffset: number): void {
  const ihl = (out[0] & 0x0f) * 4;
  out[2] = total >> 8;
  out[3] = total & 0xff;
  out[6] = flagsOffset >> 8;
  out[7] = flagsOffset & 0xff;
  out[10] = 0;
  out[11] = 0;
  const c = internetChecksum(out.subarray(0, ihl));
  out[10] = c >> 8;
  out[11] = c & 0xff;
}

/**
 * The fragments of the IPv4 `packet` that fit `mtu` (RFC 791 §3.2), or the packet itself,
 * unchanged, when it fits. Each fragment keeps the Identification; all but the last carry a
 * multiple of 8 data octets and MF; the last keeps the packet's own MF, so a fragment can be
 * fragmented again. The first fragment carries every option, later ones the copied ones. Each
 * header checksum is redone. A packet with DF set that does not fit is refused (FragmentError).
 */
export function fragmentIpv4(packet: Uint8Array, mtu: number): Uint8Array[] {
  const { ihl, total } = layout(packet, 'fragmentIpv4');
  if (total <= mtu) return [packet];
  if (mtu < IPV4_MIN_MTU) throw new FragmentError(`fragmentIpv4: MTU ${mtu} is below the IPv4 minimum ${IPV4_MIN_MTU} (RFC 791 §3.2)`);
  const field = (packet[6] << 8) | packet[7];
  if (field & FLAG_DF) throw new FragmentError(`fragmentIpv4: ${total}-octet packet with DF set does not fit MTU ${mtu}: fragmentation needed`);
  const firstHeader = packet.subarray(0, ihl);
  const laterOptions = copiedOptions(packet.subarray(MIN_HEADER, ihl));
  const laterHeader = new Uint8Array(MIN_HEADER + laterOptions.length);
  laterHeader.set(packet.subarray(0, MIN_HEADER));
  laterHeader.set(laterOptions, MIN_HEADER);
  laterHeader[0] = 0x40 | (laterHeader.length / 4);
  const data = packet.subarray(ihl, total);
  const baseOffset = (field & OFFSET_MASK) * 8;
  const lastMore = (field & FLAG_MF) !== 0;
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const header = at === 0 ? firstHeader : laterHeader;
    const room = Math.floor((mtu - header.length) / 8) * 8;
    const chunk = data.subarray(at, Math.min(at + room, data.length));
    const last = at + chunk.length >= data.length;
    const f = new Uint8Array(header.length + chunk.length);
    f.set(header, 0);
    f.set(chunk, header.length);
    // flags other than MF (the reserved bit, DF clear here) stay as they were
    const flags = (field & ~(FLAG_MF | OFFSET_MASK)) | (last ? (lastMore ? FLAG_MF : 0) : FLAG_MF);
    writeHeader(f, f.length, flags | ((baseOffset + at) / 8));
    out.push(f);
    at += chunk.length;
  }
  return out;
}

/**
 * The IPv4 reassembly table of the relay's uplink (RFC 791 §3.2, RFC 815): bounded in datagrams
 * and length, each datagram abandoned `timeoutMs` after its first fragment (RFC 1122 §3.3.2; no
 * ICMP Time Exceeded: the lab's relay sends no ICMP). Same limits and results as Ipv6Reassembler;
 * `maxLength` bounds the reassembled data (what follows the header), at most 65515 (RFC 791's
 * 65535-octet Total Length less the minimum header).
 */
export class Ipv4Reassembler {
  private readonly table: FragmentTable<Uint8Array>;

  constructor(limits: Partial<ReassemblyLimits> = {}) {
    this.table = new FragmentTable({
      maxDatagrams: limits.maxDatagrams ?? UNDERLAY_FRAGMENT_DEFAULTS.reassemblyDatagrams,
      maxLength: Math.min(limits.maxLength ?? 0xffff, 0xffff - MIN_HEADER),
      timeoutMs: limits.timeoutMs ?? UNDERLAY_FRAGMENT_DEFAULTS.ipv4ReassemblyTimeoutMs,
    });
  }

  get limits(): ReassemblyLimits {
    return this.table.limits;
  }

  /** Datagrams under reassembly now (for tests and the trace). */
  get size(): number {
    return this.table.size;
  }

  /** Feeds one IPv4 packet: a whole one (MF clear, offset 0) comes back unchanged as `complete`. */
  add(packet: Uint8Array, now: number): ReassemblyResult {
    this.table.expire(now);
    let ihl: number;
    let totalLength: number;
    try {
      ({ ihl, total: totalLength } = layout(packet, 'IPv4 packet'));
    } catch (e) {
      return { kind: 'dropped', why: (e as Error).message };
    }
    const field = (packet[6] << 8) | packet[7];
    const more = (field & FLAG_MF) !== 0;
    const offset = (field & OFFSET_MASK) * 8;
    if (!more && offset === 0) return { kind: 'complete', packet };
    // the header the reassembled packet inherits must be one the sender wrote
    if (internetChecksum(packet.subarray(0, ihl)) !== 0) return { kind: 'dropped', why: 'IPv4 fragment header checksum is wrong' };
    const data = packet.subarray(ihl, totalLength);
    // RFC 791 §3.2: every fragment but the last carries a multiple of 8 octets
    if (more && data.length % 8 !== 0) return { kind: 'dropped', why: `fragment with MF set carries ${data.length} octets, not a multiple of 8 (RFC 791 §3.2)` };
    if (more && data.length === 0) return { kind: 'dropped', why: 'fragment with MF set carries no data' };
    // RFC 791 §3.2: fragments belong together when source, destination, protocol and Identification match
    const key = `${packet.subarray(12, 20).join('.')}/${packet[9]}#${(packet[4] << 8) | packet[5]}`;
    // the reassembled packet takes the first fragment's header, its options with it
    const r = this.table.add({ key, offset, data, more, first: offset === 0 ? Uint8Array.from(packet.subarray(0, ihl)) : undefined }, now);
    if (r.kind !== 'whole') return r;
    if (r.first.length + r.total > 0xffff) return { kind: 'dropped', why: `reassembled datagram of ${r.first.length + r.total} octets exceeds 65535 (RFC 791 Total Length)` };
    return { kind: 'complete', packet: rebuild(r.first, r.parts, r.total) };
  }

  /** Abandons datagrams whose first fragment came `timeoutMs` ago or more; returns how many. */
  expire(now: number): number {
    return this.table.expire(now);
  }
}

/** The first fragment's header with the whole length, MF and offset cleared (DF and the reserved bit as the first fragment had them), checksum redone. */
function rebuild(header: Uint8Array, parts: readonly FragmentPart[], total: number): Uint8Array {
  const out = new Uint8Array(header.length + total);
  out.set(header, 0);
  for (const x of parts) out.set(x.data, header.length + x.offset);
  writeHeader(out, out.length, ((header[6] << 8) | header[7]) & ~(FLAG_MF | OFFSET_MASK));
  return out;
}

