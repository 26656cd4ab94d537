// Target: the topology and inventory loader (topologies/schema): mutated YAML through the YAML
// parser, the zod schema and the semantic checks. Contract (load.ts): parseTopology and
// parseInventory do not throw; every problem is a diagnostic with a file position, formatted
// `file:line:column: key: message`; a file that loads has no diagnostics.
import path from 'node:path';
import { formatDiagnostic, parseInventory, parseTopology, type Diagnostic } from '../../topologies/schema/index.ts';
import { configFiles, ROOT, yamlFiles, type TextFile } from './corpus-files.ts';
import { mutateText, Rng } from './mutate.ts';
import type { PureTarget } from './target.ts';

interface YamlInput {
  base: TextFile;
  text: string;
  inventory: boolean;
}

function diagnosticProblem(ds: readonly Diagnostic[]): string | null {
  for (const d of ds) {
    if (!(Number.isInteger(d.line) && d.line >= 1 && Number.isInteger(d.column) && d.column >= 1)) return `diagnostic without a position: ${JSON.stringify(d)}`;
    if (!d.message) return `diagnostic without a message: ${JSON.stringify(d)}`;
    formatDiagnostic(d);
  }
  return null;
}

export function topologyTarget(seed: number): PureTarget<YamlInput> {
  const rng = new Rng(seed);
  const files = yamlFiles();
  // config_file references resolve against the shipped configs, in memory (no file reads per input)
  const configs = new Map(configFiles().map((f) => [path.join(ROOT, f.file), f.text]));
  const readConfigFile = (p: string) => configs.get(path.resolve(ROOT, p));
  return {
    name: 'topology',
    generate() {
      const base = rng.pick(files);
      let text = base.text;
      for (let n = 1 + rng.int(3); n > 0; n--) text = mutateText(text, rng, rng.pick(files).text);
      return { base, text, inventory: base.file.includes(`${path.sep}labs${path.sep}`) };
    },
    check(x) {
      if (x.inventory) {
        const r = parseInventory(x.text, x.base.file);
        const p = diagnosticProblem(r.diagnostics);
        if (p) return { problem: p };
        if (r.value && r.diagnostics.length) return { problem: 'an inventory with diagnostics was loaded' };
        return r.value ? 'inventory:loaded' : 'inventory:refused';
      }
      const r = parseTopology(x.text, x.base.file, { readConfigFile });
      const p = diagnosticProblem(r.diagnostics);
      if (p) return { problem: p };
      if (r.value && r.diagnostics.length) return { problem: 'a topology with diagnostics was loaded' };
      return r.value ? 'topology:loaded' : 'topology:refused';
    },
    show: (x) => `${x.base.file} mutated: ${JSON.stringify(x.text)}`,
  };
}
