// `--version`: the package version and the git commit of the checkout it runs from. The commit is
// read at run time (a fresh clone, a CI checkout and an npm tarball differ); outside a git checkout
// it is 'unknown'.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function gitCommit(): string {
  if (!existsSync(join(ROOT, '.git'))) return 'unknown';
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** One line: `l2tpv3-conformance 0.1.0 (commit a25f256)`. */
export function versionLine(): string {
  return `l2tpv3-conformance ${packageVersion()} (commit ${gitCommit()})`;
}
