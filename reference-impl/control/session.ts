// One incoming-call session on a control connection (RFC 3931 §7.3; facts §4.3), Ethernet
// pseudowire (type 5, RFC 4719), with cookie and L2-Specific Sublayer negotiation and the
// RTX `l2tp remote end-id` check. LAC and LNS behave alike in v3: roles are "ICRQ sender"
// and "ICRQ recipient".
import { avps as A } from '../l2tpv3/avp-builders.ts';
import { findAvp, type Avp } from '../l2tpv3/avp.ts';
import { AVP, CIRCUIT_STATUS, PW_TYPE } from '../l2tpv3/avp-types.ts';
import type { ControlMessage } from '../l2tpv3/control-message.ts';
import type { CookieLength } from '../l2tpv3/data-message.ts';
import { MESSAGE_TYPE as MT, messageTypeName } from '../l2tpv3/message-types.ts';
import { CDN_RESULT, GENERAL_ERROR } from '../l2tpv3/result-codes.ts';
import { latin1 } from '../l2tpv3/wire.ts';
import type { SyslogArgs, SyslogId } from '../syslog/catalogue.ts';
import type { ControlProfile } from './control-profile.ts';
import type { NodeAction, SessionLayout, SessionState } from './node-events.ts';
import { randomBytes, type RandomSource } from './random.ts';
import type { Ctx } from './timers.ts';
import type { TunnelSettings } from './tunnel-settings.ts';

/** What a session needs from its control connection. */
export interface SessionHost {
  readonly tunnel: number;
  readonly settings: TunnelSettings;
  readonly profile: ControlProfile;
  readonly random: RandomSource;
  readonly peer: string;
  readonly localCcid: number;
  send(ctx: Ctx, type: number, avps: Avp[]): void;
  log(ctx: Ctx, id: SyslogId, args?: SyslogArgs): void;
  removeSession(s: Session): void;
  /** A session waiting state timed out: the tunnel is torn down (seed: state timer ... expired). */
  stateTimerExpired(ctx: Ctx, awaited: string): void;
}

/**
 * How a refused ICRQ is answered. ASSUMPTION for the end-id rows: CDN Result 2 with General
 * Error 6 (vendor-specific) (not documented; a hardware run confirms or refutes). The others
 * are RFC 3931 §5.4.4 (facts §5).
 */
export const ICRQ_REFUSAL = {
  remoteEndIdMissing: { result: CDN_RESULT.GeneralError, error: GENERAL_ERROR.VendorSpecific },
  remoteEndIdMismatch: { result: CDN_RESULT.GeneralError, error: GENERAL_ERROR.VendorSpecific },
  unsupportedPwType: { result: CDN_RESULT.UnsupportedPwType, error: undefined },
  sequencingWithoutL2ss: { result: CDN_RESULT.SequencingWithoutL2ss, error: undefined },
  // ASSUMPTION: an L2SS type other than none/Default, or a Data Sequencing level above 2, is a value
  // out of range: CDN 2/3 (3931 §5.4.4 defines only these; not documented; a hardware run confirms or refutes).
  unsupportedDataOption: { result: CDN_RESULT.GeneralError, error: GENERAL_ERROR.OutOfRange },
  missingMandatoryAvp: { result: CDN_RESULT.GeneralError, error: GENERAL_ERROR.OutOfRange },
  unknownMandatoryAvp: { result: CDN_RESULT.GeneralError, error: GENERAL_ERROR.UnknownMandatoryAvp },
  stateMismatch: { result: CDN_RESULT.FsmErrorOrTimeout, error: undefined },
  lostTieBreaker: { result: CDN_RESULT.LostTieBreaker, error: undefined },
  administrative: { result: CDN_RESULT.Administrative, error: undefined },
} as const;
export type IcrqRefusal = keyof typeof ICRQ_REFUSAL;

const u32Of = (m: ControlMessage, t: number): number | undefined => {
  const a = findAvp(m.avps, t);
  return a && a.value.kind === 'u32' ? a.value.value : undefined;
};
const u16Of = (m: ControlMessage, t: number): number | undefined => {
  const a = findAvp(m.avps, t);
  return a && a.value.kind === 'u16' ? a.value.value : undefined;
};
const octetsOf = (m: ControlMessage, t: number): Uint8Array | undefined => {
  const a = findAvp(m.avps, t);
  return a && a.value.kind === 'octets' ? a.value.value : undefined;
};

export function peerLocalSessionId(m: ControlMessage): number {
  return u32Of(m, AVP.LocalSessionId) ?? 0;
}
export function remoteSessionIdOf(m: ControlMessage): number {
  return u32Of(m, AVP.RemoteSessionId) ?? 0;
}
export function sessionTieBreakerOf(m: ControlMessage): Uint8Array | undefined {
  return octetsOf(m, AVP.TieBreaker);
}
export function remoteEndIdOf(m: ControlMessage): string | undefined {
  const v = octetsOf(m, AVP.RemoteEndId);
  return v ? latin1(v) : undefined;
}

/** Why an ICRQ is not acceptable, with the syslog line it causes (seed DEBUG lines), or undefined. */
export function icrqProblem(settings: TunnelSettings, m: ControlMessage): { refusal: IcrqRefusal; syslog?: SyslogId } | undefined {
  const endId = remoteEndIdOf(m);
  if (endId === undefined) return { refusal: 'remoteEndIdMissing', syslog: 'remoteEndIdNotExist' };
  // ASSUMPTION: with no `l2tp remote end-id` configured any received value is accepted (not documented; a hardware run confirms or refutes).
  if (settings.remoteEndId !== undefined && endId !== settings.remoteEndId) return { refusal: 'remoteEndIdMismatch', syslog: 'remoteEndIdMismatched' };
  if (u16Of(m, AVP.PseudowireType) !== PW_TYPE.Ethernet) return { refusal: 'unsupportedPwType' };
  return dataOptionProblem(m);
}

/**
 * What the peer's L2SS / Data Sequencing AVPs ask that we cannot do: sequencing without a Default
 * L2SS to carry it (3931 §5.4.4: CDN 15), a sublayer type we do not have, an undefined level.
 */
function dataOptionProblem(m: ControlMessage): { refusal: IcrqRefusal } | undefined {
  return dataOptionLevels(u16Of(m, AVP.L2SpecificSublayer) ?? 0, u16Of(m, AVP.DataSequencing) ?? 0);
}

function dataOptionLevels(l2ss: number, seq: number): { refusal: IcrqRefusal } | undefined {
  if (seq !== 0 && l2ss !== 1) return { refusal: 'sequencingWithoutL2ss' };
  if (l2ss > 1 || seq > 2) return { refusal: 'unsupportedDataOption' };
  return undefined;
}

/** A CDN for a session: Result Code, our Local Session ID, the peer's as Remote (3931 §6.12). */
export function cdnAvps(refusal: IcrqRefusal, localSid: number, remoteSid: number): Avp[] {
  const r = ICRQ_REFUSAL[refusal];
  return [A.resultCode(r.result, r.error), A.localSessionId(localSid), A.remoteSessionId(remoteSid)];
}

export class Session {
  state: SessionState = 'idle';
  remoteSid = 0;
  readonly rxCookie: Uint8Array;
  txCookie: Uint8Array = new Uint8Array(0);
  txL2ss = 0;
  /** Data Sequencing level the peer asked for (0: none). */
  txSequencing: 0 | 1 | 2 = 0;
  tieBreaker?: Uint8Array;
  private closed = false;

  constructor(
    readonly host: SessionHost,
    readonly role: 'sender' | 'recipient',
    readonly localSid: number,
  ) {
    this.rxCookie = randomBytes(host.random, host.profile.cookieLength);
  }

  private get timerId(): string {
    return `c${this.host.localCcid}:s${this.localSid}:state`;
  }

  private setState(ctx: Ctx, to: SessionState): void {
    const from = this.state;
    this.state = to;
    ctx.out.push({ kind: 'sessionState', tunnel: this.host.tunnel, localSessionId: this.localSid, from, to });
    ctx.timers.cancel(ctx, this.timerId);
    if (to === 'wait-reply' || to === 'wait-connect') {
      const awaited = to === 'wait-reply' ? 'ICRP' : 'ICCN';
      ctx.timers.set(ctx, this.timerId, ctx.now + this.host.profile.stateTimeoutMs, (c) => this.host.stateTimerExpired(c, awaited));
    }
  }

  private offerAvps(): Avp[] {
    const p = this.host.profile;
    const out: Avp[] = [];
    if (p.cookieLength > 0) out.push(A.assignedCookie(this.rxCookie));
    out.push(A.l2SpecificSublayer(p.l2ssOffered));
    // no AVP means level 0 (3931 §5.4.4)
    if (p.dataSequencing !== 0) out.push(A.dataSequencing(p.dataSequencing));
    return out;
  }

  /** ICRQ sender: the control connection is open, send the ICRQ (3931 §7.3.1). */
  start(ctx: Ctx): void {
    const h = this.host;
    const avps: Avp[] = [A.localSessionId(this.localSid), A.remoteSessionId(0), A.serialNumber(h.random.nextU32() >>> 0), A.pseudowireType(PW_TYPE.Ethernet)];
    // ASSUMPTION: with no `l2tp remote end-id` the AVP is left out (it cannot be empty) (not documented; a hardware run confirms or refutes).
    if (h.settings.remoteEndId !== undefined) avps.push(A.remoteEndId(h.settings.remoteEndId));
    avps.push(A.circuitStatus(CIRCUIT_STATUS.Active));
    if (h.profile.sendTieBreakers) {
      this.tieBreaker = randomBytes(h.random, 8);
      avps.push(A.tieBreaker(this.tieBreaker));
    }
    avps.push(...this.offerAvps());
    h.send(ctx, MT.ICRQ, avps);
    this.setState(ctx, 'wait-reply');
  }

  /** ICRQ recipient: an acceptable ICRQ arrived (checked with icrqProblem). */
  answer(ctx: Ctx, icrq: ControlMessage): void {
    this.learnPeer(icrq);
    this.host.send(ctx, MT.ICRP, [A.localSessionId(this.localSid), A.remoteSessionId(this.remoteSid), A.circuitStatus(CIRCUIT_STATUS.Active), ...this.offerAvps()]);
    this.setState(ctx, 'wait-connect');
  }

  private learnPeer(m: ControlMessage): void {
    this.remoteSid = peerLocalSessionId(m);
    this.txCookie = octetsOf(m, AVP.AssignedCookie) ?? new Uint8Array(0);
    this.learnDataOptions(m, false);
  }

  /** The peer's L2SS and Data Sequencing; an ICCN may restate them (3931 §6.8), absent there = unchanged. */
  private learnDataOptions(m: ControlMessage, keepAbsent: boolean): void {
    const l2ss = u16Of(m, AVP.L2SpecificSublayer);
    const seq = u16Of(m, AVP.DataSequencing);
    if (l2ss !== undefined || !keepAbsent) this.txL2ss = l2ss ?? 0;
    if (seq !== undefined || !keepAbsent) this.txSequencing = (seq ?? 0) as 0 | 1 | 2;
  }

  /** A session message for this session, delivered in order. */
  onMessage(ctx: Ctx, type: number, m: ControlMessage): void {
    if (this.closed) return;
    if (type === MT.CDN) return this.cleanup(ctx);
    if (type === MT.SLI || type === MT.WEN) return; // circuit status changes: accepted, nothing to do here
    if (this.role === 'sender' && this.state === 'wait-reply') {
      if (type === MT.ICRP) {
        const problem = dataOptionProblem(m);
        if (problem) return this.refuse(ctx, problem.refusal);
        this.learnPeer(m);
        this.host.send(ctx, MT.ICCN, [A.localSessionId(this.localSid), A.remoteSessionId(this.remoteSid)]);
        return this.establish(ctx);
      }
      // "wait-reply, CDN or ICCN: clean up" (3931 §7.3.1)
      this.host.log(ctx, 'sessionStateMismatch', { message: messageTypeName(type) });
      return this.cleanup(ctx);
    }
    if (this.role === 'recipient' && this.state === 'wait-connect' && type === MT.ICCN) {
      // Unlike the ICRQ, an ICCN without one of the AVPs leaves what the ICRQ asked for in place.
      const l2ss = u16Of(m, AVP.L2SpecificSublayer) ?? this.txL2ss;
      const seq = u16Of(m, AVP.DataSequencing) ?? this.txSequencing;
      const problem = dataOptionLevels(l2ss, seq);
      if (problem) return this.refuse(ctx, problem.refusal);
      this.learnDataOptions(m, true);
      return this.establish(ctx);
    }
    // ICRQ, ICRP or ICCN where it does not belong: send CDN, clean up (3931 §7.3.1, §7.3.2).
    this.host.log(ctx, 'sessionStateMismatch', { message: messageTypeName(type) });
    this.refuse(ctx, 'stateMismatch');
  }

  private establish(ctx: Ctx): void {
    this.setState(ctx, 'established');
    this.host.log(ctx, 'sessionEstablished', { sessionId: this.localSid });
    ctx.out.push({ kind: 'sessionUp', tunnel: this.host.tunnel, peer: this.host.peer, layout: this.layout() });
  }

  layout(): SessionLayout {
    return {
      localSessionId: this.localSid,
      remoteSessionId: this.remoteSid,
      rxCookie: this.rxCookie,
      txCookie: this.txCookie,
      rxLayout: { cookieLength: this.rxCookie.length as CookieLength, l2ss: this.host.profile.l2ssOffered === 1 ? 'default' : 'none' },
      txLayout: { cookieLength: this.txCookie.length as CookieLength, l2ss: this.txL2ss === 1 ? 'default' : 'none' },
      pseudowireType: PW_TYPE.Ethernet,
      txSequencing: this.txSequencing,
      rxSequencing: this.host.profile.dataSequencing,
    };
  }

  /** Send a CDN and clean up. */
  refuse(ctx: Ctx, refusal: IcrqRefusal): void {
    if (this.closed) return;
    this.host.send(ctx, MT.CDN, cdnAvps(refusal, this.localSid, this.remoteSid));
    this.cleanup(ctx);
  }

  /**
   * Clean up without a message (CDN received, StopCCN, connection gone). ASSUMPTION: "disconnect
   * session N complete" is logged only for a session that was established (not documented; a
   * hardware run confirms or refutes).
   */
  cleanup(ctx: Ctx, opts: { silent?: boolean } = {}): void {
    if (this.closed) return;
    this.closed = true;
    const wasUp = this.state === 'established';
    this.setState(ctx, 'idle');
    ctx.timers.cancel(ctx, this.timerId);
    if (wasUp) {
      ctx.out.push({ kind: 'sessionDown', tunnel: this.host.tunnel, localSessionId: this.localSid } satisfies NodeAction);
      if (!opts.silent) this.host.log(ctx, 'sessionDisconnectComplete', { sessionId: this.localSid });
    }
    this.host.removeSession(this);
  }
}
