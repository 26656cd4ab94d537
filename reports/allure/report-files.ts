// Reads files out of a generated Allure 2 report, whichever way it was generated: the multi-file
// report keeps them on disk (data/test-cases/<uid>.json, history/*.json, widgets/*.json); the
// single-file report (`--single-file`, our default) embeds each of them in index.html as
// `d('<path>','<base64>')`. Used for the history carried across runs and for the matrix's links.
//
// The single-file index.html embeds every attachment too (pcaps), so it can be large: it is scanned
// as bytes and only the wanted entries are decoded.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const OPEN = Buffer.from("d('", 'latin1');
const SEP = Buffer.from("','", 'latin1');
const CLOSE = Buffer.from("')", 'latin1');
// A report path as allure-commandline 2.x writes it: no quote, no backslash, no space.
const PATH_RE = /^[A-Za-z0-9._/-]+$/;

export class AllureReportFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllureReportFilesError';
  }
}

/** The report's files under `prefix` (e.g. 'history/', 'data/test-cases/'), path -> bytes. */
export function readAllureReportFiles(reportDir: string, prefix: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const onDisk = join(reportDir, prefix);
  // On disk: the multi-file report, or history/ as generate.ts extracts it next to a single file.
  if (prefix.endsWith('/') && existsSync(onDisk)) {
    for (const name of readdirSync(onDisk)) {
      if (!name.startsWith('.')) out.set(prefix + name, readFileSync(join(onDisk, name)));
    }
    if (out.size > 0) return out;
  }
  const index = join(reportDir, 'index.html');
  if (!existsSync(index)) return out;
  const html = readFileSync(index);
  let at = html.indexOf(OPEN);
  while (at >= 0) {
    const pathStart = at + OPEN.length;
    const sep = html.indexOf(SEP, pathStart);
    if (sep < 0 || sep - pathStart > 300) {
      at = html.indexOf(OPEN, pathStart);
      continue;
    }
    const path = html.toString('latin1', pathStart, sep);
    if (!PATH_RE.test(path)) {
      at = html.indexOf(OPEN, pathStart);
      continue;
    }
    const close = html.indexOf(CLOSE, sep + SEP.length);
    if (close < 0) break;
    if (path.startsWith(prefix)) out.set(path, Buffer.from(html.toString('latin1', sep + SEP.length, close), 'base64'));
    at = html.indexOf(OPEN, close);
  }
  return out;
}

/** One file of the report parsed as JSON, or undefined when the report does not have it. */
export function readAllureReportJson(reportDir: string, path: string): unknown {
  const slash = path.lastIndexOf('/');
  const files = readAllureReportFiles(reportDir, path.slice(0, slash + 1));
  const bytes = files.get(path);
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new AllureReportFilesError(`${join(reportDir, path)}: not JSON (${(e as Error).message})`);
  }
}
