// What a learn run's observations say of the project's named assumptions (issue 16 point 3): each
// assumption the probes touched is confirmed or refuted, by its id, with what was assumed and what
// the device did. Pure: observations in, verdicts out (tests feed it observations directly).
import { DEFAULT_CONTROL_PROFILE } from '../../reference-impl/control/control-profile.ts';
import { SESSION_PROFILE_ASSUMPTIONS } from '../../reference-impl/control/session-profile-assumptions.ts';
import { SYSLOG_RENDERING_ASSUMPTIONS, renderSyslog, type SyslogArgs, type SyslogId } from '../../reference-impl/syslog/catalogue.ts';
import type { LearnObservations } from './observations.ts';

export type Verdict = 'confirmed' | 'refuted' | 'not-probed';

export interface AssumptionVerdict {
  /** the assumption's id where it has one (session-profile-assumptions.ts), else `area:name` */
  id: string;
  /** where the assumption is written */
  source: string;
  verdict: Verdict;
  assumed: string;
  observed: string;
}

const SESSION_SOURCE = 'reference-impl/control/session-profile-assumptions.ts';

/** What the device's ICRP said, in the words of the assumption it settles. */
function sessionVerdicts(o: LearnObservations): AssumptionVerdict[] {
  const a = SESSION_PROFILE_ASSUMPTIONS;
  const s = o.session;
  const rows: { id: string; assumed: number; observed: number | undefined; what: (v: number) => string }[] = [
    { id: a.cookieLength.id, assumed: a.cookieLength.value, observed: s?.cookieLength, what: (v) => (v === 0 ? 'no Assigned Cookie AVP' : `an Assigned Cookie of ${v} octets`) },
    { id: a.l2ssOffered.id, assumed: a.l2ssOffered.value, observed: s?.l2ss, what: (v) => (v === 0 ? 'no L2-Specific Sublayer (L2SS AVP absent or 0)' : `L2-Specific Sublayer ${v}${v === 1 ? ' (Default L2SS)' : ''}`) },
    { id: a.dataSequencing.id, assumed: a.dataSequencing.value, observed: s?.dataSequencing, what: (v) => (v === 0 ? 'no Data Sequencing (AVP absent or 0)' : `Data Sequencing level ${v}`) },
  ];
  return rows.map((r) => ({
    id: r.id, source: SESSION_SOURCE, assumed: r.what(r.assumed),
    ...(r.observed === undefined
      ? { verdict: 'not-probed' as const, observed: o.sessionError ?? 'no session came up' }
      : { verdict: r.observed === r.assumed ? ('confirmed' as const) : ('refuted' as const), observed: `${r.what(r.observed)} in its ${s?.message ?? 'ICRP'}` }),
  }));
}

const CONTROL_SOURCE = 'reference-impl/control/control-profile.ts (DEFAULT_CONTROL_PROFILE)';

/**
 * How far a measured retransmission interval may be from the assumed one and still confirm it:
 * a timer tick of the device plus the scheduling of both ends on a real-time wire (a quarter of the
 * RFC's 1 s; RFC 3931 §4.2 gives no precision). Printed in the verdict.
 */
export const RETRANSMIT_TOLERANCE_MS = 250;

/** The control connection as the device ran it, against the control profile's defaults. */
function controlVerdicts(o: LearnObservations): AssumptionVerdict[] {
  const c = o.control ?? {};
  const d = DEFAULT_CONTROL_PROFILE;
  const why = o.sessionError ?? 'not seen';
  const row = (name: string, assumed: string, observed: string | undefined, same: boolean): AssumptionVerdict => ({
    id: `control:${name}`, source: CONTROL_SOURCE, assumed,
    ...(observed === undefined ? { verdict: 'not-probed' as const, observed: why } : { verdict: same ? ('confirmed' as const) : ('refuted' as const), observed }),
  });
  const vendor = (v: string | null | undefined) => (v === null || v === undefined ? 'no Vendor Name AVP' : `Vendor Name '${v}'`);
  return [
    row('receiveWindow', `Receive Window Size ${d.receiveWindow} in its SCCRP`, c.receiveWindow === undefined ? undefined : `Receive Window Size ${c.receiveWindow}`, c.receiveWindow === d.receiveWindow),
    row('vendorName', vendor(d.vendorName), c.vendorName === undefined ? undefined : vendor(c.vendorName), (c.vendorName ?? undefined) === d.vendorName),
    row('retransmitInitialMs', `first retransmission after ${d.retransmitInitialMs} ms (±${RETRANSMIT_TOLERANCE_MS} ms)`, c.retransmitMs === undefined ? undefined : `SCCRP sent again after ${c.retransmitMs} ms`,
      c.retransmitMs !== undefined && Math.abs(c.retransmitMs - d.retransmitInitialMs) <= RETRANSMIT_TOLERANCE_MS),
    row('ackStyle', `acknowledges with ${d.ackStyle === 'explicit' ? 'an explicit ACK message' : 'a ZLB'}`, c.ackStyle === undefined ? undefined : `acknowledged the ICCN with ${c.ackStyle === 'explicit' ? 'an explicit ACK message' : 'a ZLB'}`, c.ackStyle === d.ackStyle),
  ];
}

/** The catalogue's line for each event of the probe, rendered with the values the peer saw (decimal IDs). */
export function predictedSyslog(o: Pick<LearnObservations, 'tunnel' | 'peerAddress' | 'session'>): { id: SyslogId; line: string }[] {
  const s = o.session;
  const rows: [SyslogId, SyslogArgs | undefined][] = [
    ['connectedFrom', { tunnel: o.tunnel, address: o.peerAddress }],
    ['tunnelEstablished', s?.deviceCcid === undefined ? undefined : { tunnel: o.tunnel, tunnelId: s.deviceCcid }],
    ['sessionEstablished', s?.deviceSessionId === undefined ? undefined : { tunnel: o.tunnel, sessionId: s.deviceSessionId }],
  ];
  return rows.flatMap(([id, args]) => (args ? [{ id, line: renderSyslog(id, args) }] : []));
}

function syslogVerdicts(o: LearnObservations): AssumptionVerdict[] {
  const seen = o.syslogLines;
  const rows = predictedSyslog(o).map((p): AssumptionVerdict => {
    const hit = seen.some((l) => l.includes(p.line));
    return {
      id: `syslog:${p.id}`, source: 'reference-impl/syslog/catalogue.ts', assumed: p.line,
      verdict: o.session === undefined ? 'not-probed' : hit ? 'confirmed' : 'refuted',
      observed: hit ? p.line : nearest(seen, p.line) ?? '(no syslog line from the device)',
    };
  });
  // the rendering assumption: the device's own IDs appear in its lines as decimal tokens (judged
  // apart from the rest of each line, so a misspelt word does not refute the number format)
  const ids = [o.session?.deviceCcid, o.session?.deviceSessionId].filter((x): x is number => x !== undefined);
  if (ids.length) {
    const token = (n: number) => new RegExp(`(^|[^0-9A-Za-z])${n}([^0-9A-Za-z]|$)`);
    const missing = ids.filter((n) => !seen.some((l) => token(n).test(l)));
    rows.push({
      id: 'syslog:number-format', source: 'reference-impl/syslog/catalogue.ts (SYSLOG_RENDERING_ASSUMPTIONS)',
      assumed: `tunnel and session IDs printed ${SYSLOG_RENDERING_ASSUMPTIONS.numberFormat} (${ids.join(', ')})`,
      verdict: missing.length ? 'refuted' : 'confirmed',
      observed: missing.length ? `no line names ${missing.join(', ')} in decimal` : 'as predicted',
    });
  }
  return rows;
}

/** The device's line most like the predicted one (same catalogue prefix), for the report. */
function nearest(lines: readonly string[], predicted: string): string | undefined {
  const head = predicted.split(' ').slice(0, 3).join(' ');
  return lines.find((l) => l.includes(head)) ?? lines.find((l) => l.includes(predicted.split(' ')[0]));
}

function refusedVerdict(o: LearnObservations): AssumptionVerdict {
  const r = o.refused;
  const base = { id: 'config:error-text', source: 'reference-impl/config (validateConfig messages)' };
  if (!r) return { ...base, verdict: 'not-probed', assumed: '-', observed: o.refusedError ?? 'not run' };
  const same = r.observed.length === 1 && r.observed[0] === r.predicted;
  return { ...base, verdict: same ? 'confirmed' : 'refuted', assumed: `'${r.command}' answered '${r.predicted}'`, observed: r.observed.length ? r.observed.join(' / ') : '(no error: the device took the line)' };
}

function showStatusVerdict(o: LearnObservations): AssumptionVerdict {
  const st = o.showStatus;
  const base = { id: 'show:status-l2tp-format', source: 'suites/support/lab-console.ts (parseShowStatusL2tp)' };
  const assumed = `TUNNEL[${o.tunnel}]: with 'State: established' and a 'Session ID: ..., state established' line`;
  if (!st || o.session === undefined) return { ...base, verdict: 'not-probed', assumed, observed: st?.error ?? o.sessionError ?? 'not run' };
  const t = st.parsed.find((x) => x.tunnel === o.tunnel);
  const ok = t !== undefined && t.state === 'established' && t.sessionStates.includes('established');
  return { ...base, assumed, verdict: ok ? 'confirmed' : 'refuted', observed: t ? `tunnel ${t.tunnel} state '${t.state}', sessions [${t.sessionStates.join(', ')}]` : `no TUNNEL[${o.tunnel}] read from ${st.lines.length} line(s)` };
}

function identityVerdict(o: LearnObservations): AssumptionVerdict {
  const id = o.identity;
  return {
    id: 'show:environment-format', source: 'drivers/config/identity.ts (SHOW_ENVIRONMENT_ASSUMPTION)', verdict: 'confirmed',
    assumed: "a 'MODEL Rev.X.Y.Z' line and 'serial=' on the main: line", observed: `${id.model} ${id.firmware} serial ${id.serial}`,
  };
}

function filterVerdicts(o: LearnObservations): AssumptionVerdict[] {
  const f = o.filterOrder;
  if (!f) return [];
  const same = f.discovered.length === f.expected.length && f.discovered.every((s, i) => s === f.expected[i]);
  return [{
    id: 'filter:memberOrder', source: 'reference-impl/filter/order-profile.ts (FILTER_ORDER_ASSUMPTIONS)',
    assumed: `lan1 ${f.direction}: ${f.expected.join(' -> ')}`,
    ...(f.error || f.discovered.length === 0 ? { verdict: 'not-probed' as const, observed: f.error ?? 'no filter log line arrived' } : { verdict: same ? ('confirmed' as const) : ('refuted' as const), observed: `lan1 ${f.direction}: ${f.discovered.join(' -> ')}` }),
  }];
}

/** Every assumption the probes touched, in probe order. */
export function judge(o: LearnObservations): AssumptionVerdict[] {
  return [identityVerdict(o), ...controlVerdicts(o), ...sessionVerdicts(o), ...syslogVerdicts(o), refusedVerdict(o), showStatusVerdict(o), ...filterVerdicts(o)];
}
