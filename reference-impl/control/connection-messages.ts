// The control-connection messages an RTX sends (SCCRQ, SCCRP, StopCCN) and what makes a
// received SCCRQ/SCCRP acceptable: mandatory AVPs (3931 §6.1, §6.2; facts §2) and the
// `l2tp remote router-id` check (CR 16.10; seed: "router-id mismatched tunnel").
import { avps as A } from '../l2tpv3/avp-builders.ts';
import { findAvp, type Avp } from '../l2tpv3/avp.ts';
import { AVP, PW_TYPE } from '../l2tpv3/avp-types.ts';
import type { ControlMessage } from '../l2tpv3/control-message.ts';
import { messageTypeInfo } from '../l2tpv3/message-types.ts';
import { GENERAL_ERROR, STOPCCN_RESULT } from '../l2tpv3/result-codes.ts';
import type { SyslogId } from '../syslog/catalogue.ts';
import type { ControlProfile } from './control-profile.ts';
import { parseRouterId, type TunnelSettings } from './tunnel-settings.ts';

/**
 * How we refuse a control connection. ASSUMPTION: the result/error codes of the rows not
 * fixed by RFC 3931 (router-id mismatch, tie loss, missing AVP) (not documented; a hardware
 * run confirms or refutes).
 */
export const CONNECTION_REFUSAL = {
  routerIdMismatch: { result: STOPCCN_RESULT.NotAuthorized, error: undefined },
  authentication: { result: STOPCCN_RESULT.NotAuthorized, error: undefined },
  missingAvp: { result: STOPCCN_RESULT.GeneralError, error: GENERAL_ERROR.OutOfRange },
  unknownMandatoryAvp: { result: STOPCCN_RESULT.GeneralError, error: GENERAL_ERROR.UnknownMandatoryAvp },
  stateMismatch: { result: STOPCCN_RESULT.FsmErrorOrTimeout, error: undefined },
  timeout: { result: STOPCCN_RESULT.FsmErrorOrTimeout, error: undefined },
  tieLost: { result: STOPCCN_RESULT.AlreadyExists, error: undefined },
  alreadyExists: { result: STOPCCN_RESULT.AlreadyExists, error: undefined },
  adminClose: { result: STOPCCN_RESULT.GeneralClear, error: undefined },
  shuttingDown: { result: STOPCCN_RESULT.ShuttingDown, error: undefined },
} as const;
export type ConnectionRefusal = keyof typeof CONNECTION_REFUSAL;

/** The AVPs of our SCCRQ or SCCRP after Message Type (auth AVPs are added by TunnelAuth). */
export function startAvps(settings: TunnelSettings, profile: ControlProfile, localCcid: number, tieBreaker?: Uint8Array): Avp[] {
  const out: Avp[] = [
    A.hostName(settings.hostname),
    A.routerId(parseRouterId(settings.localRouterId)),
    A.assignedControlConnectionId(localCcid),
    A.pseudowireCapabilities([PW_TYPE.Ethernet]), // RTX carries Ethernet only (facts §7)
    A.receiveWindowSize(profile.receiveWindow),
  ];
  if (tieBreaker) out.push(A.tieBreaker(tieBreaker));
  if (profile.vendorName !== undefined) out.push(A.vendorName(profile.vendorName));
  return out;
}

export function stopCcnAvps(refusal: ConnectionRefusal, localCcid: number): Avp[] {
  const r = CONNECTION_REFUSAL[refusal];
  // StopCCN MUST carry our Assigned CCID once an SCCRQ or SCCRP was sent (3931 §6.4).
  return [A.resultCode(r.result, r.error), A.assignedControlConnectionId(localCcid)];
}

function u32Of(m: ControlMessage, t: number): number | undefined {
  const a = findAvp(m.avps, t);
  return a && a.value.kind === 'u32' ? a.value.value : undefined;
}

export function assignedCcidOf(m: ControlMessage): number | undefined {
  return u32Of(m, AVP.AssignedControlConnectionId);
}

export function tieBreakerOf(m: ControlMessage): Uint8Array | undefined {
  const a = findAvp(m.avps, AVP.TieBreaker);
  return a && a.value.kind === 'octets' ? a.value.value : undefined;
}

/** Who the peer says it is (Host Name AVP, Router ID AVP as a dotted quad), for `show status l2tp`. */
export function peerIdentityOf(m: ControlMessage): { hostName?: string; routerId?: string } {
  const h = findAvp(m.avps, AVP.HostName);
  const r = u32Of(m, AVP.RouterId);
  return {
    hostName: h && h.value.kind === 'ascii' ? h.value.value : undefined,
    routerId: r === undefined ? undefined : [r >>> 24, (r >>> 16) & 0xff, (r >>> 8) & 0xff, r & 0xff].join('.'),
  };
}

export function receiveWindowOf(m: ControlMessage): number {
  const a = findAvp(m.avps, AVP.ReceiveWindowSize);
  const v = a && a.value.kind === 'u16' ? a.value.value : 4; // absent => 4 (3931 §5.4.3)
  return v > 0 ? v : 4;
}

/** The mandatory AVPs of a message type that are missing (3931 §6; facts §2). */
export function missingMandatoryAvps(type: number, m: ControlMessage): number[] {
  const info = messageTypeInfo(type);
  if (!info) return [];
  return info.mandatory.filter((t) => !findAvp(m.avps, t));
}

/** Why a received SCCRQ/SCCRP is not acceptable, with the line it logs. */
export function startProblem(
  type: number, m: ControlMessage, settings: TunnelSettings, profile: ControlProfile,
): { refusal: ConnectionRefusal; syslog: SyslogId } | undefined {
  // profile missingMandatoryAvp 'accept': a missing AVP passes, but a zero Assigned CCID never can (3931 §5.4.3)
  const missing = profile.missingMandatoryAvp !== 'accept' && missingMandatoryAvps(type, m).length > 0;
  if (missing || assignedCcidOf(m) === 0) return { refusal: 'missingAvp', syslog: 'avpsCheckError' };
  const peerRouterId = u32Of(m, AVP.RouterId);
  const want = parseRouterId(settings.remoteRouterId);
  if (profile.routerIdCheck === 'always' || want !== 0) {
    if (peerRouterId !== want) return { refusal: 'routerIdMismatch', syslog: 'routerIdMismatched' };
  }
  return undefined;
}
