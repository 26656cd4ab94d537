// Output folders are claimed, never assumed (issue 17 point 1). The tool writes a marker file into
// a folder it creates or claims; a non-empty folder without the marker is refused (exit 2) unless
// everything in it is a name the tool itself writes (an output folder from before markers), and a
// folder holding a checkout (or the checkout itself, `--out .`) is always refused. Inside a claimed
// folder the tool removes only the outputs it names (allure-results, results.json, ...), never a
// user's file and never the run history.
// Two steps, so that nothing changes before every input is validated: checkOutputFolder() only
// reads (the command table calls it while parsing); claimOutputFolder() writes, after validation.
import { existsSync, mkdirSync, readdirSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { HarnessError, UsageError } from './exit-codes.ts';

export const OUTPUT_MARKER = '.l2tpv3-conformance-output';

/** Every name the tool writes into an output folder (reports/allure/reporter-config.ts reportPaths). */
export const TOOL_OUTPUT_NAMES: readonly string[] = [
  OUTPUT_MARKER, 'allure-results', 'allure-report', 'junit.xml', 'results.json', 'matrix.json', 'matrix.html', 'matrix.md', 'history.json', 'history.json.tmp',
  'test-output',
];

const CHECKOUT = resolve(import.meta.dirname, '..');

function isInside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !r.startsWith(sep) && r !== '..');
}

export interface FolderProblem {
  /** 'foreign': a non-empty folder of someone else's (the only kind `report` may still write into) */
  readonly kind: 'checkout' | 'file' | 'foreign';
  readonly message: string;
}

/** Why `dir` cannot be an output folder, or undefined when it can (reads only). */
export function outputFolderProblem(dir: string): FolderProblem | undefined {
  const abs = resolve(dir);
  if (isInside(CHECKOUT, abs)) return { kind: 'checkout', message: `${dir} is (or holds) the project checkout ${CHECKOUT}; choose a folder of its own, e.g. reports/out` };
  if (!existsSync(abs)) return undefined;
  if (!statSync(abs).isDirectory()) return { kind: 'file', message: `${dir} is a file, not a folder` };
  if (existsSync(join(abs, '.git'))) return { kind: 'checkout', message: `${dir} is a git checkout; choose a folder of its own` };
  const entries = readdirSync(abs);
  if (entries.length === 0 || entries.includes(OUTPUT_MARKER)) return undefined;
  const foreign = entries.filter((e) => !TOOL_OUTPUT_NAMES.includes(e));
  if (foreign.length === 0) return undefined; // only our own outputs, written before markers existed
  const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, ... (${foreign.length} entries)` : '');
  return { kind: 'foreign', message: `${dir} is not empty and was not created by this tool (no ${OUTPUT_MARKER} file; it holds ${shown}); use an empty or new folder` };
}

/** Throws UsageError when `dir` cannot be an output folder. No filesystem change. */
export function checkOutputFolder(dir: string, label = '--out'): void {
  const problem = outputFolderProblem(dir);
  if (problem !== undefined) throw new UsageError(`${label} ${problem.message}`);
}

/** A filesystem failure while writing outputs: exit 3 with the path and the reason (ENOSPC: disk full). */
export function writeFailure(path: string, e: unknown): HarnessError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'no space left on the device (ENOSPC)' : code === 'EACCES' ? 'permission denied (EACCES)' : code ?? (e as Error).message;
  return new HarnessError(`cannot write ${path}: ${why}; what was written before is kept`);
}

/** Whether the filesystem holding `dir` has no block left for us (a truncated output's likely cause). */
/**
 * Whether the folder's filesystem cannot take `bytes` more (a probe file, written and removed): a
 * child that crashed on ENOSPC (Playwright's reporters write attachments there) leaves a few
 * blocks free, which statfs alone would not call full.
 */
export function noRoomFor(dir: string, bytes = 64 * 1024): boolean {
  const probe = join(dir, '.l2tpv3-conformance-space-probe');
  try {
    writeFileSync(probe, Buffer.alloc(bytes));
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOSPC';
  } finally {
    rmSync(probe, { force: true });
  }
}

export function filesystemFull(dir: string): boolean {
  try {
    return statfsSync(dir).bavail === 0;
  } catch {
    return false;
  }
}

/** Creates (or claims) the folder and writes its marker; checks again first. */
export function claimOutputFolder(dir: string, label = '--out'): void {
  checkOutputFolder(dir, label);
  const marker = join(dir, OUTPUT_MARKER);
  try {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(marker)) writeFileSync(marker, 'This folder was created by l2tpv3-conformance; it removes only the outputs it wrote here.\n');
  } catch (e) {
    throw writeFailure(marker, e);
  }
}

/**
 * Removes outputs of an earlier run from a claimed folder: only the given names, which must be
 * tool outputs (never history.json: the history carries across runs).
 */
export function removeOwnOutputs(dir: string, names: readonly string[]): void {
  if (!existsSync(join(dir, OUTPUT_MARKER))) throw new Error(`${dir}: not a claimed output folder`);
  for (const n of names) {
    if (!TOOL_OUTPUT_NAMES.includes(n) || n === 'history.json' || n === OUTPUT_MARKER) throw new Error(`refusing to remove ${n}: not a removable output`);
    rmSync(join(dir, n), { recursive: true, force: true });
  }
}
