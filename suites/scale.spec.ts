// Scale (seed: L2TPv3動作可能最大トンネル数): the model's maximum number of L2TPv3 tunnels is
// accepted and its last tunnel comes up; one more is refused with the oracle's error line.
import { test, expect } from './fixtures.ts';
import { attachOracleComparison } from '../reports/allure/attachments.ts';
import { observedErrors, predictConfig } from './support/oracle-config.ts';
import type { RouterTunnelSpec } from './support/device-lab.ts';

/** Peer address of tunnel n: 127.0.1.n, 127.0.2.x, ... (loopback, one per tunnel). */
const peerOf = (n: number) => `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
const tunnels = (count: number): RouterTunnelSpec[] => Array.from({ length: count }, (_, i) => ({ n: i + 1, peer: peerOf(i + 1) }));

test.describe('scale', { tag: '@scale' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('scale');
  });

  test('the maximum number of tunnels is accepted; the last one comes up', async ({ openLab, caps, device }) => {
    const max = caps.maxL2tpv3Tunnels;
    const lab = await openLab({ tunnels: tunnels(max) });
    expect(predictConfig(lab.config, device.model, device.firmware).response).toBe('accepted');
    await lab.startRouter();
    const p = await lab.peer(peerOf(max), { role: 'initiator' });
    await p.established();
  });

  test('one tunnel over the maximum is refused as the oracle says', async ({ openLab, caps, device }) => {
    const lab = await openLab({ tunnels: tunnels(caps.maxL2tpv3Tunnels + 1) });
    const predicted = predictConfig(lab.config, device.model, device.firmware);
    expect(predicted.response).toBe('refused');
    expect(await lab.tryStartRouter()).toBe('refused');
    const same = await attachOracleComparison({ what: 'config refusal', predicted: predicted.errors, observed: observedErrors(lab.refusal ?? '') });
    expect(same).toBe(true);
  });
});
