// IPv4 fragmentation on the border relay's uplink (RFC 791 §3.2) and the uplink's reassembly
// table: fragment sizes held to the RFC arithmetic around the 1500-octet boundary (and an MTU that
// is not 20 plus a multiple of 8), every header checked by a checksum written out here, offsets
// and MF read back by hand, options copied per their copy flag, and Wireshark's own IPv4
// reassembly as the independent decoder. The reassembler in and out of order, with duplicates,
// overlaps (RFC 5722's rule), its timeout on an injected clock, and its bounds.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildEthernetFrame, buildUdpPacket, ETHERTYPE, LINKTYPE, writePcap } from '../../../reference-impl/capture/index.ts';
import { dontFragment, FragmentError, fragmentIpv4, Ipv4Reassembler, UNDERLAY_FRAGMENT_DEFAULTS } from '../../../reference-impl/underlay/index.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';

/** RFC 1071 sum over an IPv4 header, written out here so the check does not lean on the code under test. */
function headerSumOk(ipv4: Uint8Array): boolean {
  const ihl = (ipv4[0] & 0x0f) * 4;
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += (ipv4[i] << 8) | ipv4[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

function setHeaderSum(p: Uint8Array): Uint8Array {
  const ihl = (p[0] & 0x0f) * 4;
  p[10] = 0;
  p[11] = 0;
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += (p[i] << 8) | p[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  p[10] = (~sum >> 8) & 0xff;
  p[11] = ~sum & 0xff;
  return p;
}

/** A UDP/IPv4 packet of `size` octets in all, DF as asked, Identification `id`, `options` after the 20-octet header. */
function packetOf(size: number, o: { df?: boolean; id?: number; options?: number[]; src?: string; protocol?: number } = {}): Uint8Array {
  const opts = o.options ?? [];
  const body = Uint8Array.from({ length: size - 28 - opts.length }, (_, i) => (i * 13 + 5) & 0xff);
  const plain = buildUdpPacket({ src: o.src ?? '198.18.0.50', dst: '192.0.2.18', srcPort: 40000, dstPort: 1232, payload: body });
  const p = new Uint8Array(plain.length + opts.length);
  p.set(plain.subarray(0, 20));
  p.set(opts, 20);
  p.set(plain.subarray(20), 20 + opts.length);
  p[0] = 0x40 | ((20 + opts.length) / 4);
  p[2] = p.length >> 8;
  p[3] = p.length & 0xff;
  p[4] = ((o.id ?? 0x1234) >> 8) & 0xff;
  p[5] = (o.id ?? 0x1234) & 0xff;
  p[6] = o.df ? 0x40 : 0;
  if (o.protocol !== undefined) p[9] = o.protocol;
  return setHeaderSum(p);
}

const ihlOf = (f: Uint8Array) => (f[0] & 0x0f) * 4;
const offsetOf = (f: Uint8Array) => (((f[6] << 8) | f[7]) & 0x1fff) * 8;
const moreOf = (f: Uint8Array) => (f[6] & 0x20) !== 0;
const totalOf = (f: Uint8Array) => (f[2] << 8) | f[3];

/** The data of a packet rebuilt from fragments by hand: each fragment's data placed at its offset. */
function dataFrom(frags: readonly Uint8Array[]): Uint8Array {
  const last = frags.find((f) => !moreOf(f))!;
  const out = new Uint8Array(offsetOf(last) + totalOf(last) - ihlOf(last));
  for (const f of frags) out.set(f.subarray(ihlOf(f), totalOf(f)), offsetOf(f));
  return out;
}

/** Every fragment within the MTU, a good header sum, the original's addresses, protocol and Identification, 8-octet data but the last. */
function checkFragments(p: Uint8Array, frags: readonly Uint8Array[], mtu: number): void {
  frags.forEach((f, i) => {
    expect(f.length, `fragment ${i} within MTU ${mtu}`).toBeLessThanOrEqual(mtu);
    expect(totalOf(f)).toBe(f.length);
    expect(headerSumOk(f), `fragment ${i} header checksum`).toBe(true);
    expect(offsetOf(f) % 8).toBe(0);
    expect(moreOf(f)).toBe(i < frags.length - 1);
    if (i < frags.length - 1) expect((f.length - ihlOf(f)) % 8, `fragment ${i} data a multiple of 8`).toBe(0);
    expect([...f.subarray(4, 6), f[9], ...f.subarray(12, 20)]).toEqual([...p.subarray(4, 6), p[9], ...p.subarray(12, 20)]);
    expect(f[6] & 0x40, 'DF clear').toBe(0);
  });
  expect(dataFrom(frags)).toEqual(p.subarray(ihlOf(p)));
}

test.describe('IPv4 fragmentation to the uplink MTU (RFC 791 §3.2)', () => {
  // sizes around the boundary, from the arithmetic: data per fragment floor((MTU - 20) / 8) * 8
  const cases: { size: number; mtu: number; lengths: number[] }[] = [
    { size: 1500, mtu: 1500, lengths: [1500] },
    { size: 1501, mtu: 1500, lengths: [1500, 20 + 1] }, // 1481 data: 1480 + 1
    { size: 1550, mtu: 1500, lengths: [1500, 20 + 50] }, // a full-size frame's L2TPv3 datagram: 1530 data = 1480 + 50
    { size: 3000, mtu: 1500, lengths: [1500, 1500, 20 + 20] }, // 2980 = 1480 + 1480 + 20
    { size: 3000, mtu: 1006, lengths: [1004, 1004, 1004, 20 + 28] }, // 986 rounds down to 984: 2980 = 3 * 984 + 28
    { size: 1500, mtu: 576, lengths: [572, 572, 20 + 376] }, // 556 rounds down to 552: 1480 = 552 + 552 + 376
  ];
  for (const c of cases) {
    test(`${c.size} octets at MTU ${c.mtu}: ${c.lengths.length} fragment(s) of ${c.lengths.join(' + ')}`, () => {
      const p = packetOf(c.size);
      const frags = fragmentIpv4(p, c.mtu);
      expect(frags.map((f) => f.length)).toEqual(c.lengths);
      if (c.lengths.length === 1) expect(frags[0], 'a packet that fits leaves unchanged').toBe(p);
      else checkFragments(p, frags, c.mtu);
    });
  }

  test('DF set and too big is refused as "fragmentation needed"; an MTU below 68 is refused', () => {
    const df = packetOf(1550, { df: true });
    expect(dontFragment(df)).toBe(true);
    expect(() => fragmentIpv4(df, 1500)).toThrow(/fragmentation needed/);
    expect(fragmentIpv4(packetOf(1500, { df: true }), 1500), 'DF set but fits').toHaveLength(1);
    expect(() => fragmentIpv4(packetOf(1550), 67)).toThrow(FragmentError);
    expect(() => fragmentIpv4(new Uint8Array([0x60, 0, 0, 0]), 1500)).toThrow(/not an IPv4 packet/);
  });

  test('options: the first fragment carries all, later ones only those with the copy flag, padded to 4 octets', () => {
    // Router Alert (type 0x94: copied, RFC 2113) then Record Route (type 7: not copied), End of list
    const options = [0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0];
    const p = packetOf(1550, { options });
    expect(ihlOf(p)).toBe(32);
    const frags = fragmentIpv4(p, 1500);
    // first: 32 + floor(1468 / 8) * 8 = 32 + 1464; then 24-octet headers: 1518 data - 1464 = 54
    expect(frags.map((f) => f.length)).toEqual([1496, 24 + 54]);
    expect([...frags[0].subarray(20, 32)]).toEqual(options);
    expect(ihlOf(frags[1])).toBe(24);
    expect([...frags[1].subarray(20, 24)]).toEqual([0x94, 4, 0, 0]);
    checkFragments(p, frags, 1500);
    expect(new Ipv4Reassembler().add(frags[1], 0).kind).toBe('held');
  });

  test('a fragment is fragmented again: offsets continue from its own, the last keeps its MF', () => {
    const p = packetOf(3000);
    const [first, second] = fragmentIpv4(p, 1500); // data [0, 1480) and [1480, 2960), both MF
    const again = fragmentIpv4(second, 576);
    expect(again.map(offsetOf)).toEqual([1480, 1480 + 552, 1480 + 1104]);
    expect(again.map(moreOf)).toEqual([true, true, true]);
    const third = fragmentIpv4(p, 1500)[2];
    const r = new Ipv4Reassembler();
    expect([third, ...again].map((f) => r.add(f, 0).kind)).toEqual(['held', 'held', 'held', 'held']);
    expect(r.add(first, 0)).toEqual({ kind: 'complete', packet: p });
  });

  test('Wireshark reassembles our fragments into the original UDP datagram, checksums good, no warnings', () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const p = packetOf(3000, { id: 0xbeef });
    const frags = fragmentIpv4(p, 1006);
    expect(frags).toHaveLength(4);
    const dir = mkdtempSync(path.join(tmpdir(), 'ipv4-frag-'));
    try {
      const file = path.join(dir, 'frags.pcap');
      // out of order on purpose: tshark reassembles by offset
      const order = [1, 0, 3, 2];
      const frames = order.map((n, i) => ({ timestampUs: 1_000_000 + i, data: buildEthernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', etherType: ETHERTYPE.IPV4, payload: frags[n] }) }));
      writeFileSync(file, writePcap(frames, LINKTYPE.ETHERNET));
      const prefs = ['udp.check_checksum:TRUE', 'ip.check_checksum:TRUE'];
      const rows = tsharkFields(file, ['ip.checksum.status', 'ip.fragment.count', 'ip.reassembled.length', 'udp.length', 'udp.checksum.status', 'udp.payload'], { prefs });
      for (const [n, row] of rows) expect(row.get('ip.checksum.status'), `frame ${n} IPv4 header checksum good`).toEqual(['1']);
      const last = rows.get(4);
      expect(last?.get('ip.fragment.count')).toEqual(['4']);
      expect(last?.get('ip.reassembled.length')).toEqual([String(p.length - 20)]);
      expect(last?.get('udp.length')).toEqual([String(p.length - 20)]);
      expect(last?.get('udp.checksum.status'), 'UDP checksum over the reassembled datagram: good').toEqual(['1']);
      expect(last?.get('udp.payload')).toEqual([Buffer.from(p.subarray(28)).toString('hex')]);
      expect(tsharkMatching(file, '_ws.expert.severity >= 4194304', prefs), 'tshark expert warnings').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test.describe('IPv4 reassembly table (RFC 791 §3.2, RFC 815)', () => {
  const p = packetOf(4000);
  const frags = fragmentIpv4(p, 1500); // data 3980 = 1480 + 1480 + 1020

  test('a whole packet passes through unchanged; fragments in order, reversed and interleaved come back whole', () => {
    const r = new Ipv4Reassembler();
    const small = packetOf(100);
    expect(r.add(small, 0)).toEqual({ kind: 'complete', packet: small });
    expect((r.add(small, 0) as { packet: Uint8Array }).packet).toBe(small);
    expect(frags).toHaveLength(3);
    expect(frags.slice(0, -1).map((f) => r.add(f, 0).kind)).toEqual(['held', 'held']);
    expect(r.add(frags[2], 0)).toEqual({ kind: 'complete', packet: p });
    // same Identification, another source: another datagram; same source, another protocol: another too
    const other = fragmentIpv4(packetOf(2500, { src: '198.18.0.51' }), 1500);
    const otherProto = fragmentIpv4(packetOf(2500, { protocol: 115 }), 1500);
    const results = [frags[2], other[1], otherProto[1], frags[1], other[0], otherProto[0], frags[0]].map((f) => r.add(f, 10));
    expect(results.map((x) => x.kind)).toEqual(['held', 'held', 'held', 'held', 'complete', 'complete', 'complete']);
    expect(results[4]).toEqual({ kind: 'complete', packet: packetOf(2500, { src: '198.18.0.51' }) });
    expect(results[5]).toEqual({ kind: 'complete', packet: packetOf(2500, { protocol: 115 }) });
    expect(results[6]).toEqual({ kind: 'complete', packet: p });
    expect(r.size).toBe(0);
  });

  test('the reassembled header is the first fragment\'s, MF and offset cleared, checksum redone; captured padding ignored', () => {
    const r = new Ipv4Reassembler();
    const padded = new Uint8Array(frags[2].length + 6);
    padded.set(frags[2]);
    r.add(padded, 0);
    r.add(frags[1], 0);
    const out = r.add(frags[0], 0);
    if (out.kind !== 'complete') throw new Error(JSON.stringify(out));
    expect(headerSumOk(out.packet)).toBe(true);
    expect([offsetOf(out.packet), moreOf(out.packet), totalOf(out.packet)]).toEqual([0, false, 4000]);
  });

  test('an exact duplicate is dropped alone; an overlap abandons the datagram', () => {
    const r = new Ipv4Reassembler();
    r.add(frags[0], 0);
    expect(r.add(frags[0], 0).kind).toBe('held');
    r.add(frags[1], 0);
    expect(r.add(frags[2], 0)).toEqual({ kind: 'complete', packet: p });
    // the second fragment moved 8 octets back: it overlaps the first's data
    const overlapping = Uint8Array.from(frags[1]);
    const field = ((offsetOf(frags[1]) - 8) / 8) | 0x2000;
    overlapping[6] = field >> 8;
    overlapping[7] = field & 0xff;
    setHeaderSum(overlapping);
    r.add(frags[0], 1);
    expect(r.add(overlapping, 1)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/overlaps/) });
    expect(r.size).toBe(0);
    expect(r.add(frags[1], 1).kind).toBe('held');
    expect(r.add(frags[2], 1).kind, 'what remains of that datagram never completes').toBe('held');
  });

  test(`abandoned ${UNDERLAY_FRAGMENT_DEFAULTS.ipv4ReassemblyTimeoutMs / 1000} s after the first fragment, on the injected clock`, () => {
    const r = new Ipv4Reassembler();
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
    const r = new Ipv4Reassembler({ maxDatagrams: 2, maxLength: 3000 });
    const [a, b, c] = ['198.18.0.1', '198.18.0.2', '198.18.0.3'].map((src) => fragmentIpv4(packetOf(2000, { src }), 1500));
    r.add(a[0], 0);
    r.add(b[0], 0);
    r.add(c[0], 0); // evicts a, the oldest
    expect(r.size).toBe(2);
    expect(r.add(a[1], 0).kind, 'a was evicted: its last fragment starts a new entry').toBe('held');
    expect(r.add(c[1], 0).kind).toBe('complete');
    expect(r.add(frags[2], 0)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/3000-octet limit/) });
    const odd = Uint8Array.from(frags[0].subarray(0, 20 + 13));
    odd[2] = 0;
    odd[3] = 33;
    expect(r.add(setHeaderSum(odd), 0)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/not a multiple of 8/) });
    const corrupt = Uint8Array.from(frags[1]);
    corrupt[8] ^= 1; // TTL changed, checksum not
    expect(r.add(corrupt, 0)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/checksum/) });
    const short = Uint8Array.from(frags[1]);
    short[2] = 0xff;
    expect(r.add(setHeaderSum(short), 0)).toMatchObject({ kind: 'dropped', why: expect.stringMatching(/total length 65\d+ with 1500 octets/) });
  });
});
