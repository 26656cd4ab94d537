// The guest-side LAC (guest-lac.ts) as one esbuild bundle, cached like the router's
// (drivers/lab/bundle-cache.ts): the guest runs under TCG, where tsx compiling dozens of
// TypeScript modules at start would take far longer than loading one file over 9p. And the bash
// that starts it in the guest.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedBundle } from '../../../drivers/lab/bundle-cache.ts';
import { LAC_MARKER } from './guest-lac.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const MANAGED_HELPER = fileURLToPath(new URL('./l2tp-managed-tunnel.py', import.meta.url));

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

export interface LacRun {
  local: string;
  device: string;
  cookieLength: 0 | 4 | 8;
  endId: string;
  timeoutMs: number;
  tunnel: 'static' | 'managed';
}

/** Where a managed LAC's pid is kept in the guest (stopLacScript). */
const LAC_PID = '/tmp/lac.pid';

/**
 * Bash for the guest. Static: the LAC runs to its end. Managed: it stays in the background; the
 * script returns once its layout line arrives through a FIFO (event-driven; EOF if it dies first),
 * and a `cat` keeps draining its output into /tmp/lac.out afterwards.
 */
export function lacScript(bundle: string, r: LacRun): string {
  const args = `--local ${r.local} --device ${r.device} --cookie ${r.cookieLength} --end-id ${r.endId} --timeout ${r.timeoutMs}`;
  if (r.tunnel === 'static') return `node ${bundle} ${args}`;
  return [
    'rm -f /tmp/lac.fifo && mkfifo /tmp/lac.fifo',
    `node ${bundle} ${args} --managed ${MANAGED_HELPER} >/tmp/lac.fifo 2>&1 &`,
    `echo $! > ${LAC_PID}`,
    'exec 4</tmp/lac.fifo',
    'seen=0',
    `while IFS= read -r line <&4; do echo "$line"; case "$line" in '${LAC_MARKER}'*) seen=1; break;; esac; done`,
    'cat <&4 >/tmp/lac.out &',
    '[ "$seen" = 1 ]',
  ].join('\n');
}

/** Bash for the guest: SIGTERM to a managed LAC (it sends StopCCN and exits). */
export const stopLacScript = `[ -f ${LAC_PID} ] && kill "$(cat ${LAC_PID})" 2>/dev/null; rm -f ${LAC_PID}; true`;
