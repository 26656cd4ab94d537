// Transport-mode byte layouts: plain ESP in IPv4 (protocol 50, total length, header checksum)
// and IPv6 (next header 50, payload length), ESP in UDP 4500 (RFC 3948 §2.1: UDP checksum zero over
// IPv4, a real one over IPv6), the non-ESP marker (§2.2) and the NAT-keepalive (§2.3); and
// unprotecting gives back the original packet octet for octet.
import { test, expect } from '@playwright/test';
import { decodeIp, decodeUdp, internetChecksum, IP_PROTOCOL, parseIpv6 } from '../../../../reference-impl/capture/ip.ts';
import {
  classifyNatTPayload, IP_PROTOCOL_ESP, natKeepalive, protectTransport, unprotectTransport, withNonEspMarker, ReplayWindow,
} from '../../../../reference-impl/ipsec/esp/index.ts';
import { dataMessage, hex, iv, l2tpIpPacket, l2tpUdpPacket, testSa } from './esp-fixtures.ts';

const sa = testSa('aes-cbc', 'sha-hmac');
const lookup = (spi: number) => (spi === sa.spi ? sa : undefined);

test('plain ESP over IPv4: protocol 50, lengths and a valid header checksum; the rest of the header kept', () => {
  const inner = l2tpUdpPacket('192.0.2.1', '198.51.100.2', dataMessage('udp'));
  inner[8] = 37; // TTL, to see it kept
  inner[10] = 0; inner[11] = 0;
  const c = internetChecksum(inner.subarray(0, 20));
  inner[10] = c >> 8; inner[11] = c & 0xff;
  const out = protectTransport(inner, { sa, sequence: 7, iv: iv(sa) });
  expect(out[9]).toBe(IP_PROTOCOL_ESP);
  expect((out[2] << 8) | out[3]).toBe(out.length);
  expect(internetChecksum(out.subarray(0, 20))).toBe(0);
  expect(out[8]).toBe(37);
  expect(hex(out.subarray(12, 20))).toBe(hex(inner.subarray(12, 20)));
  expect((out[24] << 24 | out[25] << 16 | out[26] << 8 | out[27]) >>> 0).toBe(7);
  const back = unprotectTransport(out, lookup);
  if (!back.ok) throw new Error(back.error.reason);
  expect(hex(back.value.ipPacket)).toBe(hex(inner));
  expect(back.value).toMatchObject({ spi: sa.spi, sequence: 7, nextHeader: IP_PROTOCOL.UDP, encapsulation: 'esp', espOffset: 20 });
});

test('plain ESP over IPv6 (L2TPv3 over IP/115): next header 50 and payload length; unprotected back exactly', () => {
  const inner = l2tpIpPacket('2001:db8::1', '2001:db8::2', dataMessage('ip'));
  const out = protectTransport(inner, { sa, sequence: 1, iv: iv(sa) });
  expect(out[6]).toBe(IP_PROTOCOL_ESP);
  expect((out[4] << 8) | out[5]).toBe(out.length - 40);
  const back = unprotectTransport(out, lookup);
  expect(back.ok && hex(back.value.ipPacket)).toBe(hex(inner));
  expect(back.ok && back.value.nextHeader).toBe(IP_PROTOCOL.L2TP);
});

test('IPv6 with an extension header: ESP goes after it and its Next Header field is the one rewritten', () => {
  const base = l2tpIpPacket('2001:db8::1', '2001:db8::2', dataMessage('ip'));
  // Insert an 8-octet destination-options header (type 60) carrying next header 115.
  const inner = new Uint8Array(base.length + 8);
  inner.set(base.subarray(0, 40));
  inner[6] = 60;
  inner[40] = IP_PROTOCOL.L2TP;
  inner[42] = 1; inner[43] = 4; // PadN of 4 octets
  inner.set(base.subarray(40), 48);
  const plen = inner.length - 40;
  inner[4] = plen >> 8; inner[5] = plen & 0xff;
  const out = protectTransport(inner, { sa, sequence: 2, iv: iv(sa) });
  expect([out[6], out[40]]).toEqual([60, IP_PROTOCOL_ESP]);
  const back = unprotectTransport(out, lookup);
  expect(back.ok && hex(back.value.ipPacket)).toBe(hex(inner));
});

test('ESP in UDP 4500 over IPv4: UDP ports 4500, length, zero checksum (RFC 3948 §2.1), classified as ESP', () => {
  const inner = l2tpUdpPacket('192.0.2.1', '198.51.100.2');
  const out = protectTransport(inner, { sa, sequence: 3, iv: iv(sa), encapsulation: { kind: 'udp' } });
  const ip = decodeIp(out);
  if (!ip.ok) throw new Error(ip.why);
  expect(ip.value.protocol).toBe(IP_PROTOCOL.UDP);
  expect(internetChecksum(out.subarray(0, 20))).toBe(0);
  const udp = decodeUdp(ip.value.payload);
  if (!udp.ok) throw new Error(udp.why);
  expect([udp.value.srcPort, udp.value.dstPort, udp.value.checksum]).toEqual([4500, 4500, 0]);
  expect(classifyNatTPayload(udp.value.payload).kind).toBe('esp');
  const back = unprotectTransport(out, lookup, { udp: true });
  expect(back.ok && hex(back.value.ipPacket)).toBe(hex(inner));
  expect(back.ok && back.value.espOffset).toBe(28);
});

test('ESP in UDP over IPv6 carries a valid UDP checksum (RFC 8200 §8.1 forbids zero)', () => {
  const inner = l2tpUdpPacket('2001:db8::1', '2001:db8::2');
  const out = protectTransport(inner, { sa, sequence: 3, iv: iv(sa), encapsulation: { kind: 'udp', srcPort: 4501, dstPort: 4500 } });
  const udpLen = out.length - 40;
  const pseudo = new Uint8Array(40);
  pseudo.set(parseIpv6('2001:db8::1'), 0);
  pseudo.set(parseIpv6('2001:db8::2'), 16);
  pseudo[34] = udpLen >> 8; pseudo[35] = udpLen & 0xff; pseudo[39] = 17;
  expect(internetChecksum(pseudo, out.subarray(40))).toBe(0);
  expect([(out[40] << 8) | out[41], (out[42] << 8) | out[43]]).toEqual([4501, 4500]);
});

test('the UDP/4500 payload kinds: non-ESP marker then IKE, NAT-keepalive, and what is neither', () => {
  const isakmp = Uint8Array.from({ length: 28 }, (_, i) => i + 1);
  const marked = withNonEspMarker(isakmp);
  expect(hex(marked.subarray(0, 4))).toBe('00000000');
  const c = classifyNatTPayload(marked);
  expect(c.kind === 'ike' && [hex(c.isakmp), c.offset]).toEqual([hex(isakmp), 4]);
  expect(hex(natKeepalive())).toBe('ff');
  expect(classifyNatTPayload(natKeepalive())).toEqual({ kind: 'nat-keepalive' });
  expect(classifyNatTPayload(Uint8Array.of(1, 2))).toMatchObject({ kind: 'malformed', offset: 0 });
  expect(classifyNatTPayload(Uint8Array.of(1, 2, 3, 4, 5))).toMatchObject({ kind: 'malformed', offset: 5 });
});

test('unprotect rejects with offsets in the IP packet: unknown SPI, bad ICV, replay', () => {
  const inner = l2tpUdpPacket('192.0.2.1', '198.51.100.2');
  const out = protectTransport(inner, { sa, sequence: 1, iv: iv(sa) });
  expect(unprotectTransport(out, () => undefined)).toMatchObject({ ok: false, error: { kind: 'spi-mismatch', offset: 20 }, spi: sa.spi, sequence: 1 });
  const bad = out.slice();
  bad[bad.length - 3] ^= 4;
  expect(unprotectTransport(bad, lookup)).toMatchObject({ ok: false, error: { kind: 'icv-mismatch', offset: out.length - 12 } });
  const w = new ReplayWindow({ check: 'on' });
  expect(unprotectTransport(out, lookup, { replay: w }).ok).toBe(true);
  expect(unprotectTransport(out, lookup, { replay: w })).toMatchObject({ ok: false, error: { kind: 'replayed', offset: 24 } });
  expect(unprotectTransport(inner, lookup)).toMatchObject({ ok: false, error: { kind: 'next-header', offset: 9 } });
});
