// How the emulated router turns a log line into a syslog datagram, and which
// `syslog info|notice|debug` switch lets each level out (`show log` itself: log-buffer.ts). Pure.
// Facts: yamaha-platform-facts.md §7 (L2TP debug lines need `syslog debug on`).

export type RouterLogLevel = 'INFO' | 'NOTICE' | 'DEBUG';

export interface SyslogSwitches {
  info: boolean;
  notice: boolean;
  debug: boolean;
}

/**
 * Everything about the syslog datagram and the switches the documents do not give.
 * ASSUMPTION: the datagram is `<PRI>` followed by the message text only (no RFC 3164 timestamp or
 * hostname: the collector stamps them), facility `user` (1) as RTX's `syslog facility` default,
 * severities info 6 / notice 5 / debug 7; `syslog info` defaults on, `notice` and `debug` off; the
 * same switches decide what `show log` keeps (not documented; a hardware run confirms or refutes).
 */
export const SYSLOG_WIRE_ASSUMPTIONS = {
  facility: 1,
  severity: { INFO: 6, NOTICE: 5, DEBUG: 7 } as Readonly<Record<RouterLogLevel, number>>,
  defaults: { info: true, notice: false, debug: false } as Readonly<SyslogSwitches>,
  port: 514,
  sameSwitchesForShowLog: true,
} as const;

export function levelEnabled(level: RouterLogLevel, sw: SyslogSwitches): boolean {
  return level === 'INFO' ? sw.info : level === 'NOTICE' ? sw.notice : sw.debug;
}

export function syslogPri(level: RouterLogLevel): number {
  return SYSLOG_WIRE_ASSUMPTIONS.facility * 8 + SYSLOG_WIRE_ASSUMPTIONS.severity[level];
}

export function syslogDatagram(level: RouterLogLevel, text: string): Buffer {
  return Buffer.from(`<${syslogPri(level)}>${text}`, 'utf8');
}
