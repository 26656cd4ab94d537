// The userspace end of an IPv4-in-IPv6 tunnel on an Ethernet WAN: two ends joined by a pure
// "wire" resolve each other with Neighbor Discovery and carry a UDP datagram (L2TPv3's) whole;
// Wireshark reads every frame they put on that wire (NS, NA, IPv6 -> IPv4 -> UDP) with good
// checksums and no expert warning; MAP-E's port set is enforced both ways; what is not for the
// tunnel end is dropped with the reason named.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LINKTYPE, writePcap } from '../../../reference-impl/capture/index.ts';
import { ND_CONSTANTS, PENDING_LIMIT, TunnelWan, TunnelWanError, type TunnelWanConfig } from '../../../reference-impl/underlay/index.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';

const SITE: TunnelWanConfig = { mac: '02:00:00:00:01:01', ipv6: '2001:db8:1::2', remote: '2001:db8:1::1', ipv4: '192.0.2.10' };
const ISP: TunnelWanConfig = { mac: '02:00:00:00:01:02', ipv6: '2001:db8:1::1', remote: '2001:db8:1::2', ipv4: '198.51.100.1' };
const payload = Uint8Array.from({ length: 60 }, (_, i) => i);

/** Runs frames across the wire until it is quiet; returns every frame seen and the datagrams each end got. */
function wire(a: TunnelWan, b: TunnelWan, first: Uint8Array[], now: number) {
  const seen: Uint8Array[] = [];
  const got = new Map<TunnelWan, unknown[]>([[a, []], [b, []]]);
  let queue: { to: TunnelWan; frame: Uint8Array }[] = first.map((frame) => ({ to: b, frame }));
  for (let round = 0; queue.length > 0 && round < 20; round++) {
    const next: typeof queue = [];
    for (const { to, frame } of queue) {
      seen.push(frame);
      const r = to.receive(frame, now);
      if (r.kind === 'datagram') got.get(to)!.push(r.datagram);
      const other = to === a ? b : a;
      for (const f of r.frames) next.push({ to: other, frame: f });
    }
    queue = next;
  }
  return { seen, got };
}

test.describe('userspace IPv4-in-IPv6 tunnel end on an Ethernet WAN', () => {
  test('first send solicits the far end; its advertisement releases the datagram, which arrives whole', () => {
    const a = new TunnelWan(SITE);
    const b = new TunnelWan(ISP);
    const out = a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 0);
    expect(out.length).toBe(1);
    expect(out[0].subarray(0, 3)).toEqual(Uint8Array.of(0x33, 0x33, 0xff)); // solicited-node multicast
    const { seen, got } = wire(a, b, out, 0);
    expect(seen.length).toBe(3); // NS, NA, the data packet
    expect(got.get(b)).toEqual([{ src: SITE.ipv4, dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }]);
    // resolved now: the next send goes straight out, unicast to the far end's MAC
    const direct = a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 10);
    expect(direct.length).toBe(1);
    expect(direct[0].subarray(0, 6)).toEqual(Uint8Array.of(2, 0, 0, 0, 1, 2));
  });

  test('a tunnel end coming up solicits its far end at once; the far end learns it from that solicitation (RFC 4861 §7.2.3), so both are resolved by one exchange', () => {
    const a = new TunnelWan(SITE);
    const b = new TunnelWan(ISP);
    expect(a.nextHopKnown(0)).toBe(false);
    const ns = a.solicitNextHop(0);
    expect(ns.length).toBe(1);
    const answer = b.receive(ns[0], 0);
    expect(answer.kind).toBe('nd');
    expect(b.nextHopKnown(0), 'the far end learned the solicitor').toBe(true);
    a.receive(answer.frames[0], 0);
    expect(a.nextHopKnown(0)).toBe(true);
    expect(a.solicitNextHop(1), 'nothing more to solicit once known').toEqual([]);
    // both send unicast straight away, no solicitation in between
    expect(b.send({ dst: SITE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 2)[0].subarray(0, 6)).toEqual(Uint8Array.of(2, 0, 0, 0, 1, 1));
    expect(a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 2)[0].subarray(0, 6)).toEqual(Uint8Array.of(2, 0, 0, 0, 1, 2));
    // a datagram that waited for the solicitor leaves with the advertisement
    const c = new TunnelWan(ISP);
    expect(c.send({ dst: SITE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 0).length).toBe(1); // its own solicitation
    const r = c.receive(new TunnelWan(SITE).solicitNextHop(0)[0], 0);
    expect(r.frames.length, 'the advertisement and the waiting datagram').toBe(2);
  });

  test('an unanswered next hop is solicited MAX_MULTICAST_SOLICIT times at RETRANS_TIMER, then its queue is dropped', () => {
    const a = new TunnelWan(SITE);
    const sends = [0, 1, 2, 3, 4].map((i) => a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload: Uint8Array.of(i) }, 0));
    expect(sends.map((f) => f.length)).toEqual([1, 0, 0, 0, 0]); // one solicitation, the rest wait
    const t = ND_CONSTANTS.retransTimerMs;
    expect(a.tick(t - 1)).toEqual([]);
    expect(a.tick(t).length).toBe(1);
    expect(a.tick(2 * t).length).toBe(1);
    expect(a.tick(3 * t)).toEqual([]); // three solicitations spent: given up
    // the next packet starts a new resolution; the advertisement releases only it (the old queue was dropped)
    const b = new TunnelWan(ISP);
    const ns = a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 10 * t);
    expect(ns.length).toBe(1);
    const released = a.receive(b.receive(ns[0], 10 * t).frames[0], 10 * t);
    expect(released.frames.length).toBe(1);
  });

  test('at most PENDING_LIMIT packets wait for resolution; the oldest go first', () => {
    const a = new TunnelWan(SITE);
    const b = new TunnelWan(ISP);
    const first = a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload: Uint8Array.of(0) }, 0);
    for (let i = 1; i < PENDING_LIMIT + 2; i++) a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload: Uint8Array.of(i) }, 0);
    const { got } = wire(a, b, first, 0);
    expect((got.get(b) as { payload: Uint8Array }[]).map((d) => d.payload[0])).toEqual(Array.from({ length: PENDING_LIMIT }, (_, i) => i + 2));
  });

  test('Wireshark reads the solicitation, the advertisement and the tunnelled datagram cleanly', () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const a = new TunnelWan(SITE);
    const b = new TunnelWan(ISP);
    const { seen } = wire(a, b, a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 0), 0);
    const dir = mkdtempSync(path.join(tmpdir(), 'tunnel-wan-'));
    try {
      const file = path.join(dir, 'wan.pcap');
      writeFileSync(file, writePcap(seen.map((data, i) => ({ timestampUs: 1000 * (i + 1), data })), LINKTYPE.ETHERNET));
      const prefs = ['ip.check_checksum:TRUE', 'udp.check_checksum:TRUE'];
      const f = tsharkFields(file, ['frame.protocols', 'icmpv6.type', 'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address', 'icmpv6.opt.linkaddr', 'icmpv6.checksum.status', 'ipv6.hlim', 'ip.src', 'udp.srcport', 'udp.checksum.status'], { prefs });
      expect([...f.values()].map((x) => x.get('frame.protocols')?.[0])).toEqual(['eth:ethertype:ipv6:icmpv6', 'eth:ethertype:ipv6:icmpv6', 'eth:ethertype:ipv6:ip:udp:data']);
      expect(f.get(1)?.get('icmpv6.type')).toEqual(['135']);
      expect(f.get(1)?.get('icmpv6.nd.ns.target_address')).toEqual([ISP.ipv6]);
      expect(f.get(1)?.get('icmpv6.opt.linkaddr')).toEqual([SITE.mac]);
      expect(f.get(2)?.get('icmpv6.type')).toEqual(['136']);
      expect(f.get(2)?.get('icmpv6.nd.na.target_address')).toEqual([ISP.ipv6]);
      expect(f.get(2)?.get('icmpv6.opt.linkaddr')).toEqual([ISP.mac]);
      for (const n of [1, 2]) {
        expect(f.get(n)?.get('icmpv6.checksum.status')).toEqual(['1']); // 1 = good
        expect(f.get(n)?.get('ipv6.hlim')).toEqual(['255']); // RFC 4861 §7.1
      }
      expect(f.get(3)?.get('ip.src')).toEqual([SITE.ipv4]);
      expect(f.get(3)?.get('udp.checksum.status')).toEqual(['1']);
      expect(tsharkMatching(file, '_ws.expert.severity >= 4194304', prefs), 'tshark expert notes, warnings or errors').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('MAP-E: sending from a port outside the set is refused; a datagram to such a port is dropped', () => {
    const portSet = { psid: 0x34, psidLength: 8, psidOffset: 6 }; // RFC 7597 example 1: 1232-1235, 2256-2259, ...
    const ce = new TunnelWan({ ...SITE, portSet });
    const isp = new TunnelWan(ISP);
    expect(() => ce.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 0)).toThrow(TunnelWanError);
    expect(() => ce.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 0)).toThrow(/source port 1701 is outside this MAP-E CE's port set \(PSID 52/);
    const { got } = wire(ce, isp, ce.send({ dst: ISP.ipv4, srcPort: 1233, dstPort: 1701, payload }, 0), 0);
    expect(got.get(isp)).toEqual([{ src: SITE.ipv4, dst: ISP.ipv4, srcPort: 1233, dstPort: 1701, payload }]);
    // the ISP end answers to 1233 (inside the set) and to 1701 (outside): only the first arrives
    const back = (dstPort: number) => {
      const frames = isp.send({ dst: SITE.ipv4, srcPort: 1701, dstPort, payload }, 1);
      return wire(isp, ce, frames, 1).got.get(ce);
    };
    expect(back(1233)).toEqual([{ src: ISP.ipv4, dst: SITE.ipv4, srcPort: 1701, dstPort: 1233, payload }]);
    expect(back(1701)).toEqual([]);
    const dropped = ce.receive(isp.send({ dst: SITE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 2)[0], 2);
    expect(dropped).toEqual({ kind: 'dropped', why: 'destination port 1701 is outside the port set', frames: [] });
  });

  test('frames not for this tunnel end are dropped with the reason', () => {
    const a = new TunnelWan(SITE);
    const b = new TunnelWan(ISP);
    wire(a, b, a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 0), 0); // resolve both ways
    const stranger = new TunnelWan({ ...ISP, ipv4: '203.0.113.9' });
    const toStranger = a.send({ dst: ISP.ipv4, srcPort: 1701, dstPort: 1701, payload }, 1)[0];
    expect(stranger.receive(toStranger, 1)).toEqual({ kind: 'dropped', why: `IPv4 destination ${ISP.ipv4} is not 203.0.113.9`, frames: [] });
    const otherFarEnd = new TunnelWan({ ...ISP, remote: '2001:db8:1::99' });
    expect(otherFarEnd.receive(toStranger, 1)).toMatchObject({ kind: 'dropped', why: "IPv6 source 2001:db8:1::2 is not the tunnel's far end" });
    const v4frame = Uint8Array.from(toStranger);
    v4frame[12] = 0x08;
    v4frame[13] = 0x00;
    expect(b.receive(v4frame, 1)).toMatchObject({ kind: 'dropped', why: 'not IPv6' });
  });
});
