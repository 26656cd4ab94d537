// Lines the device prints on its own, interleaved with command output (console syslog).
// They are taken out of a command's output and returned apart, never mistaken for output.
//
// ASSUMPTION: the console shows an asynchronous message as the bare syslog text on its own line,
// without the `YYYY/MM/DD HH:MM:SS: ` prefix of `show log` (not documented; a hardware run
// confirms or refutes). Keeping the timestamped form out of this table is what keeps `show log`
// output intact.

import { SYSLOG_CATALOGUE, syslogPattern, type SyslogId } from '../../reference-impl/syslog/catalogue.ts';

// Messages of `show log` (yamaha-platform-facts.md §3.5) that the console may also print.
const OTHER_ASYNC_MESSAGES: readonly { pattern: RegExp; source: string }[] = [
  { pattern: /^\[IKE\] /, source: 'facts §3.5' },
  { pattern: /^IP Tunnel\[\d+\] (?:Up|Down)$/, source: 'facts §3.5' },
  { pattern: /^\[L2TP(?:v3)?\] TUNNEL\[[^\]]*\] /, source: 'facts §3.5' },
  { pattern: /^(?:Login succeeded for|Logout from|'administrator' succeeded for) /, source: 'facts §3.5' },
  { pattern: /^same message repeated \d+ times$/, source: 'facts §3.5' },
  { pattern: /^Configuration saved in /, source: 'facts §3.5' },
];

// Every catalogue line, anchored at the start of the line (the catalogue's own patterns end with `$`).
const CATALOGUE_PATTERNS: readonly RegExp[] = (Object.keys(SYSLOG_CATALOGUE) as SyslogId[]).map(
  (id) => new RegExp('^' + syslogPattern(id).source),
);

export const DEFAULT_ASYNC_PATTERNS: readonly RegExp[] = [...CATALOGUE_PATTERNS, ...OTHER_ASYNC_MESSAGES.map((m) => m.pattern)];

export function asyncLineMatcher(extra: readonly RegExp[] = []): (line: string) => boolean {
  const all = [...DEFAULT_ASYNC_PATTERNS, ...extra];
  return (line) => {
    const t = line.trim();
    return t !== '' && all.some((p) => p.test(t));
  };
}
