// The text corpora of the campaign: every config and topology file the project ships (real RTX
// configs, seed examples, scale and lab files). Mutating real files reaches the parsers' real
// paths; generated-from-nothing text would mostly stop at the first token.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function walk(dir: string, ext: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, ext, out);
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

export interface TextFile {
  file: string;
  text: string;
}

const read = (file: string): TextFile => ({ file: path.relative(ROOT, file), text: readFileSync(file, 'utf8') });

/** RTX configs: the seed examples', the scale topologies' and the real RTX830 fixtures. */
export function configFiles(): TextFile[] {
  return [...walk(path.join(ROOT, 'topologies'), '.conf'), ...walk(path.join(ROOT, 'tests', 'reference-impl', 'config', 'fixtures'), '.conf')].map(read);
}

/** Topology and inventory YAML files (inventories under topologies/labs). */
export function yamlFiles(): TextFile[] {
  return walk(path.join(ROOT, 'topologies'), '.yaml').map(read);
}
