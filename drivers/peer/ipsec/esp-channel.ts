// The peer's ESP in transport mode for its L2TP datagrams (RFC 4303, UDP-encapsulated per RFC 3948):
// outbound, the L2TP payload gets its UDP header (1701 -> the device's port, checksum over the
// real addresses) and goes into ESP with the next sequence number and a fresh random IV; inbound,
// the SA is found by SPI, the replay window and ICV are checked (esp-packet.ts), and the UDP header
// is taken off again. Only this file touches the SAs' keys.
import { randomBytes } from 'node:crypto';
import { buildUdpPacket, decodeUdp, IP_PROTOCOL } from '../../../reference-impl/capture/ip.ts';
import { decapsulateEsp, encapsulateEsp, readEspHeader } from '../../../reference-impl/ipsec/esp/esp-packet.ts';
import { espSa, type EspSa } from '../../../reference-impl/ipsec/esp/esp-sa.ts';
import { ReplayWindow } from '../../../reference-impl/ipsec/esp/replay-window.ts';
import type { IpsecSaUp } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import type { IpsecEvent } from './ipsec-events.ts';

interface Outbound {
  sa: EspSa;
  inboundSpi: number;
  local: string;
  peer: string;
  udpEncapsulated: boolean;
  /** Last sequence number sent (RFC 4303 §3.3.3: the first packet carries 1). */
  sequence: number;
}

interface Inbound {
  sa: EspSa;
  replay: ReplayWindow;
  peer: string;
}

export type EspReceived = { ok: true; payload: Uint8Array; from: { host: string; port: number }; spi: number; sequence: number } | { ok: false; event: Extract<IpsecEvent, { kind: 'espDropped' }> };

export class EspChannel {
  private readonly inbound = new Map<number, Inbound>();
  /** The newest SA first: after a rekey the new one carries the traffic (RFC 2409 §5.5 leaves both valid until deleted). */
  private outbound: Outbound[] = [];

  constructor(private readonly l2tpPort: number) {}

  add(up: IpsecSaUp): void {
    const make = (k: IpsecSaUp['inbound']) => espSa({ spi: k.spi, cipher: up.cipher, encryptionKey: k.encKey, integrity: up.integrity, authenticationKey: k.authKey });
    this.inbound.set(up.inbound.spi, { sa: make(up.inbound), replay: new ReplayWindow(), peer: up.peer.address });
    this.outbound.unshift({ sa: make(up.outbound), inboundSpi: up.inbound.spi, local: up.local.address, peer: up.peer.address, udpEncapsulated: up.udpEncapsulated, sequence: 0 });
  }

  remove(inboundSpi: number): void {
    this.inbound.delete(inboundSpi);
    this.outbound = this.outbound.filter((o) => o.inboundSpi !== inboundSpi);
  }

  get up(): boolean {
    return this.outbound.length > 0;
  }

  /** Whether the SA that would carry the next datagram is UDP-encapsulated (the only kind this peer can send). */
  get udpEncapsulated(): boolean {
    return this.outbound[0]?.udpEncapsulated ?? false;
  }

  /** The ESP packet (UDP 4500 payload) carrying one L2TP datagram to `dstPort`, or undefined without an SA. */
  protect(l2tp: Uint8Array, dstPort: number): { esp: Uint8Array; to: string } | undefined {
    const o = this.outbound[0];
    if (!o) return undefined;
    const ip = buildUdpPacket({ src: o.local, dst: o.peer, srcPort: this.l2tpPort, dstPort, payload: l2tp });
    const udp = ip.subarray(o.local.includes(':') ? 40 : 20);
    o.sequence = (o.sequence + 1) >>> 0;
    const esp = encapsulateEsp({ sa: o.sa, sequence: o.sequence, nextHeader: IP_PROTOCOL.UDP, payload: udp, iv: randomBytes(o.sa.cipher.ivBytes) });
    return { esp, to: o.peer };
  }

  /** Unprotects an ESP packet from `src` (the outer source address); never throws. */
  unprotect(esp: Uint8Array, src: string): EspReceived {
    const h = readEspHeader(esp);
    if (!h.ok) return { ok: false, event: { kind: 'espDropped', error: h.error.kind, reason: h.error.reason } };
    const { spi, sequence } = h.value;
    const sa = this.inbound.get(spi);
    if (!sa) return { ok: false, event: { kind: 'espDropped', error: 'no-sa', reason: `no SA for SPI 0x${spi.toString(16).padStart(8, '0')} from ${src}`, spi, sequence } };
    const d = decapsulateEsp(sa.sa, esp, { replay: sa.replay, acceptNextHeader: (n) => n === IP_PROTOCOL.UDP });
    if (!d.ok) return { ok: false, event: { kind: 'espDropped', error: d.error.kind, reason: d.error.reason, spi, sequence } };
    const udp = decodeUdp(d.value.payload);
    if (!udp.ok) return { ok: false, event: { kind: 'espDropped', error: 'not-l2tp', reason: `UDP inside ESP: ${udp.why}`, spi, sequence } };
    if (udp.value.dstPort !== this.l2tpPort) return { ok: false, event: { kind: 'espDropped', error: 'not-l2tp', reason: `UDP port ${udp.value.dstPort} inside ESP, not L2TP's ${this.l2tpPort}`, spi, sequence } };
    return { ok: true, payload: udp.value.payload, from: { host: sa.peer, port: udp.value.srcPort }, spi, sequence };
  }
}
