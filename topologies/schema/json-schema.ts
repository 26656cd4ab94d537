// The published JSON Schema of the topology and inventory formats, generated from the zod
// schemas (editors use it for completion; the zod schema stays the one source). Address and
// reference rules are semantic checks and are not expressible here: `topology check` applies them.
import { z } from 'zod';
import { inventorySchema } from './inventory-schema.ts';
import { topologySchema } from './topology-schema.ts';

function render(schema: z.ZodType, id: string, title: string): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ $id: id, title, ...json }, null, 2)}\n`;
}

export const JSON_SCHEMA_FILES = {
  'topology.schema.json': () => render(topologySchema, 'l2tpv3-conformance/topology.schema.json', 'L2TPv3 conformance topology'),
  'inventory.schema.json': () => render(inventorySchema, 'l2tpv3-conformance/inventory.schema.json', 'L2TPv3 conformance lab inventory'),
} as const;
