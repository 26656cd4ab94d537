// @generated: model-based sequences of harness actions (fast-check fc.commands), each run against
// the device and against the oracle and judged by the whole trace (DESIGN.md "The verdict"); a
// diverging sequence is shrunk to the shortest that still diverges and printed with its seed
// (`run --seed N` replays it). Bounded per device: a few short sequences in the default run
// (suites/support/generated-env.ts), `run --generated-runs N` for depth.
import { needsCapability, test, expect } from './fixtures.ts';
import { projectName } from './support/devices.ts';
import { generatedSettings } from './support/generated-env.ts';
import { attachGenerated, generatedReport } from './support/generated-report.ts';
import { runGenerated } from './support/generated-run.ts';

/** Logical tester peers: one tunnel each, as many as the model allows (two at most: enough to interleave). */
const PEERS = ['127.0.0.2', '127.0.0.3'];

test.describe('generated action sequences', { tag: '@generated' }, () => {
  test('peers dial, hang up and wait: every sequence\'s trace is the oracle\'s', async ({ device, timeScale, caps, lease, feature }) => {
    void lease; // held for the worker's life: no other run touches this device slot meanwhile
    await feature('control-connection');
    needsCapability(device, 'configPerSequence');
    const settings = generatedSettings(projectName(device));
    // Per sequence (~2-3 s): a router start, at most 8 actions of at most 1.5 s settle or 0.5 s wait, the
    // verdict; a failure's shrinking reruns sequences (~1 min).
    test.setTimeout(120_000 + settings.runs * 30_000);
    const peers = PEERS.slice(0, Math.max(1, Math.min(PEERS.length, caps.maxL2tpv3Tunnels)));
    const outcome = await runGenerated({ device, timeScale, peers, settings });
    const report = generatedReport(projectName(device), device.model, outcome);
    console.log(report);
    await attachGenerated(report, outcome);
    expect(outcome.failed, report).toBe(false);
  });
});
