// A full-size Ethernet frame (1514 octets without FCS) through the pseudowire, both ways (facts
// §4.3: "the tunnel does not fragment; fragmentation follows the MTU of the interface sending the
// encapsulated packet"; assumption l2tp-inner-df-clear: the L2TPv3 packet is fragmentable). It must
// come out of the far end byte for byte. Where the harness sees the device's WAN (a device behind
// IPIP or MAP-E, issue 19) the carriage is compared too: the underlay oracle
// (reference-impl/underlay/nested-carriage.ts) predicts the 1550-octet L2TPv3 packet as IPv6
// fragments on the IPv6 link (RFC 2473 §7.2(b)) and as IPv4 fragments on the ISP's IPv4 uplink
// (RFC 791), each way; tshark reads both captures (fragment lengths, no expert warning), and the
// peers' own Linux stack fragments and reassembles the IPv4 side. The verdict is also the whole trace.
import { execFileSync } from 'node:child_process';
import { test, expect } from './fixtures.ts';
import { buildEthernetFrame } from '../reference-impl/capture/ip.ts';
import { nestedCarriage } from '../reference-impl/underlay/index.ts';
import { attachOracleComparison } from '../reports/allure/attachments.ts';
import { hasProgram } from '../drivers/hosts/index.ts';
import type { WanCapture } from '../drivers/dut/device-under-test.ts';
import { UNDERLAY_ISP, underlayPeerAddress } from '../drivers/dut/underlay-service.ts';
import { EXPERIMENTAL_ETHERTYPE, hasMarker } from './support/bridge-traffic.ts';
import { deviceControlProfile } from './support/device-profile.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { FrameChannel } from './support/trace-frame-channel.ts';

const PEER = '127.0.0.2';
const LAN_HOST = '02:00:00:00:07:0a';
const FAR_HOST = '02:00:00:00:07:0b';
/** The largest untagged frame without FCS: 14-octet header + 1500-octet payload. */
const FULL_SIZE = 1514;
const WAIT_MS = 5000;
const UNDERLAY_PEER_PREFIX = underlayPeerAddress(0).split('.').slice(0, 3).join('.') + '.';

function fullSizeFrame(src: string, dst: string, marker: string): Uint8Array {
  const payload = new Uint8Array(FULL_SIZE - 14);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + 3) & 0xff;
  payload.set(new TextEncoder().encode(marker), 0);
  return buildEthernetFrame({ src, dst, etherType: EXPERIMENTAL_ETHERTYPE, payload });
}

const hex = (f: Uint8Array | undefined) => (f ? Buffer.from(f).toString('hex') : '(none)');

/** tshark's fields of the frames matching `filter`, one array per frame. */
function tshark(file: string, filter: string, fields: readonly string[]): string[][] {
  const args = ['-r', file, '-Y', filter, '-T', 'fields', '-E', 'occurrence=f'];
  for (const f of fields) args.push('-e', f);
  return execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

/** Fragment lengths per datagram (by Identification) and direction, as tshark reads a capture. */
function fragmentsByDirection(file: string, family: 'ipv6' | 'ipv4', fromDevice: (src: string) => boolean): Record<string, number[][]> {
  const rows = family === 'ipv6'
    ? tshark(file, 'ipv6.fraghdr', ['ipv6.src', 'ipv6.fraghdr.ident', 'ipv6.plen']).map(([src, id, plen]) => ({ src, id, len: Number(plen) + 40 }))
    : tshark(file, 'ip.flags.mf == 1 || ip.frag_offset > 0', ['ip.src', 'ip.id', 'ip.len']).map(([src, id, len]) => ({ src, id, len: Number(len) }));
  const out: Record<string, Map<string, number[]>> = { 'from the device': new Map(), 'toward the device': new Map() };
  for (const r of rows) {
    const m = out[fromDevice(r.src) ? 'from the device' : 'toward the device'];
    m.set(r.id, [...(m.get(r.id) ?? []), r.len]);
  }
  return Object.fromEntries(Object.entries(out).map(([k, m]) => [k, [...m.values()]]));
}

test.describe('frame size', { tag: '@frames' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('frame-kinds');
  });

  test('a full-size frame crosses whole both ways; where the harness sees the WAN, it is carried as the underlay oracle predicts', async ({ openLab, device }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], lan: true }));
    const lab = t.lab;
    const frames = FrameChannel.add(t);
    const canRead = hasProgram('tshark');
    const capture: WanCapture | undefined = lab.dut.captureWan && canRead ? await lab.dut.captureWan(test.info().outputPath('wan')) : undefined;
    if (!capture) test.info().annotations.push({ type: 'note', description: lab.dut.captureWan ? 'tshark is not installed: the WAN carriage is not compared' : 'the harness does not see this device\'s WAN: only the crossing and the trace are compared' });
    let files: Awaited<ReturnType<WanCapture['stop']>> = [];
    let shapes: { fromDevice: { cookieLength: number; l2ss: boolean }; toDevice: { cookieLength: number; l2ss: boolean } } | undefined;
    try {
      await t.startRouter();
      const p = await t.peer(PEER, { role: 'initiator' });
      const layout = await frames.established(p);
      const profile = deviceControlProfile(device);
      // what the device puts on its packets is what the peer asked for; what the peer puts on, the device's profile
      shapes = { fromDevice: { cookieLength: layout.rxCookie.length, l2ss: layout.rxLayout.l2ss === 'default' }, toDevice: { cookieLength: profile.cookieLength, l2ss: profile.l2ssOffered === 1 } };
      // the peer's frame first: the device reads it after the ICCN that completes the session (one
      // socket, in order), so the session is up on the device before the LAN's frame is sent
      const fromPeer = fullSizeFrame(FAR_HOST, LAN_HOST, 'full-size-from-peer');
      frames.peerFrame(p, fromPeer);
      const atLan = await lab.lan!.waitFor((f) => (hasMarker('full-size-from-peer')(f) ? f : undefined), WAIT_MS, 'the full-size frame on lan1');
      expect.soft(hex(atLan), 'pseudowire to LAN, byte for byte').toBe(hex(fromPeer));
      const fromLan = fullSizeFrame(LAN_HOST, FAR_HOST, 'full-size-from-lan');
      frames.lanFrame(fromLan);
      const atPeer = await p.waitFor((e) => (e.kind === 'frame' && hasMarker('full-size-from-lan')(e.frame) ? e.frame : undefined), WAIT_MS, 'the full-size frame at the peer');
      expect.soft(hex(atPeer), 'LAN to pseudowire, byte for byte').toBe(hex(fromLan));
      await t.verdict();
    } finally {
      // the captures are evidence whatever happened
      if (capture) files = await capture.stop();
      for (const f of files) await test.info().attach(`${f.link}.pcap`, { path: f.file, contentType: 'application/vnd.tcpdump.pcap' });
    }
    if (!capture || !shapes) return;
    const file = (link: string) => files.find((f) => f.link === link)!.file;
    const out = nestedCarriage({ frameLength: FULL_SIZE, ...shapes.fromDevice });
    const back = nestedCarriage({ frameLength: FULL_SIZE, ...shapes.toDevice });
    const predicted = {
      'IPv6 link': { 'from the device': [out.ipv6Link.lengths], 'toward the device': [back.ipv6Link.lengths] },
      'IPv4 uplink': { 'from the device': [out.ipv4Uplink.lengths], 'toward the device': [back.ipv4Uplink.lengths] },
      'expert warnings': 0,
    };
    // the relay is the device's only neighbour on the IPv6 link; on the uplink the peers have their own prefix
    const fromDevice6 = (src: string) => src !== UNDERLAY_ISP.relay6;
    const fromDevice4 = (src: string) => !src.startsWith(UNDERLAY_PEER_PREFIX);
    const observed = {
      'IPv6 link': fragmentsByDirection(file('ipv6-link'), 'ipv6', fromDevice6),
      'IPv4 uplink': fragmentsByDirection(file('ipv4-uplink'), 'ipv4', fromDevice4),
      'expert warnings': files.reduce((n, f) => n + tshark(f.file, '_ws.expert.severity >= 4194304', ['frame.number']).length, 0),
    };
    expect(await attachOracleComparison({ what: 'full-size frame on the WAN (fragment lengths per datagram)', predicted, observed }), 'the WAN carries the full-size frame as the underlay oracle predicts').toBe(true);
  });
});
