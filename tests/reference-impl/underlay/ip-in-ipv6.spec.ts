// IPv4-in-IPv6 (RFC 2473) as the IPIP and MAP-E underlays carry L2TPv3: packets the oracle builds
// for a MAP-E CE (RFC 7597 example addresses, the L2TPv3 source port moved into the port set) are
// read by Wireshark's dissectors, independently of our codec, layer by layer (IPv6 -> IPv4 -> UDP
// -> L2TPv3 -> Ethernet -> IPv4 -> ICMP) with every field where we put it and no expert warning.
// The tunnel-entry arithmetic (RFC 2473 §6.7, §7.2; RFC 8200 §4.5 fragment sizes) is held to the
// numbers the RFCs give, not to the code.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildEthernetFrame, buildIpPacket, buildUdpPacket, ETHERTYPE, internetChecksum, IP_PROTOCOL, LINKTYPE, writePcap,
} from '../../../reference-impl/capture/index.ts';
import { encodeDataMessage } from '../../../reference-impl/l2tpv3/index.ts';
import {
  decapsulateIpv4, encapsulateIpv4, l2tpSourcePort, mapECe, tunnelEntry, tunnelMtu, type MapERule,
} from '../../../reference-impl/underlay/index.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';

const RULE: MapERule = { ipv6Prefix: '2001:db8::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:ffff::1' };
const PEER_V4 = '198.51.100.7';

function icmpEcho(src: string, dst: string, seq: number): Uint8Array {
  const icmp = new Uint8Array(8 + 32);
  icmp[0] = 8; // echo request
  icmp[6] = seq >> 8;
  icmp[7] = seq & 0xff;
  for (let i = 8; i < icmp.length; i++) icmp[i] = i;
  const c = internetChecksum(icmp);
  icmp[2] = c >> 8;
  icmp[3] = c & 0xff;
  return buildIpPacket({ src, dst, protocol: IP_PROTOCOL.ICMP, payload: icmp });
}

test.describe('IPv4 in IPv6 (RFC 2473) carrying L2TPv3', () => {
  test('a MAP-E CE\'s L2TPv3 data packet decodes in tshark at every layer, with the port-set source port', () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const ce = mapECe(RULE, '2001:db8:0012:3400::/56');
    const srcPort = l2tpSourcePort(ce);
    const lanFrame = buildEthernetFrame({ src: '02:00:00:00:0a:01', dst: '02:00:00:00:0b:01', etherType: ETHERTYPE.IPV4, payload: icmpEcho('192.168.100.10', '192.168.100.20', 7) });
    const l2tp = encodeDataMessage({ sessionId: 0x1234abcd, cookie: Uint8Array.of(1, 2, 3, 4), l2ss: null, payload: lanFrame });
    const inner = buildUdpPacket({ src: ce.ipv4, dst: PEER_V4, srcPort, dstPort: 1701, payload: l2tp });
    const outer = encapsulateIpv4({ src: ce.ceIpv6, dst: ce.brIpv6 }, inner);
    const wire = buildEthernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', etherType: ETHERTYPE.IPV6, payload: outer });
    const dir = mkdtempSync(path.join(tmpdir(), 'underlay-'));
    try {
      const file = path.join(dir, 'map-e.pcap');
      writeFileSync(file, writePcap([{ timestampUs: 1_000_000, data: wire }], LINKTYPE.ETHERNET));
      const prefs = ['l2tp.cookie_size:cookie4', 'l2tp.l2_specific:None'];
      const f = tsharkFields(file, ['frame.protocols', 'ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'l2tp.sid', 'l2tp.cookie', 'eth.src', 'icmp.type', 'icmp.checksum.status', 'ip.checksum.status', 'udp.checksum.status'], {
        prefs: [...prefs, 'ip.check_checksum:TRUE', 'udp.check_checksum:TRUE'], decodeAs: ['udp.port==1701,l2tp', 'l2tp.pw_type==0,eth'],
      }).get(1);
      // A lone data message (no ICRQ in the capture to give the pseudowire type): decode-as says
      // Ethernet; tshark's Ethernet-without-FCS dissector lists itself as `ethertype` there.
      expect(f?.get('frame.protocols')).toEqual(['eth:ethertype:ipv6:ip:udp:l2tp:ethertype:ip:icmp:data']);
      expect(f?.get('ipv6.src')).toEqual(['2001:db8:12:3400:0:c000:212:34']);
      expect(f?.get('ipv6.dst')).toEqual(['2001:db8:ffff::1']);
      expect(f?.get('ipv6.nxt')).toEqual(['4']);
      expect(f?.get('ip.src')).toEqual(['192.0.2.18', '192.168.100.10']);
      expect(f?.get('ip.dst')).toEqual([PEER_V4, '192.168.100.20']);
      expect(f?.get('udp.srcport')).toEqual(['1232']);
      expect(f?.get('udp.dstport')).toEqual(['1701']);
      expect(f?.get('l2tp.sid')).toEqual(['0x1234abcd']);
      expect(f?.get('l2tp.cookie')?.[0]?.replace(/:/g, '')).toBe('01020304');
      expect(f?.get('eth.src')).toEqual(['02:00:00:00:00:01', '02:00:00:00:0a:01']);
      expect(f?.get('icmp.type')).toEqual(['8']);
      // Wireshark's checksum status: 0 bad, 1 good, 2 unverified
      expect(f?.get('ip.checksum.status')).toEqual(['1', '1']);
      expect(f?.get('udp.checksum.status')).toEqual(['1']);
      expect(f?.get('icmp.checksum.status')).toEqual(['1']);
      expect(tsharkMatching(file, '_ws.expert.severity >= 4194304', [...prefs, 'ip.check_checksum:TRUE', 'udp.check_checksum:TRUE']), 'tshark expert warnings or errors').toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('decapsulation returns the inner IPv4 packet and names what is wrong with a bad one', () => {
    const inner = icmpEcho('192.0.2.18', PEER_V4, 1);
    const outer = encapsulateIpv4({ src: '2001:db8::1', dst: '2001:db8::2', hopLimit: 9 }, inner);
    expect(outer[7]).toBe(9);
    const d = decapsulateIpv4(outer);
    expect(d).toEqual({ ok: true, src: '2001:db8::1', dst: '2001:db8::2', inner });
    const wrongNext = Uint8Array.from(outer);
    wrongNext[6] = 41;
    expect(decapsulateIpv4(wrongNext)).toEqual({ ok: false, offset: 6, why: 'Next Header 41, not 4 (IPv4)' });
    expect(decapsulateIpv4(outer.subarray(0, 30))).toEqual({ ok: false, offset: 0, why: 'IPv6 header cut short (30 of 40 octets)' });
    expect(decapsulateIpv4(outer.subarray(0, 50))).toMatchObject({ ok: false, offset: 4 });
    expect(() => encapsulateIpv4({ src: '2001:db8::1', dst: '2001:db8::2' }, outer)).toThrow(/not IPv4/);
  });

  test('decapsulation takes IPv4 behind Destination Options headers (RFC 2473 §3.2/§3.3), as Linux ip6tnl sends it; refuses what RFC 8200 §4.2 says to discard', () => {
    const inner = icmpEcho('192.0.2.18', PEER_V4, 1);
    const plain = encapsulateIpv4({ src: '2001:db8::1', dst: '2001:db8::2' }, inner);
    // the outer header with Next Header 60 and a Destination Options header in front of `inner`
    const withOptions = (options: number[], next = 4): Uint8Array => {
      const hdr = [next, (2 + options.length) / 8 - 1, ...options];
      const out = new Uint8Array(40 + hdr.length + inner.length);
      out.set(plain.subarray(0, 40));
      out[4] = (hdr.length + inner.length) >> 8;
      out[5] = (hdr.length + inner.length) & 0xff;
      out[6] = 60;
      out.set(hdr, 40);
      out.set(inner, 40 + hdr.length);
      return out;
    };
    // Linux ip6tnl's default: Tunnel Encapsulation Limit (type 4, length 1, limit 4) then PadN (type 1, length 1)
    const tel = withOptions([4, 1, 4, 1, 1, 0]);
    expect(decapsulateIpv4(tel)).toEqual({ ok: true, src: '2001:db8::1', dst: '2001:db8::2', inner });
    // Pad1 options, and an unknown option whose type's high bits are 00 (skip)
    expect(decapsulateIpv4(withOptions([0, 0, 0x1e, 2, 9, 9]))).toMatchObject({ ok: true, inner });
    // an unknown option whose type says discard (high bits 01)
    expect(decapsulateIpv4(withOptions([0x5e, 2, 9, 9, 1, 0]))).toEqual({ ok: false, offset: 42, why: 'unknown Destination Option 94 whose type says discard (RFC 8200 §4.2)' });
    // an option longer than its header, and a header longer than the packet
    expect(decapsulateIpv4(withOptions([4, 9, 4, 1, 1, 0]))).toEqual({ ok: false, offset: 42, why: 'option 4 overruns its Destination Options header' });
    const long = withOptions([4, 1, 4, 1, 1, 0]);
    long[41] = 200; // claims (200 + 1) x 8 octets
    expect(decapsulateIpv4(long)).toEqual({ ok: false, offset: 40, why: `Destination Options header of 1608 octets with ${8 + inner.length} present` });
    // behind the options, something other than IPv4: named at the options header's Next Header
    expect(decapsulateIpv4(withOptions([4, 1, 4, 1, 1, 0], 41))).toEqual({ ok: false, offset: 40, why: 'Next Header 41, not 4 (IPv4)' });
  });

  test('tunnel entry: a 1500-octet link leaves 1460; bigger packets are fragmented in 8-octet units or refused with DF', () => {
    expect(tunnelMtu(1500)).toBe(1460);
    expect(tunnelEntry(1460, true, 1500)).toEqual({ kind: 'sent', outerLength: 1500 });
    expect(tunnelEntry(1461, true, 1500)).toEqual({ kind: 'frag-needed', mtu: 1460 });
    // A full-size LAN frame (1514 octets without FCS) in L2TPv3 over UDP/IPv4 with a 4-octet
    // cookie: 20 (IPv4) + 8 (UDP) + 4 (UDP-mode header) + 4 (session ID) + 4 (cookie) + 1514 = 1554.
    // RFC 2473 §7.2(b): encapsulated whole, then IPv6-fragmented; per fragment 40 (IPv6) + 8
    // (Fragment header) + floor((1500 - 48) / 8) * 8 = 1448 octets of the IPv4 packet:
    // 1554 -> 1448 + 106, i.e. IPv6 fragments of 1496 and 154 octets.
    expect(tunnelEntry(1554, false, 1500)).toEqual({ kind: 'fragmented', fragments: 2, fragmentLengths: [1496, 154] });
  });
});
