// Every file and folder under a directory with its content: two snapshots are equal only when
// nothing was added, removed or changed (the data-safety tests compare before and after).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function treeSnapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (statSync(p).isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(p);
      } else out[rel] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}
