// The rollback journal: one JSON file per device, written BEFORE the first change of a push, with
// the config snapshot the device must go back to. A run that dies mid-push (SIGKILL, a crashed
// worker, a pulled plug) leaves it behind; the next run finds it and restores the device
// (push.ts, recoverDevice). Removed only after a rollback that verified.
//
// Keyed by the DEVICE, not by the role an inventory gives it (issue 16: a journal left by bench A
// as `site1` was restored onto bench B, also `site1`): the file lives in a folder named by the
// device's model and serial as `show environment` printed them (identity.ts), and the record holds
// the address it was reached at. A journal is restored only onto the device it names, and only
// once the process that wrote it is dead (ownerState).
//
// SECURITY: the snapshot holds the device's secrets (a physical RTX shows pre-shared keys and
// tunnel passwords in `show config`; hidden ones are filled in from the lab's known config),
// because restoring them needs them. So the file is created mode 0600 in 0700 directories, is
// never printed or attached to a report, and errors about it name the file, never its content.

import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { identityFolder, sameDevice, describeIdentity, type DeviceIdentity } from './identity.ts';

export const JOURNAL_SUFFIX = '.rollback.json';
export const JOURNAL_FILE_MODE = 0o600;
export const JOURNAL_DIR_MODE = 0o700;

export interface JournalOwner {
  pid: number;
  host: string;
  /** ISO time the push started */
  startedAt: string;
  /** Linux: the owner's start time in clock ticks since boot (/proc/PID/stat field 22), so a reused pid is not taken for the owner */
  pidStart?: string;
}

export interface JournalRecord {
  version: 2;
  /** the role the run gave the device (for messages; the key is `identity`) */
  device: string;
  /** the device the snapshot was read from */
  identity: DeviceIdentity;
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

/** A journal that must not be restored here (another device, a live owner): nothing was changed. */
export class JournalRefusedError extends JournalError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'JournalRefusedError';
  }
}

const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function checkName(device: string): void {
  if (!DEVICE_NAME.test(device)) throw new JournalError(`device name '${device}': expected letters, digits, '.', '_' or '-' (it names the journal file)`);
}

/**
 * The journal file of a device: `DIR/<model>_<serial>/<role>.rollback.json`. Without an identity,
 * the first journal of that role in any device folder (tests and messages), else the legacy
 * `DIR/<role>.rollback.json` of journals written before they carried an identity.
 */
export function journalPath(dir: string, device: string, identity?: DeviceIdentity): string {
  checkName(device);
  if (identity) return join(dir, identityFolder(identity), device + JOURNAL_SUFFIX);
  return journalFiles(dir).find((f) => f.role === device)?.path ?? join(dir, device + JOURNAL_SUFFIX);
}

/** Write (or rewrite) the journal atomically: a 0600 temp file renamed over the old one. */
export function writeJournal(dir: string, record: JournalRecord): string {
  const path = journalPath(dir, record.device, record.identity);
  mkdirSync(dir, { recursive: true, mode: JOURNAL_DIR_MODE });
  mkdirSync(join(path, '..'), { recursive: true, mode: JOURNAL_DIR_MODE });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record), { mode: JOURNAL_FILE_MODE, flag: 'w' });
  chmodSync(tmp, JOURNAL_FILE_MODE); // in case the temp name existed with other bits
  renameSync(tmp, path);
  return path;
}

/** Read one journal file; a file that is not a version 2 journal is a clear error naming it. */
export function readJournalFile(path: string): JournalRecord {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new JournalError(`${path}: not a readable JSON journal (left as it is; restore the device by hand and delete it)`);
  }
  const r = v as Partial<Omit<JournalRecord, 'version'>> & { version?: number };
  if (r?.version === 1) {
    throw new JournalError(`${path}: a journal written before journals named their device (no serial, no address): the harness cannot tell which router it belongs to; restore that router by hand and delete the file`);
  }
  const id = r?.identity;
  if (r?.version !== 2 || typeof r.device !== 'string' || typeof r.snapshot !== 'string' || !Array.isArray(r.touched) || !Array.isArray(r.restoreLines) || typeof id?.serial !== 'string' || typeof id.model !== 'string' || typeof id.address !== 'string') {
    throw new JournalError(`${path}: not a version 2 rollback journal`);
  }
  return r as JournalRecord;
}

/** The journal of a role (any device): tests and old callers; undefined when there is none. */
export function readJournal(dir: string, device: string): JournalRecord | undefined {
  const path = journalPath(dir, device);
  return existsSync(path) ? readJournalFile(path) : undefined;
}

export function removeJournal(dir: string, device: string, identity: DeviceIdentity): void {
  rmSync(journalPath(dir, device, identity), { force: true });
}

export interface JournalFile {
  path: string;
  role: string;
  /** the device folder, undefined for a legacy journal at the top level */
  folder?: string;
}

/** Every journal file under the directory (device folders, and legacy ones at the top). */
export function journalFiles(dir: string): JournalFile[] {
  if (!existsSync(dir)) return [];
  const out: JournalFile[] = [];
  const roleOf = (f: string) => (f.endsWith(JOURNAL_SUFFIX) && DEVICE_NAME.test(f.slice(0, -JOURNAL_SUFFIX.length)) ? f.slice(0, -JOURNAL_SUFFIX.length) : undefined);
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    const role = roleOf(f);
    if (role !== undefined) out.push({ path: p, role });
    else if (statSync(p).isDirectory()) {
      for (const g of readdirSync(p).sort()) {
        const r = roleOf(g);
        if (r !== undefined) out.push({ path: join(p, g), role: r, folder: f });
      }
    }
  }
  return out;
}

/** Roles with a journal in the directory (a run left their devices changed). */
export function pendingJournals(dir: string): string[] {
  return journalFiles(dir).map((f) => f.role);
}

/** The journals in this device's folder; a record there naming another address is refused. */
export function deviceJournals(dir: string, identity: DeviceIdentity): { path: string; record: JournalRecord }[] {
  const folder = identityFolder(identity);
  return journalFiles(dir)
    .filter((f) => f.folder === folder)
    .map((f) => {
      const record = readJournalFile(f.path);
      if (!sameDevice(record.identity, identity)) {
        throw new JournalRefusedError(
          f.path,
          `journal ${f.path} was written for ${describeIdentity(record.identity)}, and this device is ${describeIdentity(identity)}: ` +
            'not restored here (nothing changed); restore it on the device it names, or check the inventory',
        );
      }
      return { path: f.path, record };
    });
}

/** /proc/PID/stat field 22 (start time since boot) on Linux; undefined elsewhere or when gone. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: count after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function journalOwner(): JournalOwner {
  const start = processStart(process.pid);
  return { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), ...(start ? { pidStart: start } : {}) };
}

/**
 * Whether the owner of a journal can still be driving the device: 'self' (this process),
 * 'alive' (same host, the pid runs and, on Linux, started when the owner did), 'dead', or
 * 'other-host' (cannot be told from here).
 */
export function ownerState(owner: JournalOwner): 'self' | 'alive' | 'dead' | 'other-host' {
  if (owner.host !== hostname()) return 'other-host';
  if (owner.pid === process.pid) return 'self';
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  if (owner.pidStart !== undefined) {
    const now = processStart(owner.pid);
    if (now !== undefined && now !== owner.pidStart) return 'dead'; // the pid was reused
  }
  return 'alive';
}
