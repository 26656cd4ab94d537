// Issue 7 point 3: the peer as initiator and as responder brings up a session with the emulated
// router (its own process, over loopback UDP, IPv4 and IPv6) and carries ARP and ICMP to the
// router's bridge address (`ip bridge1 address`) through a pseudowire traffic port.
import { test, expect } from '@playwright/test';
import { PseudowirePort } from '../../../drivers/peer/pseudowire.ts';
import type { PeerTunnel } from '../../../drivers/peer/peer-tunnel.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { openPeerLab, V6 } from './helpers/open-lab.ts';
import { BRIDGE_ADDRESS } from '../../../drivers/dut/lab-config.ts';
import { arpRequest, echoRequest, isArpReplyFrom, isEchoReplyFrom, macText, TrafficHost } from './helpers/traffic.ts';
import { distinctMessages } from './helpers/distinct-messages.ts';

const FAR_HOST = { mac: '02:00:00:00:02:22', ip: '192.168.100.22' };
const PASSWORD = 'peer-lab-password'; // a throwaway lab secret

/** ARP for the bridge address, then ping it, from a host behind the peer's pseudowire. */
async function arpAndPing(peer: PeerTunnel): Promise<void> {
  const host = await TrafficHost.open();
  const pw = await PseudowirePort.open(peer, { host: '127.0.0.1', port: 0 }, host.endpoint);
  host.connect(pw.local);
  try {
    host.send(arpRequest(FAR_HOST.mac, FAR_HOST.ip, BRIDGE_ADDRESS));
    const reply = await host.next(isArpReplyFrom(BRIDGE_ADDRESS), 5000, 'ARP reply from the bridge address');
    // RFC 826: the reply goes back to the asker, with the router's MAC as sender hardware address.
    expect(macText(reply.subarray(0, 6))).toBe(FAR_HOST.mac);
    expect([...reply.subarray(38, 42)].join('.')).toBe(FAR_HOST.ip);
    const routerMac = macText(reply.subarray(22, 28));
    host.send(echoRequest(FAR_HOST.mac, routerMac, FAR_HOST.ip, BRIDGE_ADDRESS));
    const pong = await host.next(isEchoReplyFrom(BRIDGE_ADDRESS), 5000, 'ICMP echo reply from the bridge address');
    expect([...pong.subarray(30, 34)].join('.')).toBe(FAR_HOST.ip);
    expect(pw.dropped).toBe(0);
  } finally {
    pw.close();
    host.close();
  }
}

for (const auth of [false, true]) {
  test(`peer as initiator${auth ? ' with tunnel auth (challenge)' : ''}: session up, ARP and ping of the bridge address`, async () => {
    const lab = await openPeerLab({ tunnels: [{ n: 1, peer: '127.0.0.2', password: auth ? PASSWORD : undefined }] });
    try {
      await lab.startRouter();
      const peer = await lab.peer('127.0.0.2', { role: 'initiator', auth: auth ? { password: PASSWORD, method: 'challenge' } : undefined });
      const layout = await peer.established();
      // The router logs what RFC 3931 and the seed catalogue say: connected from us, tunnel and session up.
      await lab.syslog.waitFor(renderSyslog('connectedFrom', { tunnel: 1, address: '127.0.0.2' }));
      await lab.syslog.waitFor(renderSyslog('tunnelEstablished', { tunnel: 1, tunnelId: peer.remoteCcid! }));
      await lab.syslog.waitFor(renderSyslog('sessionEstablished', { tunnel: 1, sessionId: layout.remoteSessionId }));
      expect(distinctMessages(peer.received('SCCRP')), 'one SCCRP, however often it was retransmitted').toBe(1);
      expect(distinctMessages(peer.received('ICRP')), 'one ICRP, however often it was retransmitted').toBe(1);
      await arpAndPing(peer);
      expect(peer.errors).toEqual([]);
    } finally {
      await lab.close(test.info());
    }
  });
}

test('peer as responder: the router dials (always-on), session up, ARP and ping of the bridge address', async () => {
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: '127.0.0.2', alwaysOn: true }] });
  try {
    const peer = await lab.peer('127.0.0.2', { role: 'responder' });
    await lab.startRouter();
    const layout = await peer.established();
    await lab.syslog.waitFor(renderSyslog('connectTo', { tunnel: 1, address: '127.0.0.2' }));
    // The router initiated: it sent the SCCRQ and the ICRQ, we answered.
    expect(peer.received('SCCRQ').length).toBeGreaterThanOrEqual(1);
    expect(distinctMessages(peer.received('ICRQ')), 'one ICRQ, however often it was retransmitted').toBe(1);
    expect(peer.events.some((e) => e.kind === 'sent' && e.name === 'ICRP')).toBe(true);
    expect(layout.remoteSessionId).toBeGreaterThan(0);
    await arpAndPing(peer);
  } finally {
    await lab.close(test.info());
  }
});

test('IPv6 underlay: peer as initiator over [::1], session up, ARP and ping of the bridge address', async () => {
  const lab = await openPeerLab({ ipv6: true, tunnels: [{ n: 1, peer: V6.peer }] });
  try {
    // Bound first (its port goes into the router's underlay), dials once the router is up.
    const peer = await lab.peer(V6.peer, { role: 'responder' });
    await lab.startRouter();
    peer.connect();
    await peer.established();
    await lab.syslog.waitFor(renderSyslog('connectedFrom', { tunnel: 1, address: V6.peer }));
    await arpAndPing(peer);
  } finally {
    await lab.close(test.info());
  }
});
