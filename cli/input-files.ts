// Input and output paths are checked before a command does anything (issue 17 point 1): a missing,
// unreadable or binary input file and an output file in a missing folder are usage/input errors
// (exit 2) that name the flag or argument and the path, never a stack trace after the work.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './exit-codes.ts';

/** Bytes looked at to call a file binary: enough for a header, cheap on a huge capture. */
const SNIFF_BYTES = 8192;

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder, not a file' : (code ?? (e as Error).message);
}

/** The offset of the first byte that no text file has (NUL), or -1. */
export function binaryOffset(bytes: Uint8Array): number {
  return bytes.indexOf(0);
}

/**
 * Throws UsageError unless `file` is a readable regular file ('-' is stdin and passes); for 'text'
 * also unless its first bytes hold no NUL (a pcap, an image, a gzip are refused in one line).
 */
export function checkInputFile(file: string, kind: 'text' | 'binary', label: string): void {
  if (file === '-') return;
  let fd: number | undefined;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${label} ${file}: is a folder, not a file`);
    fd = openSync(file, 'r');
    if (kind === 'text') {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
      const at = binaryOffset(buf.subarray(0, n));
      if (at >= 0) throw new UsageError(`${label} ${file}: not a text file (binary byte 0x00 at offset ${at})`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${label} ${file}: cannot read (${errnoText(e)})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Throws UsageError unless the folder an output file goes into exists (and the path is no folder). */
export function checkOutputFile(file: string, label: string): void {
  const dir = dirname(resolve(file));
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new UsageError(`${label} ${file}: its folder ${dir} cannot be used (${errnoText(e)})`);
  }
  if (!st.isDirectory()) throw new UsageError(`${label} ${file}: ${dir} is not a folder`);
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${label} ${file}: is a folder, not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e; // ENOENT: the file is created later, fine
  }
}
