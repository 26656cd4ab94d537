// IPv6 fragmentation and reassembly for the IPv4-in-IPv6 underlays (issue 19): the tunnel entry
// point fragments the IPv6 tunnel packet when the encapsulated IPv4 packet (DF clear) does not fit
// the path MTU (RFC 2473 §7.2(b); MAP-E follows it, RFC 7597 §8.3.1), and the tunnel exit point
// reassembles before decapsulating. Fragment header and rules: RFC 8200 §4.5; overlapping
// fragments drop the whole datagram (RFC 8200 §4.5, RFC 5722). Pure: time comes in as `now` (ms).
// Only packets without extension headers before the Fragment header are handled — what the
// tunnel ends of this project produce (ip-in-ipv6.ts builds a bare 40-octet header).
import { UNDERLAY_FRAGMENT_DEFAULTS } from './underlay-assumptions.ts';
import { FragmentTable, type FragmentPart, type ReassemblyLimits } from './fragment-table.ts';

export const NEXT_HEADER_FRAGMENT = 44;
const FRAGMENT_HEADER_LENGTH = 8;
const IPV6_HEADER = 40;
/** RFC 8200 §5: every IPv6 link carries 1280 octets. */
export const IPV6_MIN_MTU = 1280;
/** RFC 8200 §4.5: reassembly is abandoned 60 seconds after the first-arriving fragment. */
export const REASSEMBLY_TIMEOUT_MS = 60_000;

export class FragmentError extends Error {}

/**
 * The fragments of `packet` (an IPv6 packet with no extension headers) that fit `mtu`, with
 * Identification `id`; the packet itself, unchanged, when it fits. Each fragment but the last
 * carries a multiple of 8 octets of the Fragmentable Part (RFC 8200 §4.5).
 */
export function fragmentIpv6(packet: Uint8Array, mtu: number, id: number): Uint8Array[] {
  if (packet.length <= mtu) return [packet];
  if (mtu < IPV6_MIN_MTU) throw new FragmentError(`fragmentIpv6: MTU ${mtu} is below the IPv6 minimum ${IPV6_MIN_MTU} (RFC 8200 §5)`);
  if (packet.length < IPV6_HEADER || packet[0] >> 4 !== 6) throw new FragmentError('fragmentIpv6: not an IPv6 packet');
  const nextHeader = packet[6];
  if (nextHeader === NEXT_HEADER_FRAGMENT) throw new FragmentError('fragmentIpv6: the packet is a fragment already');
  const fragmentable = packet.subarray(IPV6_HEADER, IPV6_HEADER + ((packet[4] << 8) | packet[5]));
  const per = Math.floor((mtu - IPV6_HEADER - FRAGMENT_HEADER_LENGTH) / 8) * 8;
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < fragmentable.length; offset += per) {
    const chunk = fragmentable.subarray(offset, Math.min(offset + per, fragmentable.length));
    const more = offset + chunk.length < fragmentable.length;
    const f = new Uint8Array(IPV6_HEADER + FRAGMENT_HEADER_LENGTH + chunk.length);
    f.set(packet.subarray(0, IPV6_HEADER), 0);
    const plen = FRAGMENT_HEADER_LENGTH + chunk.length;
    f[4] = plen >> 8;
    f[5] = plen & 0xff;
    f[6] = NEXT_HEADER_FRAGMENT;
    f[40] = nextHeader;
    const offsetField = (offset / 8) << 3 | (more ? 1 : 0);
    f[42] = offsetField >> 8;
    f[43] = offsetField & 0xff;
    new DataView(f.buffer).setUint32(44, id >>> 0);
    f.set(chunk, 48);
    out.push(f);
  }
  return out;
}

/** What one fragment tells: its datagram's key, where its data goes and whether more follow. */
interface FragmentInfo {
  readonly key: string;
  readonly offset: number;
  readonly more: boolean;
  readonly nextHeader: number;
  readonly data: Uint8Array;
}

function readFragment(packet: Uint8Array): FragmentInfo | { why: string } {
  if (packet.length < IPV6_HEADER + FRAGMENT_HEADER_LENGTH) return { why: 'fragment cut short' };
  const plen = (packet[4] << 8) | packet[5];
  if (IPV6_HEADER + plen > packet.length || plen < FRAGMENT_HEADER_LENGTH) return { why: `fragment payload length ${plen} with ${packet.length - IPV6_HEADER} octets present` };
  const field = (packet[42] << 8) | packet[43];
  const data = packet.subarray(48, IPV6_HEADER + plen);
  const more = (field & 1) === 1;
  // RFC 8200 §4.5: a fragment with M set whose length is not a multiple of 8 is in error
  if (more && data.length % 8 !== 0) return { why: `fragment with M set carries ${data.length} octets, not a multiple of 8 (RFC 8200 §4.5)` };
  const id = new DataView(packet.buffer, packet.byteOffset).getUint32(44);
  // RFC 8200 §4.5: fragments belong together when Source, Destination and Identification match
  const key = `${hex(packet.subarray(8, 24))}>${hex(packet.subarray(24, 40))}#${id}`;
  return { key, offset: field & 0xfff8, more, nextHeader: packet[40], data };
}

export type { ReassemblyLimits } from './fragment-table.ts';

export type ReassemblyResult =
  /** The original packet, rebuilt with its Next Header and Payload Length. */
  | { kind: 'complete'; packet: Uint8Array }
  | { kind: 'held' }
  | { kind: 'dropped'; why: string };

/**
 * The reassembly table of one tunnel exit point (RFC 8200 §4.5): bounded in datagrams and in
 * length, each datagram abandoned `timeoutMs` after its first fragment (RFC 8200's ICMPv6 Time
 * Exceeded on expiry is not sent: the tunnel ends of the lab send no ICMPv6 errors).
 */
export class Ipv6Reassembler {
  private readonly table: FragmentTable<{ header: Uint8Array; nextHeader: number }>;

  constructor(limits: Partial<ReassemblyLimits> = {}) {
    this.table = new FragmentTable({
      maxDatagrams: limits.maxDatagrams ?? UNDERLAY_FRAGMENT_DEFAULTS.reassemblyDatagrams,
      maxLength: Math.min(limits.maxLength ?? 0xffff, 0xffff),
      timeoutMs: limits.timeoutMs ?? REASSEMBLY_TIMEOUT_MS,
    });
  }

  get limits(): ReassemblyLimits {
    return this.table.limits;
  }

  /** Datagrams under reassembly now (for tests and the trace). */
  get size(): number {
    return this.table.size;
  }

  /** Feeds one IPv6 packet whose Next Header is 44 (the Fragment header). */
  add(packet: Uint8Array, now: number): ReassemblyResult {
    this.table.expire(now);
    if (packet.length < IPV6_HEADER || packet[0] >> 4 !== 6 || packet[6] !== NEXT_HEADER_FRAGMENT) return { kind: 'dropped', why: 'not an IPv6 fragment without other extension headers' };
    const f = readFragment(packet);
    if ('why' in f) return { kind: 'dropped', why: f.why };
    // RFC 8200 §4.5: an atomic fragment (offset 0, M clear) is a whole datagram on its own
    if (f.offset === 0 && !f.more) return { kind: 'complete', packet: rebuild(packet.subarray(0, IPV6_HEADER), f.nextHeader, [{ offset: 0, data: f.data }], f.data.length) };
    // RFC 8200 §4.5: the reassembled packet's header is the first fragment's (offset 0)
    const first = f.offset === 0 ? { header: Uint8Array.from(packet.subarray(0, IPV6_HEADER)), nextHeader: f.nextHeader } : undefined;
    const r = this.table.add({ key: f.key, offset: f.offset, data: f.data, more: f.more, first }, now);
    return r.kind === 'whole' ? { kind: 'complete', packet: rebuild(r.first.header, r.first.nextHeader, r.parts, r.total) } : r;
  }

  /** Abandons datagrams whose first fragment came `timeoutMs` ago or more; returns how many. */
  expire(now: number): number {
    return this.table.expire(now);
  }
}

function rebuild(header: Uint8Array, nextHeader: number, parts: readonly FragmentPart[], total: number): Uint8Array {
  const out = new Uint8Array(IPV6_HEADER + total);
  out.set(header.subarray(0, IPV6_HEADER), 0);
  out[4] = total >> 8;
  out[5] = total & 0xff;
  out[6] = nextHeader;
  for (const x of parts) out.set(x.data, IPV6_HEADER + x.offset);
  return out;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
