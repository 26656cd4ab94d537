// Writes topologies/schema/*.schema.json from the zod schemas. Run after changing a schema:
//   node bin/run-ts.mjs scripts/generate-topology-schema.ts
// A test fails while the committed files differ from what this writes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILES } from '../topologies/schema/json-schema.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'topologies', 'schema');
for (const [file, render] of Object.entries(JSON_SCHEMA_FILES)) {
  writeFileSync(path.join(dir, file), render());
  console.log(`wrote topologies/schema/${file}`);
}
