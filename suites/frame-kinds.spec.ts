// Frame kinds through the pseudowire (RFC 4719: Ethernet frames, no FCS): a broadcast ARP and a
// unicast ICMP echo to the router's bridge address come back through the tunnel, exactly framed;
// and unicast, multicast, broadcast and anycast frames (facts §4.3: L2TPv3 carries them all) from
// the LAN cross to the pseudowire exactly as the bridge oracle decides.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts with the frame
// channel, trace-frame-channel.ts): every data message and LAN frame both ways, in order and in
// time, with the control messages and syslog lines, against the oracle's prediction; the
// assertions are readable summaries (soft, so the verdict is reached and reported even when one fails).
import { test, expect } from './fixtures.ts';
import { BRIDGE_ADDRESS } from '../drivers/dut/lab-config.ts';
import { arpRequest, echoRequest, isArpReplyFrom, isEchoReplyFrom, macText } from './support/traffic.ts';
import { attachOracleComparison } from '../reports/allure/attachments.ts';
import { LearningBridge } from '../reference-impl/bridge/index.ts';
import { buildEthernetFrame, buildIpPacket } from '../reference-impl/capture/ip.ts';
import { hasMarker, markedFrame } from './support/bridge-traffic.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { FrameChannel } from './support/trace-frame-channel.ts';

const PEER = '127.0.0.2';
const HOST = { mac: '02:00:00:00:02:0a', ip: '192.168.100.10' };

test.describe('frame kinds', { tag: '@frames' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('frame-kinds');
  });

  test('broadcast ARP, then unicast ICMP echo to the bridge address: both answered through the tunnel', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    const frames = FrameChannel.add(t);
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await frames.established(p);
    frames.peerFrame(p, arpRequest(HOST.mac, HOST.ip, BRIDGE_ADDRESS));
    const arp = await p.waitFor((e) => (e.kind === 'frame' && isArpReplyFrom(BRIDGE_ADDRESS)(e.frame) ? e.frame : undefined), 5000, 'an ARP reply');
    // ARP reply: 14-octet header + 28-octet ARP (42), or padded to the 60-octet Ethernet minimum
    // (whether the bridge pads is not documented); never a trailing FCS (RFC 4719 §4).
    const framing = { withoutFcs: arp.length === 42 || arp.length === 60, dst: macText(arp.subarray(0, 6)) };
    const ok = await attachOracleComparison({ what: 'ARP reply framing', predicted: { withoutFcs: true, dst: HOST.mac }, observed: framing });
    expect.soft(ok, 'ARP reply framed as predicted').toBe(true);
    const routerMac = macText(arp.subarray(6, 12));
    frames.peerFrame(p, echoRequest(HOST.mac, routerMac, HOST.ip, BRIDGE_ADDRESS));
    const echo = await p.waitFor((e) => (e.kind === 'frame' && isEchoReplyFrom(BRIDGE_ADDRESS)(e.frame) ? e.frame : undefined), 5000, 'an echo reply');
    expect.soft(macText(echo.subarray(0, 6))).toBe(HOST.mac);
    await t.verdict();
  });

  test('unicast (known and unknown), multicast, broadcast and anycast frames from the LAN reach the pseudowire as the bridge oracle decides', async ({ openLab, caps }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], lan: true }));
    const lab = t.lab;
    const frames = FrameChannel.add(t);
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await frames.established(p);
    const oracle = new LearningBridge({
      name: 'bridge1', members: [{ name: 'lan1', kind: 'lan' }, { name: 'tunnel1', kind: 'tunnel' }], establishedTunnels: ['tunnel1'],
      dynamicCapacity: caps.learningTable.dynamic, staticCapacity: caps.learningTable.static,
    });
    const FAR = '02:00:00:00:05:0f'; // a host behind the pseudowire, learned on tunnel1 first
    const LAN = '02:00:00:00:01:0e'; // a host on lan1
    // Learning: one frame from each side, through the router and the oracle alike.
    const fromFar = markedFrame(FAR, 'ff:ff:ff:ff:ff:ff', 'learn-far');
    frames.peerFrame(p, fromFar);
    oracle.forward(fromFar, 'tunnel1', 0);
    await lab.lan!.waitFor((f) => (hasMarker('learn-far')(f) ? true : undefined), 5000, 'the far host\'s frame on lan1');
    const fromLan = markedFrame(LAN, 'ff:ff:ff:ff:ff:ff', 'learn-lan');
    frames.lanFrame(fromLan);
    oracle.forward(fromLan, 'lan1', 0);
    await p.waitFor((e) => (e.kind === 'frame' && hasMarker('learn-lan')(e.frame) ? true : undefined), 5000, 'the LAN host\'s frame at the peer');
    // RFC 4291 §2.6.1: the Subnet-Router anycast address of 2001:db8:1::/64, to an unknown unicast MAC.
    const anycastPayload = new TextEncoder().encode('kind-anycast'.padEnd(24, '.'));
    const anycast = buildEthernetFrame({ src: LAN, dst: '02:00:00:00:06:01', etherType: 0x86dd, payload: buildIpPacket({ src: '2001:db8:1::10', dst: '2001:db8:1::', protocol: 59, payload: anycastPayload }) });
    const kinds = [
      { marker: 'kind-known-unicast', frame: markedFrame(LAN, FAR, 'kind-known-unicast') },
      { marker: 'kind-unknown-unicast', frame: markedFrame(LAN, '02:00:00:00:06:02', 'kind-unknown-unicast') },
      { marker: 'kind-local-unicast', frame: markedFrame('02:00:00:00:01:0d', LAN, 'kind-local-unicast') }, // to a host on its own port
      { marker: 'kind-multicast', frame: markedFrame(LAN, '01:00:5e:00:00:fb', 'kind-multicast') },
      { marker: 'kind-broadcast', frame: markedFrame(LAN, 'ff:ff:ff:ff:ff:ff', 'kind-broadcast') },
      { marker: 'kind-anycast', frame: anycast },
    ];
    const predicted = kinds.filter((k) => oracle.forward(k.frame, 'lan1', 0).egress.includes('tunnel1')).map((k) => k.marker);
    for (const k of kinds) frames.lanFrame(k.frame);
    frames.lanFrame(markedFrame(LAN, 'ff:ff:ff:ff:ff:ff', 'kind-barrier'));
    // One port's frames are bridged in order onto one socket: the barrier comes after all of them.
    await p.waitFor((e) => (e.kind === 'frame' && hasMarker('kind-barrier')(e.frame) ? true : undefined), 5000, 'the barrier at the peer');
    const crossed = kinds.filter((k) => p.events.some((e) => e.kind === 'frame' && hasMarker(k.marker)(e.frame))).map((k) => k.marker);
    expect.soft(crossed).toEqual(predicted);
    expect.soft(predicted).not.toContain('kind-local-unicast'); // the oracle itself: never out of the port the destination is on
    // Nothing flooded back out of its ingress (what reached lan1 by now: the router sent it before the barrier).
    const echoedBack = kinds.filter((k) => lab.lan!.frames.some(hasMarker(k.marker))).map((k) => k.marker);
    expect.soft(echoedBack, 'frames sent back out of lan1, their ingress').toEqual([]);
    // and each crossed frame came out byte for byte (no FCS, tag or padding change)
    for (const k of kinds.filter((x) => crossed.includes(x.marker))) {
      const got = p.events.find((e) => e.kind === 'frame' && hasMarker(k.marker)(e.frame));
      expect.soft(got?.kind === 'frame' ? Buffer.from(got.frame).toString('hex') : '', k.marker).toBe(Buffer.from(k.frame).toString('hex'));
    }
    await t.verdict();
  });
});
