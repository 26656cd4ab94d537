// `router --key-log FILE` (issue 15 point 1): each SA's keys in the oracle's key-log format
// (ipsec/key-log.ts, read by `decode --ipsec-keys` and turned into tshark options), appended as
// the SAs are made. Never on by default; the file is created with mode 0600 and kept there; the
// keys go nowhere else (no log line, no error text carries them).
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { formatKeyLogEntry, type KeyLogEntry } from '../../ipsec/key-log.ts';

export class KeyLogFile {
  private fd: number | undefined;

  /** Opens (creating 0600, or appending to) FILE; an error names the path only. */
  /** mode: 0600 always, but for the key-log-world-readable defect (ipsec-defects.ts). */
  constructor(readonly path: string, mode = 0o600) {
    try {
      this.fd = openSync(path, 'a', mode);
      // an existing file keeps its mode on open: make it owner-only too
      fchmodSync(this.fd, mode);
    } catch (e) {
      throw new Error(`cannot open --key-log ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  write(entries: readonly KeyLogEntry[]): void {
    if (this.fd === undefined || entries.length === 0) return;
    writeSync(this.fd, entries.map((e) => `${formatKeyLogEntry(e)}\n`).join(''));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
