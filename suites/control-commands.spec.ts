// Operator commands on the control connection (CR: `connect tunnel N`, `disconnect tunnel N`),
// driven over the router's CLI as an operator would: connect dials a tunnel without always-on;
// disconnect tears it down with a StopCCN the peer sees (RFC 3931 §3.3), not a silent local drop.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): the command is a
// stimulus step the oracle plays too, its CLI answer a `cli` event the oracle predicts, and every
// control message and syslog line that follows is judged; the assertions are summaries.
import { test, expect } from './fixtures.ts';
import { deviceCcid } from './support/ids.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { cliLoginLines } from '../drivers/dut/router-cli.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { avpValue } from '../drivers/peer/raw-message.ts';
import { AVP } from '../reference-impl/l2tpv3/avp-types.ts';
import { deviceControlProfile } from './support/device-profile.ts';

const PEER = '127.0.0.2';
const T = { tunnel: 1 };

test.describe('operator commands on the control connection', { tag: '@control' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('control-connection');
  });

  test('`connect tunnel 1` dials the listening peer of a tunnel without always-on', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, alwaysOn: false }], extra: cliLoginLines() }));
    const lab = t.lab;
    const p = await t.peer(PEER, { role: 'responder' });
    await t.startRouter();
    const cli = await t.cli();
    try {
      await cli.run('connect tunnel 1');
      await expectSyslog(lab, 'connectTo', { ...T, address: lab.peerAddress(PEER) });
      await p.established();
      expect(p.errors).toEqual([]);
    } finally {
      await cli.close();
    }
    await t.verdict();
  });

  test('`disconnect tunnel 1` sends a StopCCN: the peer sees the tunnel closed', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], extra: cliLoginLines() }));
    const lab = t.lab;
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    await expectSyslog(lab, 'tunnelEstablished', { ...T, tunnelId: deviceCcid(p) });
    const cli = await t.cli();
    try {
      await cli.run('disconnect tunnel 1');
      const stop = await p.waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? e : undefined), 5000, 'a StopCCN from the router');
      expect(stop.name).toBe('StopCCN');
      await expectSyslog(lab, 'tunnelDisconnectComplete', { ...T, tunnelId: deviceCcid(p) });
    } finally {
      await cli.close();
    }
    await t.verdict();
  });

  test('always-on after a failure: the peer closes the tunnel and the router dials again after the reconnect delay (trace)', async ({ openLab }) => {
    // The verdict is the whole trace: the StopCCN handling, the reconnect delay of the device's
    // profile (control-profile.ts reconnectDelayMs) and the second SCCRQ, at the oracle's times.
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, alwaysOn: true }] }));
    const p = await t.peer(PEER, { role: 'responder' });
    await t.startRouter();
    await p.established();
    t.disconnect(p);
    // A new connection, not a retransmitted SCCRQ (same Ns 0): a second Assigned Control Connection ID.
    const dials = () => new Set(p.events.flatMap((e) => (e.kind === 'received' && e.name === 'SCCRQ' ? [Buffer.from(avpValue(e.bytes, AVP.AssignedControlConnectionId) ?? []).toString('hex')] : []))).size;
    // bounded by the profile's reconnect delay at the lab's time scale (a physical device: real time)
    const delayMs = deviceControlProfile(t.lab.device).reconnectDelayMs / t.lab.timeScale;
    await p.waitFor(() => (dials() >= 2 ? true : undefined), delayMs + 10_000, 'a second connection dialled by the router after the peer closed the tunnel');
    await t.verdict();
  });
});
