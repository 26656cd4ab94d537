// IPv6 fragmentation of the tunnel packet (RFC 2473 §7.2(b), RFC 8200 §4.5) and the tunnel exit's
// reassembly table: sizes held to the RFC arithmetic, Wireshark's own IPv6 reassembly as the
// independent decoder of what fragmentIpv6 puts on the wire, and the reassembler in and out of
// order, with duplicates, overlaps (RFC 5722), the 60 s timeout on an injected clock, and its
// bounds. End to end: a full-size frame's L2TPv3 datagram crosses CE -> border relay -> IPIP site
// as IPv6 fragments no bigger than the link MTU and arrives whole.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildEthernetFrame, buildUdpPacket, ETHERTYPE, LINKTYPE, writePcap } from '../../../reference-impl/capture/index.ts';
import {
  BorderRelay, encapsulateIpv4, FragmentError, fragmentIpv6, Ipv6Reassembler, l2tpSourcePort, macBytes, mapECe, neighborAdvertisement,
  NEXT_HEADER_FRAGMENT, readNd, tunnelEntry, TunnelWan, type MapERule,
} from '../../../reference-impl/underlay/index.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';

/** An IPv4-in-IPv6 packet whose inner UDP datagram carries `size` patterned octets. */
function tunnelPacket(size: number, src = '2001:db8::1', dst = '2001:db8::2'): Uint8Array {
  const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
  return encapsulateIpv4({ src, dst }, buildUdpPacket({ src: '192.0.2.1', dst: '198.51.100.2', srcPort: 1701, dstPort: 1701, payload }));
}

const offsetOf = (f: Uint8Array) => ((f[42] << 8) | f[43]) & 0xfff8;
const moreOf = (f: Uint8Array) => (f[43] & 1) === 1;

test.describe('IPv6 fragmentation of the tunnel packet (RFC 2473 §7.2(b), RFC 8200 §4.5)', () => {
  test('fragments fit the MTU, carry 8-octet multiples but the last, and share one Identification', () => {
    const p = tunnelPacket(3000); // 40 + 20 + 8 + 3000 = 3068 octets; Fragmentable Part 3028
    expect(p.length).toBe(3068);
    const frags = fragmentIpv6(p, 1500, 0xdeadbeef);
    // per fragment floor((1500 - 40 - 8) / 8) * 8 = 1448 octets: 1448 + 1448 + 132
    expect(frags.map((f) => f.length)).toEqual([1496, 1496, 180]);
    expect(frags.map(offsetOf)).toEqual([0, 1448, 2896]);
    expect(frags.map(moreOf)).toEqual([true, true, false]);
    for (const f of frags) {
      expect(f[6]).toBe(NEXT_HEADER_FRAGMENT);
      expect(f[40]).toBe(4); // the Fragment header's Next Header: IPv4
      expect(new DataView(f.buffer).getUint32(44)).toBe(0xdeadbeef);
      expect((f[4] << 8) | f[5]).toBe(f.length - 40);
    }
    // the oracle's prediction of the same case, from the arithmetic alone
    expect(tunnelEntry(p.length - 40, false, 1500)).toEqual({ kind: 'fragmented', fragments: 3, fragmentLengths: [1496, 1496, 180] });
    expect(fragmentIpv6(tunnelPacket(100), 1500, 1)).toHaveLength(1);
    expect(() => fragmentIpv6(p, 1279, 1)).toThrow(FragmentError);
  });

  test('Wireshark reassembles our fragments into the original IPv4/UDP datagram', () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const p = tunnelPacket(2000);
    const frags = fragmentIpv6(p, 1280, 77);
    expect(frags.length).toBe(2);
    const dir = mkdtempSync(path.join(tmpdir(), 'ipv6-frag-'));
    try {
      const file = path.join(dir, 'frags.pcap');
      const frames = frags.map((f, i) => ({ timestampUs: 1_000_000 + i, data: buildEthernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', etherType: ETHERTYPE.IPV6, payload: f }) }));
      writeFileSync(file, writePcap(frames, LINKTYPE.ETHERNET));
      const rows = tsharkFields(file, ['ipv6.fragment.count', 'ipv6.reassembled.length', 'ip.len', 'udp.length', 'udp.checksum.status'], { prefs: ['udp.check_checksum:TRUE'] });
      const last = rows.get(2);
      expect(last?.get('ipv6.fragment.count')).toEqual(['2']);
      expect(last?.get('ipv6.reassembled.length')).toEqual([String(p.length - 40)]);
      expect(last?.get('ip.len')).toEqual([String(p.length - 40)]);
      expect(last?.get('udp.length')).toEqual(['2008']);
      expect(last?.get('udp.checksum.status'), 'UDP checksum over the reassembled datagram: good').toEqual(['1']);
      expect(tsharkMatching(file, '_ws.expert.severity >= 4194304', ['udp.check_checksum:TRUE']), 'tshark expert warnings').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('reassembly table (RFC 8200 §4.5)', () => {
  const p = tunnelPacket(4000);
  const frags = fragmentIpv6(p, 1500, 5);

  test('in order, reversed and interleaved with another datagram, the original comes back', () => {
    const r = new Ipv6Reassembler();
    expect(frags.slice(0, -1).map((f) => r.add(f, 0).kind)).toEqual(['held', 'held']);
    expect(r.add(frags.at(-1)!, 0)).toEqual({ kind: 'complete', packet: p });
    const other = tunnelPacket(2500, '2001:db8::9');
    const otherFrags = fragmentIpv6(other, 1500, 5); // same Identification, another source: another datagram
    const results = [frags[2], otherFrags[1], frags[1], otherFrags[0], frags[0]].map((f) => r.add(f, 10));
    expect(results.map((x) => x.kind)).toEqual(['held', 'held', 'held', 'complete', 'complete']);
    expect(results[3]).toEqual({ kind: 'complete', packet: other });
    expect(results[4]).toEqual({ kind: 'complete', packet: p });
    expect(r.size).toBe(0);
  });

  test('an exact duplicate is dropped alone; an overlap abandons the datagram (RFC 5722)', () => {
    const r = new Ipv6Reassembler();
    r.add(frags[0], 0);
    expect(r.add(frags[0], 0).kind).toBe('held');
    r.add(frags[1], 0);
    expect(r.add(frags[2], 0)).toEqual({ kind: 'complete', packet: p });
    // a fragment overlapping the first one's data by 8 octets
    const overlapping = Uint8Array.from(frags[1]);
    const field = (offsetOf(frags[1]) - 8) | 1;
    overlapping[42] = field >> 8;
    overlapping[43] = field & 0xff;
    r.add(frags[0], 1);
    expect(r.add(overlapping, 1)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/overlaps/) });
    expect(r.size).toBe(0);
    // what remains of that datagram never completes
    expect(r.add(frags[1], 1).kind).toBe('held');
    expect(r.add(frags[2], 1).kind).toBe('held');
  });

  test('abandoned 60 s after the first fragment, on the injected clock', () => {
    const r = new Ipv6Reassembler();
    r.add(frags[0], 1000);
    r.add(frags[1], 30_000);
    expect(r.add(frags[2], 60_999)).toEqual({ kind: 'complete', packet: p });
    r.add(frags[0], 1000);
    r.add(frags[1], 2000);
    expect(r.add(frags[2], 61_000).kind, 'the first fragment came 60 s ago: abandoned, the last starts anew').toBe('held');
    expect(r.expire(121_000)).toBe(1);
    expect(r.size).toBe(0);
  });

  test('bounded in datagrams and length; malformed fragments named', () => {
    const r = new Ipv6Reassembler({ maxDatagrams: 2, maxLength: 3000 });
    const a = fragmentIpv6(tunnelPacket(2000, '2001:db8::a'), 1280, 1);
    const b = fragmentIpv6(tunnelPacket(2000, '2001:db8::b'), 1280, 1);
    const c = fragmentIpv6(tunnelPacket(2000, '2001:db8::c'), 1280, 1);
    r.add(a[0], 0);
    r.add(b[0], 0);
    r.add(c[0], 0); // evicts a, the oldest
    expect(r.size).toBe(2);
    expect(r.add(a[1], 0).kind, 'a was evicted: its last fragment starts a new entry').toBe('held');
    expect(r.add(c[1], 0).kind).toBe('complete');
    expect(r.add(frags[2], 0)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/3000-octet limit/) });
    const odd = Uint8Array.from(frags[0].subarray(0, 48 + 13));
    odd[5] = 8 + 13;
    odd[4] = 0;
    expect(r.add(odd, 0)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/not a multiple of 8/) });
    expect(r.add(p, 0).kind, 'not a fragment').toBe('dropped');
  });
});

test('a full-size frame\'s L2TPv3 datagram crosses CE -> border relay -> IPIP site as IPv6 fragments and arrives whole', () => {
  const RULE: MapERule = { ipv6Prefix: '2001:db8::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:ffff::1' };
  const ce = mapECe(RULE, '2001:db8:0012:3400::/56');
  const site = { ipv6: '2001:db8:f00::2', ipv4: '198.51.100.20' };
  const relay = new BorderRelay({ address: RULE.brAddress, mapRules: [RULE], ipip: [{ ipv4Prefix: `${site.ipv4}/32`, remote: site.ipv6 }] });
  const relayMac = macBytes('02:00:00:00:ff:01');
  const resolved = (end: TunnelWan, srcPort: number) => {
    const ns = readNd(end.send({ dst: '203.0.113.1', srcPort, dstPort: 9, payload: new Uint8Array(0) }, 0)[0]);
    if (ns?.kind !== 'solicitation') throw new Error('expected a neighbour solicitation');
    end.receive(neighborAdvertisement(relayMac, ns.target, ns.srcMac, ns.src), 0);
    return end;
  };
  const a = resolved(new TunnelWan({ mac: '02:00:00:00:0a:01', ipv6: ce.ceIpv6, remote: RULE.brAddress, ipv4: ce.ipv4, portSet: ce }), l2tpSourcePort(ce));
  const bMac = '02:00:00:00:0b:01';
  const b = new TunnelWan({ mac: bMac, ipv6: site.ipv6, remote: RULE.brAddress, ipv4: site.ipv4 });
  // 1514-octet LAN frame + 12 octets of L2TPv3 (UDP-mode header, session ID, 4-octet cookie)
  const payload = Uint8Array.from({ length: 1526 }, (_, i) => i & 0xff);
  const frames = a.send({ dst: site.ipv4, srcPort: l2tpSourcePort(ce), dstPort: 1701, payload }, 1);
  expect(frames.length).toBe(2);
  for (const f of frames) expect(f.length - 14, 'each IPv6 packet within the 1500 link MTU').toBeLessThanOrEqual(1500);
  expect(frames[0][14 + 48 + 6] & 0x40, 'IPv4 DF clear inside (assumption l2tp-inner-df-clear)').toBe(0);
  const relayed = frames.map((f) => relay.relay(f.subarray(14), 1));
  expect(relayed[0].kind).toBe('held');
  const fwd = relayed[1];
  if (fwd.kind !== 'forward') throw new Error(`relay: ${JSON.stringify(fwd)}`);
  expect(fwd.to).toBe(site.ipv6);
  // 1526 + 8 (UDP) + 20 (IPv4) = 1554 octets inside: 1448 + 106 -> IPv6 fragments of 1496 and 154
  expect(fwd.packets.map((x) => x.length)).toEqual([1496, 154]);
  const got = fwd.packets.map((x) => b.receive(buildEthernetFrame({ src: '02:00:00:00:ff:01', dst: bMac, etherType: ETHERTYPE.IPV6, payload: x }), 2));
  expect(got[0].kind).toBe('held');
  const d = got[1];
  if (d.kind !== 'datagram') throw new Error(`far end: ${JSON.stringify(d)}`);
  expect(d.datagram.src).toBe(ce.ipv4);
  expect(d.datagram.srcPort).toBe(l2tpSourcePort(ce));
  expect(d.datagram.payload).toEqual(payload);
});
