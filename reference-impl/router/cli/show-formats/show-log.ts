// `show log [reverse]` (facts §3.5, real RTX1100): `YYYY/MM/DD HH:MM:SS: <message>` per line.

import type { LogEntry } from '../../device.ts';
import { formatDateTime } from '../time-format.ts';

// ASSUMPTION: plain `show log` lists the oldest line first and `reverse` the newest first
// (the CR names a `reverse` option; the digest's sample does not settle the default order).
export const SHOW_LOG_OLDEST_FIRST = true;

export function showLogLines(entries: readonly LogEntry[], offsetMinutes: number, reverse: boolean): string[] {
  const lines = entries.map((e) => `${formatDateTime(e.timeMs, offsetMinutes)}: ${e.text}`);
  return SHOW_LOG_OLDEST_FIRST !== reverse ? lines : lines.reverse();
}
