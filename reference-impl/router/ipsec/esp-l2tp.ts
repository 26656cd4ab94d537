// L2TPv3 inside transport-mode ESP carried in UDP 4500 (RFC 4303 §3.1.1, RFC 3948 §2.1), as the
// emulated router puts it on a UDP socket: the socket's payload is the ESP packet, whose protected
// payload is the inner UDP datagram (ports 1701, facts §6) with the L2TPv3 message. The outer IP
// and UDP headers are the kernel's. Pure: the IV is the caller's.
import { internetChecksum, parseIpv6 } from '../../capture/ip.ts';
import { IP_PROTOCOL } from '../../capture/ip.ts';
import { decapsulateEsp, encapsulateEsp, type EspError } from '../../ipsec/esp/esp-packet.ts';
import type { EspSa } from '../../ipsec/esp/esp-sa.ts';
import type { ReplayWindow } from '../../ipsec/esp/replay-window.ts';
import { put16, u16 } from '../../l2tpv3/wire.ts';

/** facts §6: L2TP is UDP 1701 at both ends. */
export const L2TP_INNER_PORT = 1701;
const UDP_HEADER = 8;

export interface SealInput {
  sa: EspSa;
  sequence: number;
  iv: Uint8Array;
  l2tp: Uint8Array;
  /** IPv6 outer addresses: the inner UDP checksum is mandatory there (RFC 8200 §8.1); IPv4 sends 0 (RFC 768). */
  ipv6?: { src: string; dst: string };
}

/** The ESP packet (SPI first) carrying one L2TPv3 message. */
export function sealL2tp(s: SealInput): Uint8Array {
  const udp = new Uint8Array(UDP_HEADER + s.l2tp.length);
  put16(udp, 0, L2TP_INNER_PORT);
  put16(udp, 2, L2TP_INNER_PORT);
  put16(udp, 4, udp.length);
  udp.set(s.l2tp, UDP_HEADER);
  if (s.ipv6) put16(udp, 6, udp6Checksum(s.ipv6.src, s.ipv6.dst, udp));
  return encapsulateEsp({ sa: s.sa, sequence: s.sequence, nextHeader: IP_PROTOCOL.UDP, payload: udp, iv: s.iv });
}

export type OpenResult = { ok: true; l2tp: Uint8Array; sequence: number } | { ok: false; error: EspError | { kind: 'not-l2tp'; offset: number; reason: string } };

/**
 * Inbound ESP for one SA: ICV, anti-replay, decryption, then the transport selector
 * (`ipsec transport ... udp 1701`, yamaha-platform-facts.md §1.4): only UDP to or from 1701 passes.
 */
export function openL2tp(sa: EspSa, esp: Uint8Array, replay?: ReplayWindow): OpenResult {
  const d = decapsulateEsp(sa, esp, { replay, acceptNextHeader: (n) => n === IP_PROTOCOL.UDP });
  if (!d.ok) return d;
  const udp = d.value.payload;
  if (udp.length < UDP_HEADER) return { ok: false, error: { kind: 'not-l2tp', offset: d.value.payloadOffset, reason: `inner UDP header cut short (${udp.length} of 8 octets)` } };
  if (u16(udp, 0) !== L2TP_INNER_PORT && u16(udp, 2) !== L2TP_INNER_PORT) {
    return { ok: false, error: { kind: 'not-l2tp', offset: d.value.payloadOffset, reason: `inner UDP ports ${u16(udp, 0)} -> ${u16(udp, 2)}, not L2TP (1701)` } };
  }
  const len = Math.min(u16(udp, 4), udp.length);
  return { ok: true, l2tp: udp.subarray(UDP_HEADER, Math.max(UDP_HEADER, len)), sequence: d.value.sequence };
}

function udp6Checksum(src: string, dst: string, udp: Uint8Array): number {
  const pseudo = new Uint8Array(40);
  pseudo.set(parseIpv6(src), 0);
  pseudo.set(parseIpv6(dst), 16);
  new DataView(pseudo.buffer).setUint32(32, udp.length);
  pseudo[39] = IP_PROTOCOL.UDP;
  const c = internetChecksum(pseudo, udp);
  return c === 0 ? 0xffff : c;
}
