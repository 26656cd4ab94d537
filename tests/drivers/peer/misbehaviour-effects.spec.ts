// The misbehaviours that leave no syslog line, shown by their effect: lossy/duplicating/
// reordering delivery and an ignorable unknown AVP still bring the session up (RFC 3931 §4.2,
// §5.2); data for an unknown Session ID is not bridged; and peer against peer (both on the
// oracle): digest authentication, a wrong digest, cookies with the L2-Specific Sublayer, a wrong
// cookie. The pcap of a bring-up decodes cleanly in Wireshark's dissector.
import { test, expect } from '@playwright/test';
import { Conversation } from '../../../drivers/peer/conversation.ts';
import { misbehave } from '../../../drivers/peer/misbehaviours.ts';
import { PeerTunnel, type PeerTunnelOptions } from '../../../drivers/peer/peer-tunnel.ts';
import { PseudowirePort } from '../../../drivers/peer/pseudowire.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { tsharkMissing, tsharkFields } from '../../support/tshark.ts';
import { openPeerLab } from './helpers/open-lab.ts';
import { BRIDGE_ADDRESS } from '../../../drivers/dut/lab-config.ts';
import { freeUdpPort } from '../../../drivers/dut/router-process.ts';
import { arpRequest, isArpReplyFrom, TrafficHost } from './helpers/traffic.ts';

const PEER = '127.0.0.2';
const SECRET = 'peer-to-peer-secret'; // throwaway lab secret

test('duplicated, reordered and dropped control messages plus an unknown optional AVP: the session still comes up and carries ARP', async () => {
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: PEER }] });
  try {
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' }, ['duplicate', 'reorder', 'drop=2', 'unknown-avp-optional=SCCRQ,ICRQ']);
    const layout = await p.established(15_000);
    await lab.syslog.waitFor(renderSyslog('sessionEstablished', { tunnel: 1, sessionId: layout.remoteSessionId }));
    // Our second message was lost once: reliable delivery sent it again (same Ns).
    const sent = p.events.filter((e) => e.kind === 'sent');
    expect(sent.length).toBeGreaterThan(new Set(sent.map((e) => `${e.name}/${e.ns}`)).size);
    // No line of the catalogue that means "refused" was logged.
    expect(lab.syslog.texts().filter((t) => /AVP attr type illegal|AVPs check error|state mismatch/.test(t))).toEqual([]);
    const host = await TrafficHost.open();
    const pw = await PseudowirePort.open(p, { host: '127.0.0.1', port: 0 }, host.endpoint);
    host.connect(pw.local);
    host.send(arpRequest('02:00:00:00:02:31', '192.168.100.31', BRIDGE_ADDRESS));
    await host.next(isArpReplyFrom(BRIDGE_ADDRESS), 5000, 'ARP reply');
    pw.close();
    host.close();
  } finally {
    await lab.close(test.info());
  }
});

test('data with an unknown Session ID is not bridged; the same request with the right one is answered', async () => {
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: PEER }] });
  try {
    await lab.startRouter();
    const good = await lab.peer(PEER, { role: 'initiator' });
    await good.established();
    const replyTo = (ip: string) => (f: Uint8Array) => isArpReplyFrom(BRIDGE_ADDRESS)(f) && [...f.subarray(38, 42)].join('.') === ip;
    // First an ARP request under a Session ID the router never assigned...
    misbehave(good, 'unknown-session');
    good.sendFrame(arpRequest('02:00:00:00:02:41', '192.168.100.41', BRIDGE_ADDRESS));
    good.dataHooks.length = 0;
    // ...then one with the right Session ID, sent after it from the same socket: its answer comes
    // back and the first one's never does (UDP over loopback keeps order).
    good.sendFrame(arpRequest('02:00:00:00:02:42', '192.168.100.42', BRIDGE_ADDRESS));
    await good.waitFor((e) => (e.kind === 'frame' && replyTo('192.168.100.42')(e.frame) ? true : undefined), 5000, 'ARP reply to .42');
    expect(good.events.filter((e) => e.kind === 'frame' && replyTo('192.168.100.41')(e.frame))).toEqual([]);
  } finally {
    await lab.close(test.info());
  }
});

/** Two peers facing each other on loopback, both on the oracle. */
async function peerPair(a: Partial<PeerTunnelOptions>, b: Partial<PeerTunnelOptions>, misA: string[] = []) {
  const port = await freeUdpPort();
  const conversation = new Conversation();
  const A = new PeerTunnel({ local: { host: '127.0.0.3', port }, device: { host: '127.0.0.4', port }, role: 'initiator', endId: 'pair', conversation, ...a });
  const B = new PeerTunnel({ local: { host: '127.0.0.4', port }, device: { host: '127.0.0.3', port }, role: 'responder', endId: 'pair', conversation, ...b });
  for (const m of misA) misbehave(A, m);
  await B.start();
  await A.start();
  return { A, B, conversation, close: async () => (await A.close({ silent: true }), await B.close({ silent: true })) };
}

test('peer against peer: digest authentication, 8-octet cookies and the Default L2-Specific Sublayer carry a frame both ways', async () => {
  const auth = { password: SECRET, method: 'digest' as const };
  const { A, B, conversation, close } = await peerPair({ auth, cookieLength: 8, l2ss: 1 }, { auth, cookieLength: 4, l2ss: 1 });
  try {
    const [la, lb] = await Promise.all([A.established(), B.established()]);
    expect(la.rxCookie.length).toBe(8);
    expect(la.txCookie).toEqual(lb.rxCookie);
    expect(lb.txLayout.l2ss).toBe('default');
    const frame = Uint8Array.from({ length: 60 }, (_, i) => i);
    A.sendFrame(frame);
    expect(await B.waitFor((e) => (e.kind === 'frame' ? e.frame : undefined), 3000, 'a frame')).toEqual(frame);
    B.sendFrame(frame.slice().reverse());
    expect(await A.waitFor((e) => (e.kind === 'frame' ? e.frame : undefined), 3000, 'a frame')).toEqual(frame.slice().reverse());
    // Every control message carried a Message Digest (3931 §4.3): none was sent without one.
    for (const e of [...A.events, ...B.events]) if (e.kind === 'sent') expect(e.bytes.length).toBeGreaterThan(12);
  } finally {
    await close();
  }
  const file = test.info().outputPath('digest-pair.pcap');
  conversation.writePcap(file);
  await test.info().attach('digest-pair.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
});

test('peer against peer: a wrong Message Digest is an authentication error; a wrong cookie is dropped', async () => {
  const auth = { password: SECRET, method: 'digest' as const };
  const bad = await peerPair({ auth }, { auth }, ['wrong-auth-response']);
  try {
    await bad.B.waitFor((e) => (e.kind === 'log' && e.text.includes('authentication error') ? e.text : undefined), 5000, 'an authentication error');
    expect(bad.B.state).not.toBe('established');
  } finally {
    await bad.close();
  }
  const c = await peerPair({ cookieLength: 4 }, { cookieLength: 4 }, ['wrong-cookie']);
  try {
    await Promise.all([c.A.established(), c.B.established()]);
    c.A.sendFrame(new Uint8Array(60));
    expect(await c.B.waitFor((e) => (e.kind === 'dataDropped' ? e.why : undefined), 3000, 'a dropped data message')).toBe('wrong cookie');
    expect(c.B.events.some((e) => e.kind === 'frame')).toBe(false);
  } finally {
    await c.close();
  }
});

test('the conversation pcap of a bring-up decodes in tshark without malformed packets or bad digests', async () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: PEER }] });
  let file = '';
  try {
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    p.sendFrame(arpRequest('02:00:00:00:02:51', '192.168.100.51', BRIDGE_ADDRESS));
    await p.waitFor((e) => (e.kind === 'frame' ? true : undefined), 5000, 'the ARP reply');
  } finally {
    await lab.close(test.info());
    file = test.info().outputPath('peer-conversation.pcap');
  }
  const decodeAs = [`udp.port==${lab.port},l2tp`];
  const prefs = ['l2tp.cookie_size:0', 'l2tp.l2_specific:None'];
  const types = [...tsharkFields(file, ['l2tp.avp.message_type'], { decodeAs, prefs }).values()].flatMap((f) => f.get('l2tp.avp.message_type') ?? []).map(Number);
  for (const t of [1, 2, 3, 10, 11, 12]) expect(types).toContain(t);
  const flagged = tsharkFields(file, ['_ws.col.Info'], { decodeAs, prefs, filter: '_ws.malformed || l2tp.avp_length.bad || _ws.expert.severity >= "Warning"' });
  expect([...flagged.values()].map((f) => f.get('_ws.col.Info'))).toEqual([]);
});
