// `peer --key-log FILE`: every SA the peer sets up, one line each in the oracle's key-log format
// (reference-impl/ipsec/key-log.ts), so tshark can decrypt the peer's pcap (ipsec-facts.md
// "Wireshark/tshark 4.0"). Never on by default. The file is created 0600 (and an existing one is
// set to 0600 before the first key goes in): it holds keys. Lines are written as the SAs come up,
// so a run that is killed still leaves the keys of what it captured.
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { formatKeyLogEntry, type KeyLogEntry } from '../../../reference-impl/ipsec/key-log.ts';

export interface KeyLogSink {
  add(entries: readonly KeyLogEntry[]): void;
  close(): void;
}

/** Keeps the lines in memory (tests turn them into tshark options). */
export class MemoryKeyLog implements KeyLogSink {
  readonly entries: KeyLogEntry[] = [];
  add(entries: readonly KeyLogEntry[]): void {
    this.entries.push(...entries);
  }
  close(): void {}
}

export class KeyLogFile implements KeyLogSink {
  private fd: number | undefined;

  /** Opens (truncates) `path` with mode 0600; throws the fs error (its code names the problem). */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w', 0o600);
    fchmodSync(this.fd, 0o600);
    writeSync(this.fd, '# l2tpv3-conformance peer key log (reference-impl/ipsec/key-log.ts format): keys, keep private\n');
  }

  add(entries: readonly KeyLogEntry[]): void {
    if (this.fd === undefined) return;
    for (const e of entries) writeSync(this.fd, `${formatKeyLogEntry(e)}\n`);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Sends each entry to every sink. */
export class TeeKeyLog implements KeyLogSink {
  constructor(private readonly sinks: readonly KeyLogSink[]) {}
  add(entries: readonly KeyLogEntry[]): void {
    for (const s of this.sinks) s.add(entries);
  }
  close(): void {
    for (const s of this.sinks) s.close();
  }
}
