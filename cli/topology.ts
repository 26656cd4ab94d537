// `l2tpv3-conformance topology check FILE... [--inventory LAB.yaml] [--json]`: validates topology
// files (schema, references, addressing, findings) and each router's configuration for its model;
// errors as `file:line:column: key: message` on stderr, exit 1. Valid files print one `ok` line each.
// The flags: TOPOLOGY_COMMAND below (cli/command-table.ts); a missing or binary file is exit 2.
import { capabilities, isModelName, knownModels } from '../reference-impl/platform/index.ts';
import { checkInventoryCovers, formatDiagnostic, loadInventory, loadTopology, type Diagnostic, type ParseOptions, type Topology } from '../topologies/schema/index.ts';
import { invoke, PROGRAM, type CommandDef } from './command-table.ts';
import { EXIT } from './exit-codes.ts';
import { checkRouterConfig, FINDING_CONFIG_RULES } from './topology-config-check.ts';

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
  /** Config lines of real RTX commands the checker does not model: warnings, not checked. */
  notModelled: Diagnostic[];
}

/** Everything `topology check` says about one file, without printing (tests call this). */
export function checkTopologyFile(file: string, options: { strict?: boolean } = {}): TopologyCheckReport {
  const r = loadTopology(file, PLATFORM_OPTIONS);
  const diagnostics = [...r.diagnostics];
  // Configs are checked even when the topology has other errors: both lists help the author.
  const expectedNotes: string[] = [];
  const notModelled: Diagnostic[] = [];
  for (const src of r.configs) {
    const declared = (r.value?.expected_findings ?? []).filter((f) => !f.nodes || f.nodes.includes(src.router));
    const rules = new Set(declared.map((f) => FINDING_CONFIG_RULES[f.kind]).filter((x) => x !== undefined));
    const c = checkRouterConfig(src, rules, options);
    diagnostics.push(...c.diagnostics);
    notModelled.push(...c.notModelled);
    expectedNotes.push(...c.expected.map((d) => `expected config refusal: ${formatDiagnostic(d)}`));
  }
  if (diagnostics.length || !r.value) return { file, diagnostics, notModelled };
  const t = r.value;
  const parts = [`${t.routers.length} routers`, `${t.pseudowires.length} pseudowires`, `${t.scenarios?.length ?? 0} scenarios`];
  const findings = [...r.findings.map((f) => `expected finding ${f.kind}: ${f.detail}`), ...expectedNotes];
  return { file, diagnostics, notModelled, topology: t, summary: [`${file}: ok (${parts.join(', ')})`, ...findings.map((f) => `${file}: ${f}`)].join('\n') };
}

/** The table of `topology check` (cli/command-table.ts). */
const CHECK: CommandDef = {
  name: 'check',
  summary: 'check topology files: schema, references, addressing, findings and each router config for its model',
  description:
    'Errors print on stderr as FILE:LINE:COLUMN: KEY: MESSAGE (exit 1); each valid file prints one ok line on stdout.\n' +
    'With --inventory, the lab inventory must give every role of each topology a device of the right model, with IP\n' +
    'addresses where addresses go, no duplicate devices or peer addresses, no peer on a device\'s WAN address, and every\n' +
    'password variable it names set in this environment.',
  positionals: [{ name: 'FILE', help: 'topology YAML file(s), e.g. topologies/seed/ex1-two-sites.yaml', required: true, variadic: true, input: 'text' }],
  flags: [
    { name: 'inventory', type: 'string', valueName: 'LAB.yaml', input: 'text', help: 'lab inventory (topologies/labs/*.yaml) that must cover every role of each topology' },
    { name: 'json', type: 'boolean', help: 'print one JSON document on stdout ({ ok, files: [{ file, ok, diagnostics, notModelled, summary }] }) instead of text' },
    { name: 'strict', type: 'boolean', help: "router config lines the checker does not model ('not modelled, not checked' warnings) become errors" },
  ],
  examples: [
    `${PROGRAM} topology check topologies/seed/ex1-two-sites.yaml`,
    `${PROGRAM} topology check topologies/seed/*.yaml --json`,
    `${PROGRAM} topology check topologies/seed/ex4-ipsec-fixed-fixed.yaml --inventory topologies/labs/emulated-two-sites.yaml`,
  ],
  run: (args) => Promise.resolve(topologyCheck(args.positionals, args.string('inventory'), args.bool('json'), args.bool('strict'))),
};

export const TOPOLOGY_COMMAND: CommandDef = {
  name: 'topology',
  summary: 'check topology files (schema, references, router configs)',
  subcommands: [CHECK],
};

/** One file's result in `--json` output. */
export interface TopologyCheckJson {
  file: string;
  ok: boolean;
  diagnostics: Diagnostic[];
  notModelled: Diagnostic[];
  summary?: string;
}

function topologyCheck(files: readonly string[], inventoryFile: string | undefined, json: boolean, strict: boolean): number {
  // the inventory as strictly as a topology: addresses, duplicates, and the password variables set here
  const inventory = inventoryFile ? loadInventory(inventoryFile, { env: process.env }) : undefined;
  const results: TopologyCheckJson[] = [];
  const inventoryDiagnostics = inventory?.diagnostics ?? [];
  for (const file of files) {
    const report = checkTopologyFile(file, { strict });
    const diagnostics = [...report.diagnostics];
    if (report.topology && inventory?.value && inventoryFile) diagnostics.push(...checkInventoryCovers(report.topology, inventory.value, inventoryFile));
    // a file checked against a broken inventory is not ok, and says so instead of printing `ok`
    const fileOk = diagnostics.length === 0 && inventoryDiagnostics.length === 0;
    results.push({ file, ok: fileOk, diagnostics, notModelled: report.notModelled, ...(fileOk && report.summary ? { summary: report.summary } : {}) });
  }
  const ok = inventoryDiagnostics.length === 0 && results.every((r) => r.ok);
  if (json) {
    console.log(JSON.stringify({ ok, ...(inventoryFile ? { inventory: { file: inventoryFile, diagnostics: inventoryDiagnostics } } : {}), files: results }, null, 2));
  } else {
    for (const d of inventoryDiagnostics) console.error(formatDiagnostic(d));
    for (const r of results) {
      for (const d of r.diagnostics) console.error(formatDiagnostic(d));
      for (const d of r.notModelled) console.error(formatDiagnostic(d));
      if (r.summary) console.log(r.summary);
      else if (r.diagnostics.length === 0 && inventoryDiagnostics.length) console.error(`${r.file}: not checked against ${inventoryFile}: the inventory has ${inventoryDiagnostics.length} error(s)`);
    }
  }
  return ok ? EXIT.ok : EXIT.failures;
}

/** `topology ...` argv (tests call this); usage errors are thrown as UsageError. */
export function topologyCommand(argv: string[]): Promise<number> {
  return invoke(TOPOLOGY_COMMAND, argv, [PROGRAM, 'topology']);
}
