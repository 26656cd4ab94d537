// The published JSON Schemas are what the zod schemas generate (run
// `node bin/run-ts.mjs scripts/generate-topology-schema.ts` after a schema change).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JSON_SCHEMA_FILES } from '../../../topologies/schema/json-schema.ts';

for (const [file, render] of Object.entries(JSON_SCHEMA_FILES)) {
  test(`committed ${file} equals the generated one`, () => {
    expect(readFileSync(path.resolve(import.meta.dirname, '../../../topologies/schema', file), 'utf8')).toBe(render());
  });
}

test('the topology JSON Schema refuses unknown keys and requires the core lists', () => {
  const s = JSON.parse(JSON_SCHEMA_FILES['topology.schema.json']());
  expect(s.additionalProperties).toBe(false);
  expect(s.required).toEqual(expect.arrayContaining(['name', 'routers', 'links', 'segments', 'pseudowires']));
  expect(s.properties.routers.items.additionalProperties).toBe(false);
  expect(s.properties.pseudowires.items.properties.encapsulation.enum).toEqual(['l2tpv3-raw', 'l2tpv3']);
});
