// The topology and lab-inventory formats: schemas, loaders with positioned errors, checks.
export { topologySchema, type Topology, type TopologyRouter, type TopologyPseudowire } from './topology-schema.ts';
export { inventorySchema, type Inventory, type InventoryDevice } from './inventory-schema.ts';
export { loadTopology, parseTopology, loadInventory, parseInventory, checkInventoryCovers, type InventoryOptions } from './load.ts';
export type { RouterConfigSource, TopologyLoadResult, LoadResult, ParseOptions } from './load.ts';
export { formatDiagnostic, type Diagnostic } from './diagnostics.ts';
export type { Finding } from './semantic-checks.ts';
export { STIMULUS_KINDS, EXPECTATION_KINDS, FINDING_KINDS } from './scenario-kinds.ts';
