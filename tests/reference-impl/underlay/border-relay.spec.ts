// A site behind MAP-E and a site behind IPIP reach each other through the border relay: the
// L2TPv3 datagram leaves the MAP-E CE from its port set (1232 under RFC 7597's example 1, not
// 1701), arrives at the IPIP site with that source port, and the answer to 1232 finds the CE by
// its PSID. An answer to 1701 is the case where the restriction matters: the relay delivers it to
// the CE that owns 1701 (PSID 0xa9), not to ours. Spoofed sources are dropped (RFC 7597 §8.1).
// With an IPv4 uplink the same routing serves native IPv4 hosts (the second describe), and a
// full-size frame's 1550-octet L2TPv3 datagram crosses the 1500-octet uplink as IPv4 fragments
// both ways (the third).
import { expect, test } from '@playwright/test';
import {
  BorderRelay, ceForDestination, encapsulateIpv4, ETHERTYPE_IPV6, ethernetFrame, l2tpSourcePort, macBytes, mapECe, neighborAdvertisement, readNd, TunnelWan, type MapERule,
} from '../../../reference-impl/underlay/index.ts';
import { buildUdpPacket, decodeIp, internetChecksum } from '../../../reference-impl/capture/ip.ts';

const RULE: MapERule = { ipv6Prefix: '2001:db8::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:ffff::1' };
const CE = mapECe(RULE, '2001:db8:0012:3400::/56');
const IPIP_SITE = { ipv6: '2001:db8:f00::2', ipv4: '198.51.100.20' };
const relay = new BorderRelay({ address: RULE.brAddress, mapRules: [RULE], ipip: [{ ipv4Prefix: `${IPIP_SITE.ipv4}/32`, remote: IPIP_SITE.ipv6 }] });
const payload = Uint8Array.from({ length: 40 }, (_, i) => 0x80 + i);

/** A tunnel end whose next hop is already known (the relay's MAC), so send() gives the data frame at once. */
function resolvedEnd(cfg: ConstructorParameters<typeof TunnelWan>[0]): TunnelWan {
  const end = new TunnelWan(cfg);
  const relayMac = '02:00:00:00:ff:01';
  const ns = readNd(end.send({ dst: '203.0.113.1', srcPort: cfg.portSet ? l2tpSourcePort(cfg.portSet) : 1701, dstPort: 9, payload: new Uint8Array(0) }, 0)[0]);
  if (ns?.kind !== 'solicitation') throw new Error('expected a neighbour solicitation');
  // answer it as the relay's side of the link would
  end.receive(neighborAdvertisement(macBytes(relayMac), ns.target, ns.srcMac, ns.src), 0);
  return end;
}

const ceEnd = () => resolvedEnd({ mac: '02:00:00:00:0a:01', ipv6: CE.ceIpv6, remote: RULE.brAddress, ipv4: CE.ipv4, portSet: CE });
const ipipEnd = () => resolvedEnd({ mac: '02:00:00:00:0b:01', ipv6: IPIP_SITE.ipv6, remote: RULE.brAddress, ipv4: IPIP_SITE.ipv4 });

test.describe('border relay between a MAP-E site and an IPIP site', () => {
  test('the L2TPv3 datagram crosses with the port-set source port, and the answer to that port comes back', () => {
    const a = ceEnd();
    const b = ipipEnd();
    const srcPort = l2tpSourcePort(CE);
    expect(srcPort).toBe(1232);
    const out = a.send({ dst: IPIP_SITE.ipv4, srcPort, dstPort: 1701, payload }, 1);
    const r = relay.relay(out[0].subarray(14));
    expect(r).toMatchObject({ kind: 'forward', to: IPIP_SITE.ipv6, via: 'ipip' });
    if (r.kind !== 'forward') return;
    const got = b.receive(ethernetFrame(macBytes('02:00:00:00:0b:01'), macBytes('02:00:00:00:ff:01'), ETHERTYPE_IPV6, r.packet), 1);
    expect(got).toEqual({ kind: 'datagram', datagram: { src: CE.ipv4, dst: IPIP_SITE.ipv4, srcPort: 1232, dstPort: 1701, payload }, frames: [] });
    const back = relay.relay(b.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 1232, payload }, 2)[0].subarray(14));
    expect(back).toMatchObject({ kind: 'forward', to: CE.ceIpv6, via: 'map-e' });
    if (back.kind !== 'forward') return;
    expect(a.receive(ethernetFrame(macBytes('02:00:00:00:0a:01'), macBytes('02:00:00:00:ff:01'), ETHERTYPE_IPV6, back.packet), 2))
      .toEqual({ kind: 'datagram', datagram: { src: IPIP_SITE.ipv4, dst: CE.ipv4, srcPort: 1701, dstPort: 1232, payload }, frames: [] });
  });

  test('an answer to port 1701 of the shared address goes to the CE that owns 1701, not to ours', () => {
    const b = ipipEnd();
    const r = relay.relay(b.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 1)[0].subarray(14));
    const owner = ceForDestination(RULE, CE.ipv4, 1701);
    expect(owner?.psid).toBe(0xa9);
    expect(r).toMatchObject({ kind: 'forward', via: 'map-e', to: owner?.ceIpv6 });
    expect(owner?.ceIpv6).not.toBe(CE.ceIpv6);
    // ports below 2^(16-a) = 1024 belong to no CE
    expect(relay.relay(b.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 500, payload }, 1)[0].subarray(14)))
      .toEqual({ kind: 'dropped', why: `no MAP-E rule or IPIP customer for ${CE.ipv4} port 500` });
  });

  test('sources that do not belong to the tunnel they came through are dropped (RFC 7597 §8.1)', () => {
    // the CE sends from a port of another PSID: its TunnelWan refuses, so build it as another CE would
    const other = ceForDestination(RULE, CE.ipv4, 1701)!;
    const otherEnd = resolvedEnd({ mac: '02:00:00:00:0c:01', ipv6: CE.ceIpv6, remote: RULE.brAddress, ipv4: CE.ipv4, portSet: other });
    const spoof = relay.relay(otherEnd.send({ dst: IPIP_SITE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 1)[0].subarray(14));
    expect(spoof).toEqual({ kind: 'dropped', why: `source ${CE.ipv4}:1701 does not belong to MAP-E CE ${CE.ceIpv6} (RFC 7597 §8.1)` });
    const wrongTunnel = resolvedEnd({ mac: '02:00:00:00:0d:01', ipv6: '2001:db8:f00::99', remote: RULE.brAddress, ipv4: IPIP_SITE.ipv4 });
    expect(relay.relay(wrongTunnel.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 1232, payload }, 1)[0].subarray(14)))
      .toEqual({ kind: 'dropped', why: `source ${IPIP_SITE.ipv4} arrived from 2001:db8:f00::99, not its IPIP tunnel end ${IPIP_SITE.ipv6}` });
  });
});

// The relay's native IPv4 uplink (RFC 7597 §8.3): a host on the IPv4 internet (UPLINK_HOST, in no
// customer's space) reaches the IPIP site and the MAP-E CE through the relay, and they reach it.
const UPLINK = { address: '198.18.0.1' };
const UPLINK_HOST = '198.18.0.50';
const withUplink = () => new BorderRelay({ address: RULE.brAddress, mapRules: [RULE], ipip: [{ ipv4Prefix: `${IPIP_SITE.ipv4}/32`, remote: IPIP_SITE.ipv6 }], uplink: UPLINK });

/** RFC 1071 sum over an IPv4 header, written out here so the check does not lean on the code under test. */
function headerSumOk(ipv4: Uint8Array): boolean {
  const ihl = (ipv4[0] & 0x0f) * 4;
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += (ipv4[i] << 8) | ipv4[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

/** A native datagram as the uplink host sends it (TTL 64, header checksum correct). */
const nativeUdp = (dst: string, dstPort: number, src = UPLINK_HOST, body = payload) => buildUdpPacket({ src, dst, srcPort: 40000, dstPort, payload: body });
const atEnd = (mac: string, packet: Uint8Array) => ethernetFrame(macBytes(mac), macBytes('02:00:00:00:ff:01'), ETHERTYPE_IPV6, packet);

test.describe('border relay with an IPv4 uplink (RFC 7597 §8.3)', () => {
  test('an IPIP customer reaches an uplink host: the inner packet leaves natively with TTL one less and a valid header checksum', () => {
    const b = ipipEnd();
    const frame = b.send({ dst: UPLINK_HOST, srcPort: 1701, dstPort: 1701, payload }, 1)[0];
    const inner = frame.subarray(14 + 40);
    const r = withUplink().relay(frame.subarray(14));
    expect(r.kind).toBe('uplink');
    if (r.kind !== 'uplink') return;
    const ip = decodeIp(r.packet);
    if (!ip.ok) throw new Error(ip.why);
    expect([ip.value.src, ip.value.dst, ip.value.protocol]).toEqual([IPIP_SITE.ipv4, UPLINK_HOST, 17]);
    expect(r.packet[8]).toBe(inner[8] - 1);
    expect(headerSumOk(r.packet), 'header checksum after the TTL change').toBe(true);
    // nothing but TTL and checksum changed
    const differ = [...r.packet].flatMap((x, i) => (x === inner[i] ? [] : [i]));
    expect(differ.every((i) => i === 8 || i === 10 || i === 11)).toBe(true);
    expect(r.packet.length).toBe(inner.length);
    expect(r.packets, 'within the uplink MTU: the packet itself on the wire').toEqual([r.packet]);
    // the MAP-E CE too, from its port set
    const a = ceEnd();
    const fromCe = withUplink().relay(a.send({ dst: UPLINK_HOST, srcPort: l2tpSourcePort(CE), dstPort: 1701, payload }, 1)[0].subarray(14));
    expect(fromCe.kind).toBe('uplink');
    // a destination in the MAP-E rule's prefix still goes by rule: port 500 is nobody's, and does not leak to the uplink
    expect(withUplink().relay(ipipEnd().send({ dst: CE.ipv4, srcPort: 1701, dstPort: 500, payload }, 1)[0].subarray(14)))
      .toEqual({ kind: 'dropped', why: `no MAP-E rule or IPIP customer for ${CE.ipv4} port 500` });
  });

  test('an uplink datagram to the shared address on the CE\'s port arrives at that CE\'s tunnel end as that datagram', () => {
    const r = withUplink().fromUplink(nativeUdp(CE.ipv4, 1232));
    expect(r).toMatchObject({ kind: 'forward', to: CE.ceIpv6, via: 'map-e' });
    if (r.kind !== 'forward') return;
    expect(r.packets).toHaveLength(1);
    expect(r.packet[40 + 8], 'inner TTL 64 - 1').toBe(63);
    expect(headerSumOk(r.packet.subarray(40))).toBe(true);
    expect(ceEnd().receive(atEnd('02:00:00:00:0a:01', r.packets[0]), 1))
      .toEqual({ kind: 'datagram', datagram: { src: UPLINK_HOST, dst: CE.ipv4, srcPort: 40000, dstPort: 1232, payload }, frames: [] });
    // and to the IPIP site by its prefix
    const toSite = withUplink().fromUplink(nativeUdp(IPIP_SITE.ipv4, 1701));
    expect(toSite).toMatchObject({ kind: 'forward', to: IPIP_SITE.ipv6, via: 'ipip' });
  });

  test('the port-set restriction: an uplink datagram on another PSID\'s port goes to that CE; below 1024 to nobody', () => {
    const owner = ceForDestination(RULE, CE.ipv4, 1701)!;
    expect(owner.psid).not.toBe(CE.psid);
    const r = withUplink().fromUplink(nativeUdp(CE.ipv4, 1701));
    expect(r).toMatchObject({ kind: 'forward', via: 'map-e', to: owner.ceIpv6 });
    // our CE's tunnel end would refuse it even if it got it: the port is outside its set
    if (r.kind === 'forward') expect(ceEnd().receive(atEnd('02:00:00:00:0a:01', r.packet), 1).kind).toBe('dropped');
    expect(withUplink().fromUplink(nativeUdp(CE.ipv4, 500))).toEqual({ kind: 'dropped', why: `no MAP-E rule or IPIP customer for ${CE.ipv4} port 500` });
  });

  test('a packet on the uplink with a customer\'s source is spoofed and dropped; so is one for nobody\'s address', () => {
    expect(withUplink().fromUplink(nativeUdp(IPIP_SITE.ipv4, 1701, CE.ipv4))).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/source 192\.0\.2\.\d+ .*MAP-E rule 192\.0\.2\.0\/24.*anti-spoofing/) });
    expect(withUplink().fromUplink(nativeUdp(CE.ipv4, 1232, IPIP_SITE.ipv4))).toMatchObject({ kind: 'dropped', why: expect.stringContaining(`IPIP customer ${IPIP_SITE.ipv4}/32`) });
    expect(withUplink().fromUplink(nativeUdp('198.18.0.99', 9))).toMatchObject({ kind: 'dropped', why: expect.stringContaining('no route from the uplink to 198.18.0.99') });
    const v6 = ipipEnd().send({ dst: UPLINK_HOST, srcPort: 1701, dstPort: 1701, payload }, 1)[0].subarray(14);
    expect(withUplink().fromUplink(v6)).toMatchObject({ kind: 'dropped', why: expect.stringContaining('not IPv4') });
    const corrupt = nativeUdp(CE.ipv4, 1232);
    corrupt[11] ^= 0xff;
    expect(withUplink().fromUplink(corrupt)).toEqual({ kind: 'dropped', why: 'IPv4 header checksum is wrong' });
  });

  test('TTL expiry: TTL 1 is dropped at the relay both ways, TTL 2 leaves with 1', () => {
    const ttl = (p: Uint8Array, t: number) => {
      const out = Uint8Array.from(p);
      out[8] = t;
      out[10] = 0;
      out[11] = 0;
      const c = internetChecksum(out.subarray(0, 20));
      out[10] = c >> 8;
      out[11] = c & 0xff;
      return out;
    };
    expect(withUplink().fromUplink(ttl(nativeUdp(CE.ipv4, 1232), 1))).toMatchObject({ kind: 'dropped', why: expect.stringContaining('TTL 1') });
    const two = withUplink().fromUplink(ttl(nativeUdp(CE.ipv4, 1232), 2));
    expect(two.kind === 'forward' && two.packet[40 + 8]).toBe(1);
    const b = ipipEnd();
    const out = b.sendIpv4(ttl(nativeUdp(UPLINK_HOST, 9, IPIP_SITE.ipv4), 1), 1)[0];
    expect(withUplink().relay(out.subarray(14))).toMatchObject({ kind: 'dropped', why: expect.stringContaining('TTL 1') });
  });

  test('without an uplink nothing changes: a destination outside every customer is dropped and fromUplink refuses', () => {
    const r = relay.relay(ipipEnd().send({ dst: UPLINK_HOST, srcPort: 1701, dstPort: 1701, payload }, 1)[0].subarray(14));
    expect(r).toEqual({ kind: 'dropped', why: `no MAP-E rule or IPIP customer for ${UPLINK_HOST} port 1701` });
    expect(relay.fromUplink(nativeUdp(CE.ipv4, 1232))).toEqual({ kind: 'dropped', why: 'this relay has no IPv4 uplink' });
  });

  test('a full-size uplink packet leaves as IPv6 fragments within the link MTU and arrives whole', () => {
    const big = Uint8Array.from({ length: 1472 }, (_, i) => (i * 7) & 0xff); // IPv4 1500 octets: 1540 encapsulated
    const packet = nativeUdp(IPIP_SITE.ipv4, 1701, UPLINK_HOST, big);
    expect(packet.length).toBe(1500);
    // as captured: the frame's padding must not travel with it
    const captured = new Uint8Array(packet.length + 6);
    captured.set(packet);
    const r = withUplink().fromUplink(captured);
    if (r.kind !== 'forward') throw new Error(`relay: ${JSON.stringify(r)}`);
    expect(r.packet.length).toBe(1540);
    expect(r.packets.length).toBe(2);
    for (const p of r.packets) expect(p.length, 'each IPv6 packet within the 1500 link MTU').toBeLessThanOrEqual(1500);
    const b = ipipEnd();
    const got = r.packets.map((p) => b.receive(atEnd('02:00:00:00:0b:01', p), 1));
    expect(got[0].kind).toBe('held');
    expect(got[1]).toEqual({ kind: 'datagram', datagram: { src: UPLINK_HOST, dst: IPIP_SITE.ipv4, srcPort: 40000, dstPort: 1701, payload: big }, frames: [] });
  });
});

// A full-size Ethernet frame bridged over L2TPv3 is a 1550-octet IPv4 packet (20 IP + 8 UDP + 8
// L2TPv3 + 1514), 50 more than the uplink's 1500 (assumption relay-uplink-mtu). Fragments are cut
// and read back here by hand (offsets, MF, header sums), not with ipv4-fragment.ts.
test.describe('border relay: IPv4 fragmentation on the uplink (RFC 791 §3.2, RFC 7597 §8.3.2)', () => {
  const offsetOf = (f: Uint8Array) => (((f[6] << 8) | f[7]) & 0x1fff) * 8;
  const moreOf = (f: Uint8Array) => (f[6] & 0x20) !== 0;
  const frame = Uint8Array.from({ length: 1550 - 28 }, (_, i) => (i * 11 + 1) & 0xff);

  /** RFC 1071 header sum of a 20-octet header, by hand. */
  function sumHeader(f: Uint8Array): Uint8Array {
    f[10] = 0;
    f[11] = 0;
    let sum = 0;
    for (let i = 0; i < 20; i += 2) sum += (f[i] << 8) | f[i + 1];
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    f[10] = (~sum >> 8) & 0xff;
    f[11] = ~sum & 0xff;
    return f;
  }

  /** `p` with DF as asked and Identification `id`. */
  function withFlags(p: Uint8Array, df: boolean, id = 0x4d2): Uint8Array {
    const out = Uint8Array.from(p);
    out[4] = id >> 8;
    out[5] = id & 0xff;
    out[6] = df ? 0x40 : 0;
    return sumHeader(out);
  }

  /** What a Linux peer sends for `p` over a 1500 link: a 1500-octet first fragment (1480 data) and the rest. */
  function linuxFragments(p: Uint8Array): Uint8Array[] {
    const cut = (from: number, to: number, more: boolean) => {
      const f = new Uint8Array(20 + to - from);
      f.set(p.subarray(0, 20));
      f.set(p.subarray(20 + from, 20 + to), 20);
      f[2] = f.length >> 8;
      f[3] = f.length & 0xff;
      const field = (more ? 0x2000 : 0) | (from / 8);
      f[6] = field >> 8;
      f[7] = field & 0xff;
      return sumHeader(f);
    };
    return [cut(0, 1480, true), cut(1480, p.length - 20, false)];
  }

  test('a 1550-octet DF-clear packet from an IPIP customer leaves the uplink as 1500 + 70 and reassembles to the TTL-decremented packet', () => {
    const inner = withFlags(nativeUdp(UPLINK_HOST, 1701, IPIP_SITE.ipv4, frame), false);
    expect(inner.length).toBe(1550);
    // the tunnel end IPv6-fragments 1590 octets; the relay holds the first, decapsulates with the second
    const relayU = withUplink();
    const results = ipipEnd().sendIpv4(inner, 1).map((f) => relayU.relay(f.subarray(14), 1));
    expect(results.length).toBe(2);
    expect(results[0].kind).toBe('held');
    const out = results[1];
    if (out.kind !== 'uplink') throw new Error(`relay: ${JSON.stringify(out)}`);
    expect(out.packet.length).toBe(1550);
    expect(out.packet[8]).toBe(inner[8] - 1);
    expect(headerSumOk(out.packet)).toBe(true);
    // 1530 data: 1480 (a multiple of 8 that fits 1500 - 20) + 50
    expect(out.packets.map((p) => p.length)).toEqual([1500, 70]);
    expect(out.packets.map(offsetOf)).toEqual([0, 1480]);
    expect(out.packets.map(moreOf)).toEqual([true, false]);
    for (const f of out.packets) {
      expect(headerSumOk(f), 'each fragment\'s header sum').toBe(true);
      expect([...f.subarray(4, 6), f[8], f[9], ...f.subarray(12, 20)], 'Identification, TTL, protocol and addresses of the forwarded packet').toEqual([...out.packet.subarray(4, 6), out.packet[8], 17, ...out.packet.subarray(12, 20)]);
    }
    // reassembled by hand: the forwarded packet, which is the customer's with TTL one less
    const data = new Uint8Array(1530);
    for (const f of out.packets) data.set(f.subarray(20), offsetOf(f));
    expect(data).toEqual(inner.subarray(20));
    const differ = [...out.packet].flatMap((x, i) => (x === inner[i] ? [] : [i]));
    expect(differ.every((i) => i === 8 || i === 10 || i === 11)).toBe(true);
  });

  test('the same packet with DF set is dropped: fragmentation needed', () => {
    const inner = withFlags(nativeUdp(UPLINK_HOST, 1701, IPIP_SITE.ipv4, frame), true);
    const r = withUplink().relay(encapsulateIpv4({ src: IPIP_SITE.ipv6, dst: RULE.brAddress }, inner));
    expect(r).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/1550 octets with DF set exceeds the uplink MTU 1500: fragmentation needed/) });
    // a smaller uplink MTU is the relay's to say; 1500 octets with DF set then no longer fit
    const small = new BorderRelay({ ...withUplink().cfg, uplink: { ...UPLINK, mtu: 1400 } });
    const at1500 = withFlags(nativeUdp(UPLINK_HOST, 1701, IPIP_SITE.ipv4, frame.subarray(0, 1472)), false);
    const cut = small.relay(encapsulateIpv4({ src: IPIP_SITE.ipv6, dst: RULE.brAddress }, at1500));
    expect(cut.kind === 'uplink' && cut.packets.map((p) => p.length)).toEqual([1396, 20 + 104]);
    expect(() => new BorderRelay({ ...withUplink().cfg, uplink: { ...UPLINK, mtu: 60 } })).toThrow(/uplink MTU 60/);
  });

  test('uplink fragments, out of order, make one forward to the MAP-E CE their first fragment\'s port names, carrying the whole packet', () => {
    const whole = withFlags(nativeUdp(CE.ipv4, 1232, UPLINK_HOST, frame), false, 0x7777);
    const [first, last] = linuxFragments(whole);
    expect([first.length, last.length]).toEqual([1500, 70]);
    const relayU = withUplink();
    expect(relayU.fromUplink(last, 5), 'the last fragment has no port: held, not routed').toEqual({ kind: 'held' });
    const r = relayU.fromUplink(first, 6);
    if (r.kind !== 'forward') throw new Error(`relay: ${JSON.stringify(r)}`);
    expect([r.to, r.via]).toEqual([CE.ceIpv6, 'map-e']);
    const inner = r.packet.subarray(40);
    expect(inner.length).toBe(1550);
    expect(inner[8]).toBe(63);
    expect(headerSumOk(inner)).toBe(true);
    expect(moreOf(inner) || offsetOf(inner) !== 0, 'a whole packet: MF clear, offset 0').toBe(false);
    expect(inner.subarray(20)).toEqual(whole.subarray(20));
    // 1590 octets of IPv6: fragmented to the 1500 link as today, and the CE's end gets the datagram
    expect(r.packets.length).toBe(2);
    const a = ceEnd();
    const got = r.packets.map((p) => a.receive(atEnd('02:00:00:00:0a:01', p), 6));
    expect(got[1]).toEqual({ kind: 'datagram', datagram: { src: UPLINK_HOST, dst: CE.ipv4, srcPort: 40000, dstPort: 1232, payload: frame }, frames: [] });
    // a fragment with a broken header is named, and leaves nothing half-built
    const bad = Uint8Array.from(last);
    bad[8] ^= 1;
    expect(relayU.fromUplink(bad, 7)).toMatchObject({ kind: 'dropped', why: expect.stringContaining('uplink packet: IPv4 fragment header checksum is wrong') });
  });

  test('uplink fragments whose first fragment never comes are abandoned 60 s on', () => {
    const whole = withFlags(nativeUdp(IPIP_SITE.ipv4, 1701, UPLINK_HOST, frame), false, 0x99);
    const [first, last] = linuxFragments(whole);
    const relayU = withUplink();
    expect(relayU.fromUplink(last, 0).kind).toBe('held');
    expect(relayU.fromUplink(first, 60_000).kind, 'the last fragment was abandoned: the first waits alone').toBe('held');
    expect(relayU.fromUplink(last, 60_001)).toMatchObject({ kind: 'forward', to: IPIP_SITE.ipv6, via: 'ipip' });
  });
});
