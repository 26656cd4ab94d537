// `decode` as one esbuild bundle (drivers/lab/bundle-cache.ts): the same decode command and the
// same error handling as cli/main.ts, started without tsx's loader hooks, which cost a few hundred
// milliseconds of CPU at start-up: a noticeable share of a whole `decode` run. Used by the decode
// benchmark (bench/decode-cli.bench.ts); bin/l2tpv3-conformance.mjs could dispatch `decode` to it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle, type BundleRecipe } from '../drivers/lab/bundle-cache.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The entry: cli/main.ts's handling for the one subcommand `decode` (main.ts itself imports every
 * subcommand lazily, which a decode bundle should not carry). argv: what follows `decode`.
 */
const DECODE_ENTRY = `import { invoke, PROGRAM } from './command-table.ts';
import { DECODE_COMMAND } from './decode.ts';
import { EXIT, HarnessError, UsageError } from './exit-codes.ts';
const words = [PROGRAM, 'decode'];
try {
  process.exitCode = await invoke(DECODE_COMMAND, process.argv.slice(2), words);
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(\`\${words.join(' ')}: \${e.message}\\n\`);
    process.exitCode = EXIT.usage;
  } else {
    const message = e instanceof HarnessError ? e.message : \`internal error: \${(e && e.message) || String(e)}\`;
    process.stderr.write(\`\${words.join(' ')}: \${message}\\n\`);
    process.exitCode = EXIT.harness;
  }
}
`;

export function decodeBundleRecipe(cacheDir = path.join(ROOT, 'node_modules', '.cache', 'l2tpv3-decode')): BundleRecipe {
  return { name: 'decode', root: ROOT, entrySource: DECODE_ENTRY, resolveDir: path.join(ROOT, 'cli'), external: [], cacheDir };
}

/** The command line that runs `decode` from the cached bundle (built when the sources changed). */
export async function decodeBundleArgv(): Promise<{ argv: string[]; built: boolean }> {
  const b = await cachedBundle(decodeBundleRecipe());
  return { argv: [process.execPath, b.file], built: b.built };
}
