// The sessions of one control connection: routing session messages by Session ID (with the
// reverse lookup of 3931 §5.4.4), accepting ICRQs, and session tie breaking (3931 §5.4.4,
// §7.3.1; facts §4.2): a received ICRQ whose Remote End ID equals the one in our own
// outstanding ICRQ is a tie; the lower Session Tie Breaker wins.
import type { ControlMessage } from '../l2tpv3/control-message.ts';
import { MESSAGE_TYPE as MT, messageTypeName } from '../l2tpv3/message-types.ts';
import {
  Session, cdnAvps, icrqProblem, peerLocalSessionId, remoteEndIdOf, remoteSessionIdOf, sessionTieBreakerOf,
  type SessionHost,
} from './session.ts';
import { compareTieBreakers } from './tie-breaker.ts';
import type { Ctx } from './timers.ts';

export interface SessionTableHost extends SessionHost {
  newSessionId(): number;
}

export class SessionTable {
  private readonly byLocal = new Map<number, Session>();

  constructor(private readonly host: SessionTableHost) {}

  get all(): Session[] {
    return [...this.byLocal.values()];
  }

  remove(s: Session): void {
    if (this.byLocal.get(s.localSid) === s) this.byLocal.delete(s.localSid);
  }

  /** The message the first waiting session waits for (for "state timer for waiting X expired"). */
  awaited(): string | undefined {
    for (const s of this.byLocal.values()) {
      if (s.state === 'wait-reply') return 'ICRP';
      if (s.state === 'wait-connect') return 'ICCN';
    }
    return undefined;
  }

  /** The control connection is open: this end sends the ICRQ (RTX: one Ethernet PW per tunnel). */
  startOwn(ctx: Ctx): void {
    const s = new Session(this.host, 'sender', this.host.newSessionId());
    this.byLocal.set(s.localSid, s);
    s.start(ctx);
  }

  /** StopCCN clears every session implicitly, no CDN needed (3931 §6.4). */
  clearAll(ctx: Ctx): void {
    for (const s of [...this.byLocal.values()]) s.cleanup(ctx);
  }

  onMessage(ctx: Ctx, type: number, m: ControlMessage, unknownMandatory: boolean): void {
    if (type === MT.ICRQ) return this.onIcrq(ctx, m, unknownMandatory);
    let s = this.byLocal.get(remoteSessionIdOf(m));
    if (!s && remoteSessionIdOf(m) === 0) {
      const peerSid = peerLocalSessionId(m);
      s = this.all.find((x) => x.remoteSid !== 0 && x.remoteSid === peerSid);
    }
    if (!s) return this.forUnknownSession(ctx, type, m);
    if (unknownMandatory) {
      this.host.log(ctx, 'avpAttrTypeIllegal');
      return s.refuse(ctx, 'unknownMandatoryAvp');
    }
    s.onMessage(ctx, type, m);
  }

  /**
   * A session message missing a mandatory AVP, profile missingMandatoryAvp 'refuse-owner': only its
   * session ends, with a CDN (an ICRQ is refused as a new session; a CDN just ends its session).
   */
  refuseMalformed(ctx: Ctx, type: number, m: ControlMessage): void {
    if (type === MT.ICRQ) {
      const refusal = remoteEndIdOf(m) === undefined ? 'remoteEndIdMissing' : 'missingMandatoryAvp';
      return this.host.send(ctx, MT.CDN, cdnAvps(refusal, this.host.newSessionId(), peerLocalSessionId(m)));
    }
    const s = this.byLocal.get(remoteSessionIdOf(m)) ?? this.all.find((x) => x.remoteSid !== 0 && x.remoteSid === peerLocalSessionId(m));
    if (!s) return;
    if (type === MT.CDN) return s.cleanup(ctx);
    s.refuse(ctx, 'missingMandatoryAvp');
  }

  /** The idle rows of the session FSMs (3931 §7.3.1/§7.3.2): ICRP -> CDN, ICCN -> clean up, CDN -> nothing. */
  private forUnknownSession(ctx: Ctx, type: number, m: ControlMessage): void {
    if (type === MT.ICRP) {
      this.host.log(ctx, 'sessionStateMismatch', { message: messageTypeName(type) });
      this.host.send(ctx, MT.CDN, cdnAvps('stateMismatch', this.host.newSessionId(), peerLocalSessionId(m)));
    } else if (type === MT.ICCN) {
      this.host.log(ctx, 'sessionStateMismatch', { message: messageTypeName(type) });
    }
    // CDN for a session already gone (e.g. the tie loser's own attempt), SLI, WEN: ignored.
  }

  private onIcrq(ctx: Ctx, m: ControlMessage, unknownMandatory: boolean): void {
    const peerSid = peerLocalSessionId(m);
    if (unknownMandatory) {
      this.host.log(ctx, 'avpAttrTypeIllegal');
      return this.host.send(ctx, MT.CDN, cdnAvps('unknownMandatoryAvp', this.host.newSessionId(), peerSid));
    }
    const own = this.all.find((s) => s.role === 'sender' && s.state === 'wait-reply');
    if (own && remoteEndIdOf(m) === this.host.settings.remoteEndId) {
      const outcome = compareTieBreakers(own.tieBreaker, sessionTieBreakerOf(m));
      if (outcome === 'we-win') {
        // The winner answers the losing ICRQ with CDN 13 and keeps waiting (3931 §5.4.4).
        this.host.log(ctx, 'tieBreakingSession', { sessionId: peerSid });
        return this.host.send(ctx, MT.CDN, cdnAvps('lostTieBreaker', this.host.newSessionId(), peerSid));
      }
      if (outcome === 'we-lose') {
        this.host.log(ctx, 'tieBreakingSession', { sessionId: own.localSid });
        own.cleanup(ctx, { silent: true });
        // ... and handles the winner's ICRQ as its recipient (below).
      } else if (outcome === 'equal') {
        // Both discard and retry with new values.
        this.host.log(ctx, 'tieBreakingSession', { sessionId: own.localSid });
        own.cleanup(ctx, { silent: true });
        this.host.send(ctx, MT.CDN, cdnAvps('lostTieBreaker', this.host.newSessionId(), peerSid));
        return this.startOwn(ctx);
      } else {
        // Neither sent one: both MUST tear the session down.
        this.host.log(ctx, 'tieBreakingSession', { sessionId: own.localSid });
        own.refuse(ctx, 'lostTieBreaker');
        return this.host.send(ctx, MT.CDN, cdnAvps('lostTieBreaker', this.host.newSessionId(), peerSid));
      }
    }
    const problem = icrqProblem(this.host.settings, m);
    if (problem) {
      if (problem.syslog) this.host.log(ctx, problem.syslog);
      return this.host.send(ctx, MT.CDN, cdnAvps(problem.refusal, this.host.newSessionId(), peerSid));
    }
    const s = new Session(this.host, 'recipient', this.host.newSessionId());
    this.byLocal.set(s.localSid, s);
    s.answer(ctx, m);
  }
}
