// The ISAKMP messages of a capture file (UDP 500, and UDP 4500 after the non-ESP marker), with
// their frame numbers as tshark counts them; reference-impl/capture walks the file.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCaptureFile, networkLayer, decodeIp, decodeUdp, IP_PROTOCOL } from '../../../../reference-impl/capture/index.ts';

/** ../shared/captures/ipsec beside the checkout, like the other capture tests (tests/reference-impl/capture). */
export const IPSEC_CAPTURES = resolve('..', 'shared', 'captures', 'ipsec');
export const QEMU_MM_CAPTURE = `${IPSEC_CAPTURES}/qemu-kernel_ikev1-mm_esp-transport_l2tpv3-eth-pw.pcapng`;
/** From the captures folder's README (the key log line `IKEV1 79211118fbe8d268 0A64...`). */
export const QEMU_MM_ICOOKIE = '79211118fbe8d268';
export const QEMU_MM_ENCKEY = '0A6445E921B79FD813E53673091C18AB';

/** Why the reference capture cannot be read here, or null. */
export function qemuCaptureMissing(): string | null {
  return existsSync(QEMU_MM_CAPTURE) ? null : `reference capture not found at ${QEMU_MM_CAPTURE}`;
}

export interface CapturedIsakmp {
  frame: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  bytes: Uint8Array;
}

export function isakmpMessages(file: string): CapturedIsakmp[] {
  const cap = readCaptureFile(new Uint8Array(readFileSync(file)));
  const out: CapturedIsakmp[] = [];
  cap.records.forEach((r, i) => {
    const nl = networkLayer(cap.linkTypes[r.interfaceId ?? 0], r.data);
    if (!nl.ok) return;
    const ip = decodeIp(r.data.subarray(nl.offset));
    if (!ip.ok || ip.value.protocol !== IP_PROTOCOL.UDP) return;
    const udp = decodeUdp(ip.value.payload);
    if (!udp.ok) return;
    const u = udp.value;
    let bytes: Uint8Array | undefined;
    if (u.srcPort === 500 || u.dstPort === 500) bytes = u.payload;
    // RFC 3948 §2.2: on 4500 a zero non-ESP marker precedes IKE; a one-octet 0xFF is a NAT keepalive.
    else if ((u.srcPort === 4500 || u.dstPort === 4500) && u.payload.length > 4 && u.payload[0] === 0 && u.payload[1] === 0 && u.payload[2] === 0 && u.payload[3] === 0) bytes = u.payload.subarray(4);
    if (bytes) out.push({ frame: i + 1, src: ip.value.src, dst: ip.value.dst, srcPort: u.srcPort, dstPort: u.dstPort, bytes: Uint8Array.from(bytes) });
  });
  return out;
}
