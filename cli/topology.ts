// `l2tpv3-conformance topology check FILE... [--inventory LAB.yaml]`: validates topology files
// (schema, references, addressing, findings) and each router's configuration for its model;
// errors as `file:line:column: key: message`, exit 1. Valid files print one `ok` line each.
import { capabilities, isModelName, knownModels } from '../reference-impl/platform/index.ts';
import { checkInventoryCovers, formatDiagnostic, loadInventory, loadTopology, type Diagnostic, type ParseOptions, type Topology } from '../topologies/schema/index.ts';
import { parseArgs, flagValue, UsageError } from './args.ts';
import { checkRouterConfig, FINDING_CONFIG_RULES } from './topology-config-check.ts';

const USAGE = 'usage: l2tpv3-conformance topology check FILE... [--inventory LAB.yaml]';

/** The platform matrix, injected: topologies/ itself imports nothing from the oracle (DESIGN.md). */
export const PLATFORM_OPTIONS: ParseOptions = {
  checkModel: (model, firmware) => {
    if (!isModelName(model)) return `unknown model '${model}'; the seed's support table knows: ${knownModels().join(', ')}`;
    try {
      capabilities(model, firmware);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  },
  maxTunnels: (model, firmware) => {
    try {
      return capabilities(model, firmware).maxL2tpv3Tunnels;
    } catch {
      return undefined; // reported by checkModel
    }
  },
};

export interface TopologyCheckReport {
  file: string;
  diagnostics: Diagnostic[];
  summary?: string;
  topology?: Topology;
}

/** Everything `topology check` says about one file, without printing (tests call this). */
export function checkTopologyFile(file: string): TopologyCheckReport {
  const r = loadTopology(file, PLATFORM_OPTIONS);
  const diagnostics = [...r.diagnostics];
  // Configs are checked even when the topology has other errors: both lists help the author.
  const expectedNotes: string[] = [];
  for (const src of r.configs) {
    const declared = (r.value?.expected_findings ?? []).filter((f) => !f.nodes || f.nodes.includes(src.router));
    const rules = new Set(declared.map((f) => FINDING_CONFIG_RULES[f.kind]).filter((x) => x !== undefined));
    const c = checkRouterConfig(src, rules);
    diagnostics.push(...c.diagnostics);
    expectedNotes.push(...c.expected.map((d) => `expected config refusal: ${formatDiagnostic(d)}`));
  }
  if (diagnostics.length || !r.value) return { file, diagnostics };
  const t = r.value;
  const parts = [`${t.routers.length} routers`, `${t.pseudowires.length} pseudowires`, `${t.scenarios?.length ?? 0} scenarios`];
  const findings = [...r.findings.map((f) => `expected finding ${f.kind}: ${f.detail}`), ...expectedNotes];
  return { file, diagnostics, topology: t, summary: [`${file}: ok (${parts.join(', ')})`, ...findings.map((f) => `${file}: ${f}`)].join('\n') };
}

export async function topologyCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [{ name: 'inventory', value: true }, { name: 'help', value: false }]);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const [verb, ...files] = args.positional;
  if (verb !== 'check') throw new UsageError(verb ? `unknown topology command '${verb}'\n${USAGE}` : USAGE);
  if (files.length === 0) throw new UsageError(`no topology file given\n${USAGE}`);
  const inventoryFile = flagValue(args, 'inventory');
  const inventory = inventoryFile ? loadInventory(inventoryFile) : undefined;
  let failed = false;
  const fail = (ds: Diagnostic[]) => {
    for (const d of ds) console.error(formatDiagnostic(d));
    failed ||= ds.length > 0;
  };
  if (inventory) fail(inventory.diagnostics);
  for (const file of files) {
    const report = checkTopologyFile(file);
    fail(report.diagnostics);
    if (report.topology && inventory?.value && inventoryFile) {
      const cover = checkInventoryCovers(report.topology, inventory.value, inventoryFile);
      fail(cover);
      if (cover.length) continue;
    }
    if (report.summary) console.log(report.summary);
  }
  return failed ? 1 : 0;
}
