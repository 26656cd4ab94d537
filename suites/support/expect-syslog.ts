// Syslog expectations from the seed's catalogue (reference-impl/syslog/catalogue.ts): exact text,
// and the severity of the catalogue's level.
import { expect } from '@playwright/test';
import { renderSyslog, SYSLOG_CATALOGUE, type SyslogArgs, type SyslogId } from '../../reference-impl/syslog/catalogue.ts';
import type { SyslogLine } from '../../drivers/dut/syslog-listener.ts';
import type { DeviceLab } from './device-lab.ts';

// RFC 5424 §6.2.1 severities of the catalogue's two levels (informational 6, debug 7).
export const SEVERITY_OF_LEVEL = { INFO: 6, DEBUG: 7 } as const;

/** Bounded wait for a waitFor on syslog in a suite (timers are scaled; 5 s is generous). */
export const SYSLOG_WAIT_MS = 5_000;

/** Waits for the exact catalogue line; checks its severity when `checkLevel`. */
export async function expectSyslog(lab: DeviceLab, id: SyslogId, args: SyslogArgs = {}, checkLevel = false): Promise<SyslogLine> {
  const line = await lab.syslog.waitFor(renderSyslog(id, args), SYSLOG_WAIT_MS);
  if (checkLevel) expect(line.pri % 8, `severity of "${line.text}"`).toBe(SEVERITY_OF_LEVEL[SYSLOG_CATALOGUE[id].level]);
  return line;
}
