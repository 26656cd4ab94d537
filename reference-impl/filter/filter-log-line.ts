// The syslog line a filter with `-log` writes when it matches (pass-log, reject-log). Pure.
import type { FilterDecision } from './ethernet-filter.ts';
import type { StageRef } from './pipeline.ts';

/** Severity of a filter log line (RFC 5424 §6.2.1 number). ASSUMPTION, with the format below. */
export const FILTER_LOG_SEVERITY = 5;

/**
 * ASSUMPTION filter-log-line: a filter with `-log` that matches writes one NOTICE line
 * `[ETHERNET] IF Rejected at IN(N) filter: SRC > DST` (IP: `IF Passed at IN(N) filter: PROTO=P SRC > DST`),
 * after the form third-party RTX IP-filter logs show (not documented; a hardware run confirms or
 * refutes). The emulated router's copy (reference-impl/router/filter-stage.ts filterLogLine) should
 * import this one.
 */
export function filterLogText(kind: 'ethernet' | 'ip', ref: StageRef, d: FilterDecision, what: string): string {
  const verdict = d.verdict === 'pass' ? 'Passed' : 'Rejected';
  const text = `${ref.interfaceName} ${verdict} at ${ref.direction.toUpperCase()}(${d.matchedId}) filter: ${what}`;
  return kind === 'ethernet' ? `[ETHERNET] ${text}` : text;
}
