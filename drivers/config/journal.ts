// The rollback journal: one JSON file per device, written BEFORE the first change of a push, with
// the config snapshot the device must go back to. A run that dies mid-push (SIGKILL, a crashed
// worker, a pulled plug) leaves it behind; the next run finds it and restores the device
// (push.ts, recoverDevice). Removed only after a rollback that verified.
//
// SECURITY: the snapshot holds the device's secrets (a physical RTX shows pre-shared keys and
// tunnel passwords in `show config`; hidden ones are filled in from the lab's known config),
// because restoring them needs them. So the file is created mode 0600 in a 0700 directory, is
// never printed or attached to a report, and errors about it name the file, never its content.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const JOURNAL_SUFFIX = '.rollback.json';
export const JOURNAL_FILE_MODE = 0o600;
export const JOURNAL_DIR_MODE = 0o700;

export interface JournalOwner {
  pid: number;
  host: string;
  /** ISO time the push started */
  startedAt: string;
}

export interface JournalRecord {
  version: 1;
  device: string;
  owner: JournalOwner;
  /** `show config` before the push, as the device printed it */
  snapshot: string;
  /** lines of the snapshot whose secrets the device hid (`*`), with the secret filled in */
  restoreLines: { key: string; text: string }[];
  /** keys of the settings the push changes */
  touched: string[];
  planned: number;
  /** commands the device has acknowledged so far */
  applied: number;
  state: 'pushing' | 'pushed' | 'rolling-back';
}

export class JournalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalError';
  }
}

const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function journalPath(dir: string, device: string): string {
  if (!DEVICE_NAME.test(device)) throw new JournalError(`device name '${device}': expected letters, digits, '.', '_' or '-' (it names the journal file)`);
  return join(dir, device + JOURNAL_SUFFIX);
}

/** Write (or rewrite) the journal atomically: a 0600 temp file renamed over the old one. */
export function writeJournal(dir: string, record: JournalRecord): string {
  mkdirSync(dir, { recursive: true, mode: JOURNAL_DIR_MODE });
  const path = journalPath(dir, record.device);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record), { mode: JOURNAL_FILE_MODE, flag: 'w' });
  chmodSync(tmp, JOURNAL_FILE_MODE); // in case the temp name existed with other bits
  renameSync(tmp, path);
  return path;
}

export function readJournal(dir: string, device: string): JournalRecord | undefined {
  const path = journalPath(dir, device);
  if (!existsSync(path)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new JournalError(`${path}: not a readable JSON journal (left as it is; restore the device by hand and delete it)`);
  }
  const r = v as Partial<JournalRecord>;
  if (r?.version !== 1 || r.device !== device || typeof r.snapshot !== 'string' || !Array.isArray(r.touched) || !Array.isArray(r.restoreLines)) {
    throw new JournalError(`${path}: not a version 1 rollback journal for '${device}'`);
  }
  return r as JournalRecord;
}

export function removeJournal(dir: string, device: string): void {
  rmSync(journalPath(dir, device), { force: true });
}

/** Devices with a journal in the directory (a run left them changed). */
export function pendingJournals(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(JOURNAL_SUFFIX))
    .map((f) => f.slice(0, -JOURNAL_SUFFIX.length))
    .filter((d) => DEVICE_NAME.test(d));
}

export function journalOwner(): JournalOwner {
  return { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
}
