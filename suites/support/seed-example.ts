// A seed topology with the device under test in one router's role (seed examples 1-3: rt1, the
// site-1 router or the hub): a temporary copy of the topology file whose router has the device's
// model and firmware and keeps its config (its config_file is rewritten relative to the copy's
// temporary directory). Loading goes through topologies/schema, so a bad topology is a
// positioned error, never a stack trace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { formatDiagnostic, loadTopology, type RouterConfigSource, type Topology } from '../../topologies/schema/index.ts';
import type { SuiteDevice } from './devices.ts';

/**
 * The topology format requires `Rev.NN.NN.NN`, but a model the seed lists with an empty firmware
 * cell (every revision supports L2TPv3: RTX1220, RTX1300, RTX3510, vRX) is a suite device at
 * firmware `any`. Its lab router is started at this revision, which is deliberately no real one:
 * the platform matrix answers the same for every revision of such a model (capabilities(): one
 * all-revision row), and the oracle is asked with `any` itself.
 */
export const ANY_FIRMWARE_PLACEHOLDER = 'Rev.99.99.99';

/** One router of an example as the oracle sees it: the firmware is the device's own text (`any` allowed). */
export interface ExampleRouter {
  readonly name: string;
  readonly model: string;
  readonly firmware: string;
  readonly config: string;
}

export interface DeviceExample {
  /** The temporary topology file (lab up reads it), in its own temporary directory `dir`. */
  readonly file: string;
  readonly dir: string;
  readonly topology: Topology;
  readonly routers: readonly ExampleRouter[];
  /** Removes the temporary copy. */
  readonly dispose: () => void;
}

export class SeedExampleError extends Error {}

function load(file: string): { topology: Topology; configs: RouterConfigSource[] } {
  const r = loadTopology(file);
  if (r.value === undefined) throw new SeedExampleError(`topology ${file}:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return { topology: r.value, configs: r.configs };
}

/**
 * Writes a copy of `topologyFile` in which router `role` (e.g. rt1) is the device: its model and
 * firmware replaced, its config kept. Every config_file becomes absolute (the copy is elsewhere).
 */
export function deviceAsRouter(topologyFile: string, routerName: string, device: Pick<SuiteDevice, 'model' | 'firmware'>): DeviceExample {
  const original = load(topologyFile);
  const index = original.topology.routers.findIndex((r) => r.name === routerName);
  if (index < 0) throw new SeedExampleError(`topology ${topologyFile}: no router '${routerName}' (routers: ${original.topology.routers.map((r) => r.name).join(', ')})`);
  const doc = parseDocument(readFileSync(topologyFile, 'utf8'));
  doc.setIn(['routers', index, 'model'], device.model);
  doc.setIn(['routers', index, 'firmware'], device.firmware === 'any' ? ANY_FIRMWARE_PLACEHOLDER : device.firmware);
  const dir = mkdtempSync(path.join(tmpdir(), 'seed-example-'));
  original.topology.routers.forEach((r, i) => {
    // the loader reads config_file relative to the topology file: relative to the copy, then
    if (r.config_file !== undefined) doc.setIn(['routers', i, 'config_file'], path.relative(dir, path.resolve(path.dirname(topologyFile), r.config_file)));
  });
  const file = path.join(dir, path.basename(topologyFile));
  writeFileSync(file, doc.toString(), { mode: 0o600 }); // the configs it names hold (lab) secrets
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const copy = load(file);
    const routers = copy.topology.routers.map((r, i): ExampleRouter => {
      const config = copy.configs.find((c) => c.router === r.name);
      if (config === undefined) throw new SeedExampleError(`topology ${topologyFile}: router ${r.name} has no config`);
      // the oracle is asked about the device's own firmware text, not the placeholder
      return { name: r.name, model: r.model, firmware: i === index ? device.firmware : r.firmware, config: config.text };
    });
    return { file, dir, topology: copy.topology, routers, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}
