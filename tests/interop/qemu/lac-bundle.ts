// The guest-side LAC (guest-lac.ts) as one esbuild bundle, cached like the router's
// (drivers/lab/bundle-cache.ts): the guest runs under TCG, where tsx compiling dozens of
// TypeScript modules at start would take far longer than loading one file over 9p.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle } from '../../../drivers/lab/bundle-cache.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The bundle's path on the host root (the guest sees the same path). */
export async function lacBundle(): Promise<string> {
  const b = await cachedBundle({
    name: 'qemu-guest-lac',
    root: ROOT,
    entrySource: `import { lacMain } from './guest-lac.ts';\nprocess.exitCode = await lacMain(process.argv.slice(2));\n`,
    resolveDir: path.join(ROOT, 'tests', 'interop', 'qemu'),
    external: [],
    cacheDir: path.join(ROOT, 'node_modules', '.cache', 'l2tpv3-qemu'),
  });
  return b.file;
}
