// Scale (seed: L2TPv3動作可能最大トンネル数): the model's maximum number of L2TPv3 tunnels is
// accepted and its last tunnel comes up; one more is refused with the oracle's error line.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): the device's
// answer to the whole config (a `cli` event: its error lines, none when accepted) as the config
// oracle predicts it, and the control messages and syslog lines of the last tunnel's bring-up.
import { test, expect } from './fixtures.ts';
import { predictConfig } from './support/oracle-config.ts';
import type { RouterTunnelSpec } from '../drivers/dut/lab-config.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { deviceSessionId } from './support/ids.ts';

/** Peer address of tunnel n: 127.0.1.n, 127.0.2.x, ... (loopback, one per tunnel). */
const peerOf = (n: number) => `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
const tunnels = (count: number): RouterTunnelSpec[] => Array.from({ length: count }, (_, i) => ({ n: i + 1, peer: peerOf(i + 1) }));

test.describe('scale', { tag: '@scale' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('scale');
  });

  test('the maximum number of tunnels is accepted; the last one comes up', async ({ openLab, caps, device }) => {
    const max = caps.maxL2tpv3Tunnels;
    const t = new TracedLab(await openLab({ tunnels: tunnels(max) }));
    expect(predictConfig(t.lab.config, device.model, device.firmware).response).toBe('accepted');
    expect(await t.tryStartRouter()).toBe('accepted');
    const p = await t.peer(peerOf(max), { role: 'initiator' });
    await p.established();
    // a device holding its maximum of tunnels may log the session a little after the peer saw it up
    await expectSyslog(t.lab, 'sessionEstablished', { tunnel: max, sessionId: deviceSessionId(p) });
    await t.verdict();
  });

  test('one tunnel over the maximum is refused as the oracle says', async ({ openLab, caps, device }) => {
    const t = new TracedLab(await openLab({ tunnels: tunnels(caps.maxL2tpv3Tunnels + 1) }));
    expect(predictConfig(t.lab.config, device.model, device.firmware).response).toBe('refused');
    expect(await t.tryStartRouter()).toBe('refused');
    await t.verdict();
  });
});
