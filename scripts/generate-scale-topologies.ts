// Writes topologies/scale/ from scripts/scale-topologies.ts. Run after changing it:
//   node bin/run-ts.mjs scripts/generate-scale-topologies.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaleTopologyFiles } from './scale-topologies.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'topologies', 'scale');
for (const [rel, text] of scaleTopologyFiles()) {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
  console.log(`wrote topologies/scale/${rel}`);
}
