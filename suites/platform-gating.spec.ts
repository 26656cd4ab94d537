// Platform gating (seed: 対応機種とファームウェアリビジョン): a feature the device's firmware does not
// document is tested as an expected refusal (the config is refused with the oracle's error lines),
// a documented one as an accepted config whose tunnel then comes up. Nothing is typed per model:
// the expectation is the platform matrix's, the refusal text the config oracle's.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): the device's
// answer to the whole config is a `cli` event (its error lines, none when accepted) the config
// oracle predicts, followed, when accepted, by the tunnel's control messages and syslog lines.
import { needsCapability, test, expect } from './fixtures.ts';
import { recordDeviceResponse } from '../reports/allure/test-metadata.ts';
import { attachOracleComparison } from '../reports/allure/attachments.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { formatRevision, rowsOf, type ModelName, type Revision } from '../reference-impl/platform/index.ts';
import { observedErrors, predictConfig } from './support/oracle-config.ts';

const PEER = '127.0.0.2';

/** A revision of the model's series just below its oldest documented band, if the table has one. */
function revisionBeforeOldestBand(model: ModelName): Revision | undefined {
  const f = rowsOf(model)[0].firmware;
  const lower = f.kind === 'from' ? f.lower : f.kind === 'exact' ? f.revisions[0] : undefined;
  return lower && lower.patch > 0 ? { ...lower, patch: lower.patch - 1 } : undefined;
}

test.describe('platform gating', { tag: '@gating' }, () => {
  test('tag VLAN together with L2TPv3: accepted where documented, refused as the oracle says elsewhere', async ({ openLab, feature, device }) => {
    const documented = await feature('tag-vlan');
    const tunnels = [{ n: 1, peer: PEER }];
    // CR: `vlan lanN/M 802.1q vid=VID` makes a tag-VLAN sub-interface.
    const t = new TracedLab(await openLab({ tunnels, extra: ['vlan lan1/1 802.1q vid=10'] }));
    const lab = t.lab;
    const predicted = predictConfig(lab.config, device.model, device.firmware);
    expect(predicted.response, 'the config oracle agrees with the platform matrix').toBe(documented === 'supported' ? 'accepted' : 'refused');
    const response = await t.tryStartRouter();
    if (response === 'refused') {
      await recordDeviceResponse('refused');
      const same = await attachOracleComparison({ what: 'config refusal', predicted: predicted.errors, observed: observedErrors(lab.refusal ?? '') });
      expect(same, 'refused with the error lines the oracle predicts').toBe(true);
    } else {
      const p = await t.peer(PEER, { role: 'initiator' });
      const worked = await p.established(5000).then(() => true, () => false);
      await recordDeviceResponse('accepted', worked);
      expect(response).toBe(predicted.response);
      expect(worked, 'the tunnel comes up').toBe(true);
    }
    await t.verdict();
  });

  test('L2TPv3 on a revision below the oldest documented band is refused', async ({ openLab, feature, device }) => {
    await feature('platform-gating');
    needsCapability(device, 'otherRevision');
    const below = revisionBeforeOldestBand(device.model as ModelName);
    test.skip(below === undefined, `${device.model}: the support table has no revision below its oldest band (all revisions, or an open "before" band)`);
    const firmware = formatRevision(below!);
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], firmware }));
    const predicted = predictConfig(t.lab.config, device.model, firmware);
    expect(predicted.response).toBe('refused');
    expect(await t.tryStartRouter()).toBe('refused');
    await t.verdict();
  });

  test('L2TPv3 on the device\'s own revision is accepted', async ({ openLab, feature, device }) => {
    await feature('platform-gating');
    const tunnels = [{ n: 1, peer: PEER }];
    const t = new TracedLab(await openLab({ tunnels }));
    expect(predictConfig(t.lab.config, device.model, device.firmware).response).toBe('accepted');
    expect(await t.tryStartRouter()).toBe('accepted');
    await t.verdict();
  });
});
