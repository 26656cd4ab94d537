// The scale topologies: as many tunnels as the seed's table allows per model, generated, and the
// committed files are exactly what the generator writes.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scaleTopologyFiles } from '../../scripts/scale-topologies.ts';
import { loadTopology } from '../../topologies/schema/index.ts';

const DIR = path.resolve(import.meta.dirname, '../../topologies/scale');

test('committed scale topologies are up to date (node bin/run-ts.mjs scripts/generate-scale-topologies.ts)', () => {
  for (const [rel, text] of scaleTopologyFiles()) expect(readFileSync(path.join(DIR, rel), 'utf8'), rel).toBe(text);
});

// seed: 対応機種とファームウェアリビジョン, L2TPv3動作可能最大トンネル数: RTX830 1, RTX1210 9, vRX 99.
for (const [file, tunnels] of [['scale-rtx830-max', 1], ['scale-rtx1210-max', 9], ['scale-vrx-max', 99], ['scale-rtx830-over-limit', 2]] as const) {
  test(`${file} has ${tunnels} tunnels, bridged, each to its own tester`, () => {
    const r = loadTopology(path.join(DIR, `${file}.yaml`));
    const t = r.value!;
    expect(t.pseudowires.length).toBe(tunnels);
    expect(t.testers?.length).toBe(tunnels);
    const config = r.configs[0].text;
    expect(config.match(/^tunnel select \d+$/gm)?.length).toBe(tunnels);
    expect(config).toContain(`bridge member bridge1 lan1 ${Array.from({ length: tunnels }, (_, i) => `tunnel${i + 1}`).join(' ')}\n`);
  });
}
