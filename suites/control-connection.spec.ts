// Control connection and sessions (RFC 3931 §3.3, §3.4): bring-up both ways, teardown by StopCCN,
// the Host Name AVP carrying `l2tp hostname`. Expected lines from the syslog catalogue.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): every control
// message the device sent the peer, with every AVP, and every syslog line, in order and in time,
// against the oracle's prediction for the same stimulus; the assertions above it are summaries.
import { test, expect } from './fixtures.ts';
import { avpValue } from '../drivers/peer/raw-message.ts';
import { AVP } from '../reference-impl/l2tpv3/avp-types.ts';
import { deviceCcid, deviceSessionId } from './support/ids.ts';
import { LAB_HOSTNAME } from '../drivers/dut/lab-config.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { TracedLab } from './support/trace-verdict.ts';

const PEER = '127.0.0.2';
const T = { tunnel: 1 };

test.describe('control connection and sessions', { tag: '@control' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('control-connection');
  });

  test('peer dials: tunnel and session come up, then a StopCCN tears both down', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    const lab = t.lab;
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    await expectSyslog(lab, 'connectedFrom', { ...T, address: lab.peerAddress(PEER) });
    await expectSyslog(lab, 'tunnelEstablished', { ...T, tunnelId: deviceCcid(p) });
    const sid = deviceSessionId(p);
    await expectSyslog(lab, 'sessionEstablished', { ...T, sessionId: sid });
    t.disconnect(p);
    await expectSyslog(lab, 'sessionDisconnectComplete', { ...T, sessionId: sid });
    await expectSyslog(lab, 'tunnelDisconnectComplete', { ...T, tunnelId: deviceCcid(p) });
    await t.verdict();
  });

  test('always-on: the router dials the listening peer', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, alwaysOn: true }] }));
    const lab = t.lab;
    const p = await t.peer(PEER, { role: 'responder' });
    await t.startRouter();
    await expectSyslog(lab, 'connectTo', { ...T, address: lab.peerAddress(PEER) });
    await p.established();
    expect(p.errors).toEqual([]);
    await t.verdict();
  });

  test('the Host Name AVP of the SCCRP is the configured l2tp hostname', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    const sccrp = await p.waitFor((e) => (e.kind === 'received' && e.name === 'SCCRP' ? e : undefined), 5000, 'an SCCRP');
    const host = avpValue(sccrp.bytes, AVP.HostName);
    expect(host && new TextDecoder().decode(host)).toBe(LAB_HOSTNAME);
    await t.verdict();
  });
});
