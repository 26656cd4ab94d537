// Frame kinds through the pseudowire (RFC 4719: Ethernet frames, no FCS): a broadcast ARP and a
// unicast ICMP echo to the router's bridge address come back through the tunnel, exactly framed.
import { test, expect } from './fixtures.ts';
import { BRIDGE_ADDRESS } from './support/device-lab.ts';
import { arpRequest, echoRequest, isArpReplyFrom, isEchoReplyFrom, macText } from './support/traffic.ts';
import { attachOracleComparison } from '../reports/allure/attachments.ts';

const PEER = '127.0.0.2';
const HOST = { mac: '02:00:00:00:02:0a', ip: '192.168.100.10' };

test.describe('frame kinds', { tag: '@frames' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('frame-kinds');
  });

  test('broadcast ARP, then unicast ICMP echo to the bridge address: both answered through the tunnel', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    p.sendFrame(arpRequest(HOST.mac, HOST.ip, BRIDGE_ADDRESS));
    const arp = await p.waitFor((e) => (e.kind === 'frame' && isArpReplyFrom(BRIDGE_ADDRESS)(e.frame) ? e.frame : undefined), 5000, 'an ARP reply');
    // ARP reply: 14-octet header + 28-octet ARP (42), or padded to the 60-octet Ethernet minimum
    // (whether the bridge pads is not documented); never a trailing FCS (RFC 4719 §4).
    const framing = { withoutFcs: arp.length === 42 || arp.length === 60, dst: macText(arp.subarray(0, 6)) };
    const ok = await attachOracleComparison({ what: 'ARP reply framing', predicted: { withoutFcs: true, dst: HOST.mac }, observed: framing });
    expect(ok, 'ARP reply framed as predicted').toBe(true);
    const routerMac = macText(arp.subarray(6, 12));
    p.sendFrame(echoRequest(HOST.mac, routerMac, HOST.ip, BRIDGE_ADDRESS));
    const echo = await p.waitFor((e) => (e.kind === 'frame' && isEchoReplyFrom(BRIDGE_ADDRESS)(e.frame) ? e.frame : undefined), 5000, 'an echo reply');
    expect(macText(echo.subarray(0, 6))).toBe(HOST.mac);
  });
});
