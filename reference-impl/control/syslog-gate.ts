// Which setting lets each catalogue line out. The CR (yamaha-platform-facts.md §1.1, §7):
// `l2tp syslog on` logs connection control at debug level and excludes keepalive;
// `l2tp keepalive log on` logs keepalive at debug level. The seed's INFO lines are not
// said to be gated, so they always come out (the router's `syslog info` decides the rest).
import { SYSLOG_CATALOGUE, renderSyslog, type SyslogArgs, type SyslogId } from '../syslog/catalogue.ts';
import type { NodeAction } from './node-events.ts';
import type { TunnelSettings } from './tunnel-settings.ts';
import { messageTypeName } from '../l2tpv3/message-types.ts';

export type SyslogGate = 'always' | 'l2tp-syslog' | 'keepalive-log';

/**
 * ASSUMPTION: INFO lines always; DEBUG lines need `l2tp syslog on`. No catalogue line is a
 * keepalive debug line (keepalive expiry is INFO), so `l2tp keepalive log` gates none of them
 * (not documented; a hardware run confirms or refutes).
 */
export const SYSLOG_GATES: Record<SyslogId, SyslogGate> = Object.fromEntries(
  (Object.keys(SYSLOG_CATALOGUE) as SyslogId[]).map((id) => [id, SYSLOG_CATALOGUE[id].level === 'INFO' ? 'always' : 'l2tp-syslog']),
) as Record<SyslogId, SyslogGate>;

export function gateOpen(gate: SyslogGate, settings: Pick<TunnelSettings, 'syslog' | 'keepaliveLog'> | undefined, unboundOpen: boolean): boolean {
  if (gate === 'always') return true;
  if (!settings) return unboundOpen;
  return gate === 'l2tp-syslog' ? settings.syslog : settings.keepaliveLog;
}

/** Appends the rendered line when its gate is open. */
export function logLine(out: NodeAction[], id: SyslogId, args: SyslogArgs, settings: TunnelSettings | undefined, unboundOpen: boolean): void {
  if (!gateOpen(SYSLOG_GATES[id], settings, unboundOpen)) return;
  out.push({ kind: 'syslog', id, level: SYSLOG_CATALOGUE[id].level, text: renderSyslog(id, args) });
}

/**
 * Catalogue lines the control plane never produces, with the reason; the coverage test
 * reads this table. Every seed line is produced here today (the decoder's lines come from
 * feeding the node bad bytes), so it is empty.
 */
export const NOT_PRODUCED_BY_CONTROL_PLANE: Partial<Record<SyslogId, string>> = {};

/**
 * The {message} of the state-mismatch lines: the message's short name (`ICRQ`). ASSUMPTION: an
 * unknown Message Type is printed as one token, `type<N>`: the seed gives no form for it, and every
 * placeholder of the catalogue is one token (syslogPattern), so `type 9748` (two tokens, found by
 * the robustness campaign) matched no catalogue pattern (not documented; a hardware run confirms or refutes).
 */
export function syslogMessageName(type: number | undefined): string {
  if (type === undefined) return 'type<none>';
  const name = messageTypeName(type);
  return /\s/.test(name) ? `type<${type}>` : name;
}
