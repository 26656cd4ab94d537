// The peer's ESP for L2TP datagrams without sockets: what one end protects the other end's mirror
// SA opens, over IPv4 and IPv6 (inner UDP 1701 with a checksum over the real addresses, RFC 768 /
// RFC 8200 §8.1); a copy is refused by the replay window, a bent ICV by the ICV check, an unknown
// SPI and a UDP port other than L2TP's are refused (RFC 4303 §3.4.2-§3.4.4). The packets also
// open with the oracle's own transport-mode code, so both ends agree on the format.
import { test, expect } from '@playwright/test';
import { buildIpPacket, decodeIp, decodeUdp, internetChecksum, IP_PROTOCOL, parseIpv4, parseIpv6 } from '../../../../reference-impl/capture/ip.ts';
import { espSa } from '../../../../reference-impl/ipsec/esp/esp-sa.ts';
import { unprotectTransport } from '../../../../reference-impl/ipsec/esp/esp-transport.ts';
import type { IpsecSaUp } from '../../../../reference-impl/ipsec/ike/ike-events.ts';
import { EspChannel } from '../../../../drivers/peer/ipsec/esp-channel.ts';

const key = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const keysA = { spi: 0x1111, encKey: key(16, 1), authKey: key(20, 2) };
const keysB = { spi: 0x2222, encKey: key(16, 3), authKey: key(20, 4) };

function sa(local: string, peer: string, inbound: typeof keysA, outbound: typeof keysA): IpsecSaUp {
  return { gateway: 1, cipher: 'aes-cbc', integrity: 'sha-hmac', udpEncapsulated: true, inbound, outbound, local: { address: local, port: 4500 }, peer: { address: peer, port: 4500 }, lifetimeS: 60 };
}

function udpChecksumOk(src: string, dst: string, udp: Uint8Array): boolean {
  const v6 = src.includes(':');
  const a = v6 ? parseIpv6(src) : parseIpv4(src);
  const b = v6 ? parseIpv6(dst) : parseIpv4(dst);
  const pseudo = new Uint8Array(v6 ? 40 : 12);
  pseudo.set(a, 0);
  pseudo.set(b, a.length);
  if (v6) {
    new DataView(pseudo.buffer).setUint32(32, udp.length);
    pseudo[39] = IP_PROTOCOL.UDP;
  } else {
    pseudo[9] = IP_PROTOCOL.UDP;
    pseudo[11] = udp.length & 0xff;
    pseudo[10] = udp.length >> 8;
  }
  return internetChecksum(pseudo, udp) === 0;
}

for (const [x, y] of [['192.0.2.1', '192.0.2.2'], ['2001:db8::1', '2001:db8::2']] as const) {
  test(`${x.includes(':') ? 'IPv6' : 'IPv4'}: protect and unprotect an L2TP datagram; replay, bad ICV, unknown SPI and a foreign port refused`, () => {
    const a = new EspChannel(1701);
    const b = new EspChannel(1701);
    a.add(sa(x, y, keysA, keysB));
    b.add(sa(y, x, keysB, keysA));
    const l2tp = Uint8Array.from([0xc8, 0x03, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0]);
    const p = a.protect(l2tp, 1701)!;
    expect(p.to).toBe(y);
    const got = b.unprotect(p.esp, x);
    expect(got.ok && Buffer.from(got.payload).equals(Buffer.from(l2tp))).toBe(true);
    expect(got.ok && got.from).toEqual({ host: x, port: 1701 });
    expect(got.ok && got.sequence).toBe(1);
    // The same packet opens with the oracle's transport-mode code around a real IP header (ESP, protocol 50).
    const outer = buildIpPacket({ src: x, dst: y, protocol: 50, payload: p.esp });
    const u = unprotectTransport(outer, (spi) => (spi === keysB.spi ? espSa({ spi, cipher: 'aes-cbc', encryptionKey: keysB.encKey, integrity: 'sha-hmac', authenticationKey: keysB.authKey }) : undefined));
    expect(u.ok).toBe(true);
    const inner = u.ok ? decodeIp(u.value.ipPacket) : undefined;
    const udp = inner?.ok ? inner.value.payload : new Uint8Array(0);
    expect(udpChecksumOk(x, y, udp)).toBe(true);
    expect(decodeUdp(udp).ok).toBe(true);
    // A copy: the replay window.
    const again = b.unprotect(p.esp, x);
    expect(!again.ok && again.event.error).toBe('replayed');
    // A bent ICV.
    const bent = a.protect(l2tp, 1701)!.esp.slice();
    bent[bent.length - 1] ^= 0xff;
    const bad = b.unprotect(bent, x);
    expect(!bad.ok && bad.event.error).toBe('icv-mismatch');
    // After the bent one, the next good one (sequence 3) still passes: the window moved only on authenticated packets.
    const next = b.unprotect(a.protect(l2tp, 1701)!.esp, x);
    expect(next.ok && next.sequence).toBe(3);
    // Unknown SPI (B's inbound SA removed) and a UDP port that is not L2TP's.
    const foreign = a.protect(l2tp, 53)!;
    const f = b.unprotect(foreign.esp, x);
    expect(!f.ok && f.event.error).toBe('not-l2tp');
    b.remove(keysB.spi);
    const gone = b.unprotect(a.protect(l2tp, 1701)!.esp, x);
    expect(!gone.ok && gone.event.error).toBe('no-sa');
  });
}
