// Transport-mode ESP around an IP packet's upper-layer payload, as the octets on the wire:
// plain ESP (IP protocol 50, RFC 4303 §3.1.1) and ESP in UDP (RFC 3948 §2.1, §3.1), for IPv4 and
// IPv6. Protecting keeps the IP header and rewrites what the new payload changes (IPv4 protocol,
// total length and header checksum; IPv6 next header and payload length); unprotecting undoes it.
// Offsets in rejections are from the first octet of the IP packet.
import { decodeIp, internetChecksum, IP_PROTOCOL } from '../../capture/ip.ts';
import { put16 } from '../../l2tpv3/wire.ts';
import { decapsulateEsp, encapsulateEsp, readEspHeader, type EspDecapsulateOptions, type EspError } from './esp-packet.ts';
import type { EspSa } from './esp-sa.ts';
import { NAT_T_PORT } from './udp-encapsulation.ts';

/** IANA protocol number of ESP (RFC 4303 §2). */
export const IP_PROTOCOL_ESP = 50;

export type EspEncapsulationMode = { kind: 'esp' } | { kind: 'udp'; srcPort?: number; dstPort?: number };

export interface TransportProtection {
  sa: EspSa;
  sequence: number;
  iv: Uint8Array;
  encapsulation?: EspEncapsulationMode;
}

/** The protected form of a whole IP packet. Throws RangeError when ipPacket is not a sound IP packet. */
export function protectTransport(ipPacket: Uint8Array, p: TransportProtection): Uint8Array {
  const ip = decodeIp(ipPacket);
  if (!ip.ok) throw new RangeError(`not an IP packet: offset ${ip.offset}: ${ip.why}`);
  if (ip.value.laterFragment) throw new RangeError('transport-mode ESP protects whole packets, not later fragments (RFC 4303 §3.1)');
  const v = ip.value;
  const esp = encapsulateEsp({ sa: p.sa, sequence: p.sequence, nextHeader: v.protocol, payload: v.payload, iv: p.iv });
  const mode = p.encapsulation ?? { kind: 'esp' };
  const header = ipPacket.subarray(0, v.payloadOffset);
  if (mode.kind === 'esp') return withPayload(header, v.version, IP_PROTOCOL_ESP, esp);
  const udp = new Uint8Array(8 + esp.length);
  put16(udp, 0, mode.srcPort ?? NAT_T_PORT);
  put16(udp, 2, mode.dstPort ?? NAT_T_PORT);
  put16(udp, 4, udp.length);
  udp.set(esp, 8);
  const out = withPayload(header, v.version, IP_PROTOCOL.UDP, udp);
  // RFC 3948 §2.1: the IPv4 UDP checksum SHOULD be zero; IPv6 has no zero checksum (RFC 8200 §8.1).
  if (v.version === 6) put16(out, v.payloadOffset + 6, udpChecksum6(out, v.payloadOffset, udp));
  return out;
}

export interface Unprotected {
  /** The IP packet as it was before protection (header rewritten back, payload in clear). */
  ipPacket: Uint8Array;
  spi: number;
  sequence: number;
  nextHeader: number;
  encapsulation: 'esp' | 'udp';
  /** Offset of the ESP header in the protected packet. */
  espOffset: number;
}

export type UnprotectResult =
  | { ok: true; value: Unprotected }
  | { ok: false; error: EspError; spi?: number; sequence?: number; espOffset?: number };

/** Finds the SA for an inbound packet (RFC 4303 §3.4.2: by SPI, with the addresses when it has them). */
export type SaLookup = (spi: number, src: string, dst: string) => EspSa | undefined;

/**
 * Reverses protectTransport for a packet that carries ESP (protocol 50, or UDP whose payload
 * was already classified as ESP by the caller: pass `udp: true`). Never throws.
 */
export function unprotectTransport(ipPacket: Uint8Array, lookup: SaLookup, opts: EspDecapsulateOptions & { udp?: boolean } = {}): UnprotectResult {
  const ip = decodeIp(ipPacket);
  if (!ip.ok) return { ok: false, error: { kind: 'truncated', offset: ip.offset, reason: ip.why } };
  const v = ip.value;
  if (v.laterFragment) return { ok: false, error: { kind: 'truncated', offset: 0, reason: 'a later IP fragment: ESP can be read only after reassembly' } };
  let espOffset = v.payloadOffset;
  if (opts.udp) {
    if (v.protocol !== IP_PROTOCOL.UDP) return { ok: false, error: { kind: 'next-header', offset: v.version === 4 ? 9 : 6, reason: `IP protocol ${v.protocol}, not UDP` } };
    if (v.payload.length < 8) return { ok: false, error: { kind: 'truncated', offset: espOffset, reason: `UDP header cut short (${v.payload.length} of 8 octets)` } };
    espOffset += 8;
  } else if (v.protocol !== IP_PROTOCOL_ESP) {
    return { ok: false, error: { kind: 'next-header', offset: v.version === 4 ? 9 : 6, reason: `IP protocol ${v.protocol}, not ESP (50)` } };
  }
  const esp = v.payload.subarray(espOffset - v.payloadOffset);
  const h = readEspHeader(esp);
  if (!h.ok) return { ok: false, error: shift(h.error, espOffset), espOffset };
  const { spi, sequence } = h.value;
  const sa = lookup(spi, v.src, v.dst);
  if (!sa) return { ok: false, error: { kind: 'spi-mismatch', offset: espOffset, reason: `no SA for SPI 0x${spi.toString(16).padStart(8, '0')} from ${v.src} to ${v.dst}` }, spi, sequence, espOffset };
  const d = decapsulateEsp(sa, esp, opts);
  if (!d.ok) return { ok: false, error: shift(d.error, espOffset), spi, sequence, espOffset };
  const header = ipPacket.subarray(0, v.payloadOffset);
  return {
    ok: true,
    value: { ipPacket: withPayload(header, v.version, d.value.nextHeader, d.value.payload), spi, sequence, nextHeader: d.value.nextHeader, encapsulation: opts.udp ? 'udp' : 'esp', espOffset },
  };
}

function shift(e: EspError, by: number): EspError {
  return { kind: e.kind, offset: e.offset + by, reason: e.reason };
}

/** The IP header given, with a new upper-layer payload and protocol, lengths and checksum fixed. */
function withPayload(header: Uint8Array, version: 4 | 6, protocol: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  if (version === 4) {
    if (out.length > 0xffff) throw new RangeError(`IPv4 packet of ${out.length} octets is over 65535`);
    put16(out, 2, out.length);
    out[9] = protocol;
    put16(out, 10, 0);
    put16(out, 10, internetChecksum(out.subarray(0, header.length)));
  } else {
    const plen = out.length - 40;
    if (plen > 0xffff) throw new RangeError(`IPv6 payload of ${plen} octets is over 65535`);
    put16(out, 4, plen);
    out[lastNextHeaderAt(out, header.length)] = protocol;
  }
  return out;
}

// Extension headers that decodeIp (capture/ip.ts) walks past: hop-by-hop, routing, fragment,
// destination options, mobility, HIP, shim6. ESP goes after them (RFC 4303 §3.1.1).
const IPV6_EXTENSIONS = new Set([0, 43, 44, 60, 135, 139, 140]);

/** Offset of the Next Header field that names the upper-layer protocol of an IPv6 header chain. */
function lastNextHeaderAt(b: Uint8Array, end: number): number {
  let at = 6;
  let o = 40;
  while (o < end && IPV6_EXTENSIONS.has(b[at])) {
    const len = b[at] === 44 ? 8 : (b[o + 1] + 1) * 8;
    at = o;
    o += len;
  }
  return at;
}

function udpChecksum6(packet: Uint8Array, udpAt: number, udp: Uint8Array): number {
  const pseudo = new Uint8Array(40);
  pseudo.set(packet.subarray(8, 40), 0);
  pseudo[32] = udp.length >>> 24;
  pseudo[33] = (udp.length >>> 16) & 0xff;
  pseudo[34] = (udp.length >>> 8) & 0xff;
  pseudo[35] = udp.length & 0xff;
  pseudo[39] = IP_PROTOCOL.UDP;
  const body = packet.subarray(udpAt, udpAt + udp.length);
  const c = internetChecksum(pseudo, body);
  return c === 0 ? 0xffff : c;
}
