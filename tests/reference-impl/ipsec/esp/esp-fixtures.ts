// Shared inputs of the ESP tests: an SA per algorithm pair (keys are arbitrary test octets, sized
// from the algorithm table), and L2TPv3 packets over UDP/1701 and IP/115 to protect.
import { buildEthernetFrame, buildIpPacket, buildUdpPacket, ETHERTYPE, IP_PROTOCOL } from '../../../../reference-impl/capture/ip.ts';
import { CIPHER_NAMES, CIPHERS, INTEGRITIES, INTEGRITY_NAMES, type CipherName, type IntegrityName } from '../../../../reference-impl/ipsec/cipher-suite.ts';
import { espSa, type EspSa } from '../../../../reference-impl/ipsec/esp/esp-sa.ts';
import { avps, encodeControlMessage, encodeDataMessage } from '../../../../reference-impl/l2tpv3/index.ts';

export const PAIRS: readonly { cipher: CipherName; integrity: IntegrityName }[] = CIPHER_NAMES.flatMap((cipher) => INTEGRITY_NAMES.map((integrity) => ({ cipher, integrity })));

/** Octets base, base+1, ... (distinct per key so a swapped key shows). */
export function seq(n: number, base: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (base + i) & 0xff);
}

export function testSa(cipher: CipherName, integrity: IntegrityName, spi = 0x1000c001): EspSa {
  return espSa({ spi, cipher, encryptionKey: seq(CIPHERS[cipher].keyBytes, 0x10), integrity, authenticationKey: seq(INTEGRITIES[integrity].keyBytes, 0x80) });
}

export function iv(sa: EspSa, base = 0x40): Uint8Array {
  return seq(sa.cipher.ivBytes, base);
}

export const HELLO = encodeControlMessage({ ccid: 0xbeef, ns: 3, nr: 4, avps: [avps.messageType(6)] });

export function ethernetPayload(len: number): Uint8Array {
  return buildEthernetFrame({ src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b', etherType: ETHERTYPE.ARP, payload: seq(len, 0) });
}

/** An L2TPv3 data message carrying an Ethernet frame, session 0xc8, cookie 0xc0ffee01. */
export function dataMessage(transport: 'udp' | 'ip', frameLen = 46): Uint8Array {
  return encodeDataMessage({ sessionId: 0xc8, cookie: Uint8Array.of(0xc0, 0xff, 0xee, 0x01), l2ss: null, payload: ethernetPayload(frameLen) }, transport);
}

export function l2tpUdpPacket(src: string, dst: string, payload: Uint8Array = HELLO): Uint8Array {
  return buildUdpPacket({ src, dst, srcPort: 1701, dstPort: 1701, payload });
}

export function l2tpIpPacket(src: string, dst: string, payload: Uint8Array): Uint8Array {
  return buildIpPacket({ src, dst, protocol: IP_PROTOCOL.L2TP, payload });
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
