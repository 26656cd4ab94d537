// Evidence attached to a device test: pcap, syslog slice, CLI transcript, the oracle's prediction and,
// on a mismatch, the diff. Attached through Playwright's test.info().attach, which allure-playwright
// turns into Allure attachments and Playwright's own reporters keep too.
// Secrets: drivers/ redacts transcripts and syslog at the source; `secrets` here is a last line of
// defence for any text attachment (every occurrence becomes ********).

import { test } from '@playwright/test';
import { lineDiff, stableJson } from './text-diff.ts';

export const MASK = '********';

export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const s of [...secrets].filter((x) => x.length > 0).sort((x, y) => y.length - x.length)) out = out.split(s).join(MASK);
  return out;
}

/** Capture bytes as written by reference-impl/capture (pcap or pcapng). */
export async function attachPcap(name: string, bytes: Uint8Array, format: 'pcap' | 'pcapng' = 'pcap'): Promise<void> {
  const contentType = format === 'pcap' ? 'application/vnd.tcpdump.pcap' : 'application/x-pcapng';
  const file = name.endsWith(`.${format}`) ? name : `${name}.${format}`;
  await test.info().attach(file, { body: Buffer.from(bytes), contentType });
}

/** The syslog lines received during the test (or around the failure). */
export async function attachSyslogSlice(name: string, lines: readonly string[], secrets?: readonly string[]): Promise<void> {
  await test.info().attach(name, { body: maskSecrets(lines.join('\n') + '\n', secrets), contentType: 'text/plain' });
}

/** A CLI session transcript (already redacted by drivers/transcript). */
export async function attachCliTranscript(name: string, transcript: string, secrets?: readonly string[]): Promise<void> {
  await test.info().attach(name, { body: maskSecrets(transcript, secrets), contentType: 'text/plain' });
}

export interface OracleComparison {
  /** What the oracle predicted (any JSON-able value; bigint and bytes are rendered readable). */
  readonly predicted: unknown;
  readonly observed: unknown;
  /** Attachment name prefix, e.g. "frames at LAN B". */
  readonly what: string;
  readonly secrets?: readonly string[];
}

/**
 * Attaches the prediction always, and the observation plus a line diff when they differ.
 * Returns whether they agree, so the caller can `expect(...)` on it after the evidence is attached.
 */
export async function attachOracleComparison(c: OracleComparison): Promise<boolean> {
  const p = maskSecrets(stableJson(c.predicted), c.secrets);
  const o = maskSecrets(stableJson(c.observed), c.secrets);
  await test.info().attach(`${c.what}: oracle prediction`, { body: p, contentType: 'application/json' });
  if (p === o) return true;
  await test.info().attach(`${c.what}: observed`, { body: o, contentType: 'application/json' });
  await test.info().attach(`${c.what}: diff`, { body: lineDiff(p, o), contentType: 'text/plain' });
  return false;
}
