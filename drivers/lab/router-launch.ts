// How an emulated router process is started: `node code-cache-loader.cjs <bundle> ARGS` from the
// cached esbuild bundle of the router entry (bundle-cache.ts; CommonJS, compiled with a V8 code
// cache kept next to it), or, when that cannot be built, `node
// bin/l2tpv3-conformance.mjs router ARGS` through tsx, with a one-line note. Both run the same
// routerCommand with the same error handling as cli/main.ts, so `router` behaves identically.
// L2TPV3_ROUTER_RUNNER=tsx forces the tsx path (e.g. for stack traces into the .ts sources).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle, type BundleRecipe } from './bundle-cache.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_BIN = path.join(ROOT, 'bin', 'l2tpv3-conformance.mjs');

/**
 * The router entry: the one subcommand `router`, which applies the binary's error handling and
 * exit codes itself (cli/command-table.ts invokeAsMain); main.ts is not imported because it would
 * pull every subcommand into a router bundle.
 */
const ROUTER_ENTRY = `import { routerCommand } from './router.ts';
void routerCommand(process.argv.slice(2)).then((code) => { process.exitCode = code; });
`;

/**
 * Left to Node at run time: native modules (pcap, serialport and its bindings, cpu-features) and
 * ssh2, whose crypto module finds its optional native binding and its poly1305 wasm by __dirname
 * (bundled, that path would point into the cache). Everything else is bundled.
 */
export const ROUTER_BUNDLE_EXTERNAL = ['pcap', 'serialport', '@serialport/*', 'cpu-features', 'ssh2'] as const;

export function routerBundleRecipe(cacheDir = path.join(ROOT, 'node_modules', '.cache', 'l2tpv3-router')): BundleRecipe {
  return { name: 'router', root: ROOT, entrySource: ROUTER_ENTRY, resolveDir: path.join(ROOT, 'cli'), external: ROUTER_BUNDLE_EXTERNAL, cacheDir, format: 'cjs' };
}

/** Runs a CommonJS bundle with a V8 code cache (a router's start is most of its CPU; Node 20 caches no ESM compile). */
export const CODE_CACHE_LOADER = path.join(ROOT, 'drivers', 'lab', 'code-cache-loader.cjs');

export type RouterRunner = 'bundle' | 'tsx';

export interface RouterLaunch {
  /** node and its script: append the router's arguments (`--model ...`). */
  argv: string[];
  runner: RouterRunner;
  /** Why the tsx path is used although the bundle was asked for. */
  note?: string;
  /** The bundle was built by this call (false: reused from the cache). */
  built?: boolean;
}

let noted = false;

/**
 * The command line for router processes. runner 'bundle' (default, unless L2TPV3_ROUTER_RUNNER=tsx)
 * falls back to 'tsx' if the bundle cannot be built; `warn` gets that note once per process.
 */
export async function routerLaunch(
  o: { runner?: RouterRunner; cacheDir?: string; warn?: (line: string) => void; /** tests: another recipe */ recipe?: BundleRecipe } = {},
): Promise<RouterLaunch> {
  const runner = o.runner ?? (process.env.L2TPV3_ROUTER_RUNNER === 'tsx' ? 'tsx' : 'bundle');
  const tsx: RouterLaunch = { argv: [process.execPath, CLI_BIN, 'router'], runner: 'tsx' };
  if (runner === 'tsx') return tsx;
  try {
    const recipe = o.recipe ?? routerBundleRecipe(o.cacheDir);
    const b = await cachedBundle(recipe);
    return { argv: recipe.format === 'cjs' ? [process.execPath, CODE_CACHE_LOADER, b.file] : [process.execPath, b.file], runner: 'bundle', built: b.built };
  } catch (e) {
    const note = `note: router bundle not built (${(e as Error).message.split('\n').filter((l) => l.trim() !== '').slice(0, 2).join(' ').slice(0, 240)}); starting emulated routers through tsx (slower start-up)`;
    if (!noted) (o.warn ?? ((l: string) => console.error(l)))(note);
    noted = true;
    return { ...tsx, note };
  }
}
