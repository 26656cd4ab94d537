// A content-addressed cache of esbuild bundles. Why: an emulated router started through tsx loads
// ~100 TypeScript modules through tsx's loader hooks (about a second of CPU each); a lab starts
// many at once on a small machine. A bundle of the same sources starts in a fraction of that.
//
// Key: sha256 of exactly the bytes esbuild read (an onLoad plugin hashes what it hands over) plus
// the build recipe (entry text, options, esbuild version, tsconfig.json). The input list of the
// last build is kept in `<name>.inputs.json`; a lookup re-hashes those files as they are now: an
// edit to any of them (or a file gone) changes the key and the next lookup rebuilds. A new import
// appears only through an edit to an input, so the list never misses one.
// Concurrent builders (two labs, test workers) each write a temp file and rename it into place:
// a reader sees a whole bundle or none; same key = same content, so the last rename is harmless.
// Format: ESM (`.mjs`, run by `node FILE`), or CommonJS (`.cjs`) for a launcher that compiles it
// with a V8 code cache (code-cache-loader.cjs: Node 20 has no compile cache for ES modules).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface BundleRecipe {
  /** Short file-name-safe name: the bundle is `<name>-<key>.mjs` (or `.cjs`) in cacheDir. */
  name: string;
  /** 'esm' (default) or 'cjs'; a CommonJS bundle's import.meta.url and .dirname are the bundle file's, as in ESM. */
  format?: 'esm' | 'cjs';
  /** Project root: inputs are recorded relative to it; tsconfig.json there is part of the key. */
  root: string;
  /** The entry's source text (TypeScript), resolved from resolveDir. */
  entrySource: string;
  resolveDir: string;
  /** Packages (or `pkg/*` patterns) left to Node at run time: native code, files found by __dirname. */
  external: readonly string[];
  /** Must sit under root's node_modules (or below root) so external packages resolve from the bundle. */
  cacheDir: string;
}

export interface CachedBundle {
  file: string;
  key: string;
  /** false: an existing bundle was reused */
  built: boolean;
}

/** Bumped when the way bundles are made changes (recipe fields below, plugin behaviour). */
const CACHE_FORMAT = 2;
/** Bundles of other keys kept for a while: a running launcher may still be about to spawn one. */
const KEEP_NEWEST = 4;
const PRUNE_AFTER_MS = 10 * 60_000;

const LOADERS: Record<string, 'ts' | 'tsx' | 'js' | 'json'> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

// The slice of esbuild's API used here (esbuild ships with tsx; typed locally so a missing esbuild
// is a runtime note, not a compile error).
interface EsbuildPluginBuild {
  onLoad(o: { filter: RegExp; namespace?: string }, cb: (a: { path: string }) => { contents: Uint8Array; loader: string }): void;
}
interface Esbuild {
  version: string;
  build(o: Record<string, unknown>): Promise<{ outputFiles?: { contents: Uint8Array }[] }>;
}

function recipeFingerprint(r: BundleRecipe, esbuildVersion: string): string {
  let tsconfig = '';
  try {
    tsconfig = readFileSync(path.join(r.root, 'tsconfig.json'), 'utf8');
  } catch {
    /* no tsconfig: esbuild's defaults, and the empty text says so */
  }
  return JSON.stringify({ CACHE_FORMAT, esbuildVersion, format: formatOf(r), entry: r.entrySource, resolveDir: path.relative(r.root, r.resolveDir), external: r.external, tsconfig });
}

function keyOf(fingerprint: string, inputs: ReadonlyMap<string, Uint8Array | null>): string {
  const h = createHash('sha256').update(fingerprint);
  for (const rel of [...inputs.keys()].sort()) {
    const bytes = inputs.get(rel);
    h.update(`\0${rel}\0${bytes === null || bytes === undefined ? 'missing' : createHash('sha256').update(bytes).digest('hex')}`);
  }
  return h.digest('hex').slice(0, 32);
}

const formatOf = (r: BundleRecipe) => r.format ?? 'esm';
const extensionOf = (r: BundleRecipe) => (formatOf(r) === 'cjs' ? '.cjs' : '.mjs');
const bundleFile = (r: BundleRecipe, key: string) => path.join(r.cacheDir, `${r.name}-${key}${extensionOf(r)}`);
const manifestFile = (r: BundleRecipe) => path.join(r.cacheDir, `${r.name}.inputs.json`);

/** Writes `text` to `file` atomically (temp file in the same directory, then rename). */
function writeAtomic(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The key of the current sources if the last build's input list still describes them, else undefined. */
function currentKey(r: BundleRecipe, fingerprint: string): string | undefined {
  let rels: string[];
  try {
    rels = (JSON.parse(readFileSync(manifestFile(r), 'utf8')) as { inputs: string[] }).inputs;
    if (!Array.isArray(rels)) return undefined;
  } catch {
    return undefined;
  }
  const inputs = new Map<string, Uint8Array | null>();
  for (const rel of rels) {
    try {
      inputs.set(rel, readFileSync(path.resolve(r.root, rel)));
    } catch {
      inputs.set(rel, null);
    }
  }
  return keyOf(fingerprint, inputs);
}

async function loadEsbuild(): Promise<Esbuild> {
  try {
    return (await import('esbuild')) as unknown as Esbuild;
  } catch {
    throw new Error('esbuild is not resolvable (it normally comes with tsx)');
  }
}

/** Builds the bundle now (no cache lookup) and publishes it under its key. */
export async function buildBundle(r: BundleRecipe): Promise<CachedBundle> {
  const esbuild = await loadEsbuild();
  const fingerprint = recipeFingerprint(r, esbuild.version);
  const inputs = new Map<string, Uint8Array | null>();
  const hashing = {
    name: 'hash-inputs',
    setup(b: EsbuildPluginBuild) {
      b.onLoad({ filter: /.*/, namespace: 'file' }, (a) => {
        const contents = readFileSync(a.path);
        inputs.set(path.relative(r.root, a.path), contents);
        return { contents, loader: LOADERS[path.extname(a.path)] ?? 'default' };
      });
    },
  };
  const result = await esbuild.build({
    stdin: { contents: r.entrySource, resolveDir: r.resolveDir, sourcefile: `${r.name}-entry.ts`, loader: 'ts' },
    bundle: true, platform: 'node', format: formatOf(r), target: 'node20', write: false, logLevel: 'silent',
    external: [...r.external], plugins: [hashing],
    ...(formatOf(r) === 'cjs'
      ? {
          // import.meta means the bundle file, as in an ESM bundle
          define: { 'import.meta.url': '__bundleUrl', 'import.meta.dirname': '__dirname' },
          banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
        }
      : {
          // CommonJS inside the bundle (and createRequire-less code) needs a require in ESM scope
          banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
        }),
  });
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  const key = keyOf(fingerprint, inputs);
  mkdirSync(r.cacheDir, { recursive: true });
  const file = bundleFile(r, key);
  writeAtomic(file, code);
  writeAtomic(manifestFile(r), JSON.stringify({ inputs: [...inputs.keys()].sort() }, null, 1));
  prune(r, file);
  return { file, key, built: true };
}

/** Old bundles of this name: the newest few stay, and any used in the last minutes. */
function prune(r: BundleRecipe, keep: string): void {
  try {
    const mine = readdirSync(r.cacheDir)
      .filter((f) => f.startsWith(`${r.name}-`) && f.endsWith(extensionOf(r)))
      .map((f) => path.join(r.cacheDir, f))
      .map((f) => ({ f, t: statSync(f).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    const now = Date.now();
    for (const [i, { f, t }] of mine.entries()) {
      if (f === keep || i < KEEP_NEWEST || now - t <= PRUNE_AFTER_MS) continue;
      rmSync(f, { force: true });
      rmSync(`${f}.v8cache`, { force: true }); // code-cache-loader.cjs's cache of it
    }
  } catch {
    /* pruning is housekeeping: a race with another pruner is harmless */
  }
}

const inFlight = new Map<string, Promise<CachedBundle>>();

/** The bundle of the current sources: reused when its key matches, built (once per process at a time) otherwise. */
export function cachedBundle(r: BundleRecipe): Promise<CachedBundle> {
  const id = `${r.cacheDir}\0${r.name}`;
  const pending = inFlight.get(id);
  if (pending) return pending;
  const p = (async () => {
    const esbuild = await loadEsbuild();
    const key = currentKey(r, recipeFingerprint(r, esbuild.version));
    if (key !== undefined && existsSync(bundleFile(r, key))) {
      const file = bundleFile(r, key);
      try {
        const now = new Date();
        utimesSync(file, now, now); // recently used: pruning keeps it
      } catch {
        /* read-only cache: still usable */
      }
      return { file, key, built: false };
    }
    return buildBundle(r);
  })().finally(() => inFlight.delete(id));
  inFlight.set(id, p);
  return p;
}
