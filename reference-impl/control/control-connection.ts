// One control connection (RFC 3931 §7.2; facts §4.1, §4.5, §4.6) with its sessions: the
// FSM, reliable delivery glue, tunnel auth, keepalive (Hello) and the idle disconnect timer,
// logging the seed's catalogue lines. The node (node.ts) owns demultiplexing and tie breaks.
import { avps as A } from '../l2tpv3/avp-builders.ts';
import type { Avp } from '../l2tpv3/avp.ts';
import { encodeControlMessage, isZlb, messageTypeOf, type ControlMessage } from '../l2tpv3/control-message.ts';
import { MESSAGE_TYPE as MT, messageTypeInfo } from '../l2tpv3/message-types.ts';
import { syslogMessageName } from './syslog-gate.ts';
import type { SyslogArgs, SyslogId } from '../syslog/catalogue.ts';
import type { ControlProfile } from './control-profile.ts';
import { assignedCcidOf, missingMandatoryAvps, peerIdentityOf, receiveWindowOf, startAvps, startProblem, stopCcnAvps, type ConnectionRefusal } from './connection-messages.ts';
import { AVP } from '../l2tpv3/avp-types.ts';
import type { ConnectionState } from './node-events.ts';
import type { RandomSource } from './random.ts';
import { randomBytes } from './random.ts';
import { ReliableDelivery, type Transmission } from './reliable-delivery.ts';
import type { Session, SessionHost } from './session.ts';
import { SessionTable } from './session-table.ts';
import type { Ctx } from './timers.ts';
import { TunnelAuth } from './tunnel-auth.ts';
import type { TunnelSettings } from './tunnel-settings.ts';

export interface ConnectionHost {
  readonly profile: ControlProfile;
  readonly random: RandomSource;
  log(ctx: Ctx, id: SyslogId, args: SyslogArgs, settings: TunnelSettings): void;
  sendPacket(ctx: Ctx, to: string, bytes: Uint8Array): void;
  newSessionId(): number;
  /** The connection no longer serves its tunnel (closing, failed, discarded): the tunnel may reconnect. */
  connectionEnded(ctx: Ctx, c: ControlConnection): void;
  /** The connection's state is gone (after its hold): forget its CCID. */
  connectionRemoved(c: ControlConnection): void;
}

interface Outgoing {
  type: number;
  avps: Avp[];
}
export interface Incoming {
  msg: ControlMessage;
  unknownMandatory: boolean;
}

/** Messages whose failed check is an authentication error during set-up (others are dropped). */
const AUTH_CHECKED = new Set<number>([MT.SCCRQ, MT.SCCRP, MT.SCCCN, MT.StopCCN]);

export class ControlConnection implements SessionHost {
  state: ConnectionState = 'idle';
  remoteCcid = 0;
  tieBreaker?: Uint8Array;
  /** Set on a connection that only exists to reject a losing SCCRQ: it ends silently. */
  rejecting = false;
  /** The peer's Host Name and Router ID from its accepted SCCRQ/SCCRP (`show status l2tp`). */
  peerIdentity: { hostName?: string; routerId?: string } = {};
  readonly rel: ReliableDelivery<Outgoing, Incoming>;
  readonly auth: TunnelAuth;
  readonly sessions: SessionTable;
  private lastReceiveAt = 0;
  private lastDataAt = 0;
  private missedKeepalives = 0;
  private ended = false;

  constructor(
    private readonly node: ConnectionHost,
    readonly settings: TunnelSettings,
    readonly peer: string,
    readonly localCcid: number,
    readonly role: 'initiator' | 'responder',
  ) {
    const p = node.profile;
    this.rel = new ReliableDelivery({
      initialTimeoutMs: p.retransmitInitialMs, capTimeoutMs: p.retransmitCapMs, maxRetransmissions: p.maxRetransmissions,
      receiveWindow: p.receiveWindow, peerWindow: 4,
    });
    this.auth = new TunnelAuth(settings.auth.enabled, p.tunnelAuthMethod, settings.auth.password, node.random, p.nonceLength, p.digestType);
    this.sessions = new SessionTable(this);
  }

  get tunnel(): number { return this.settings.tunnel; }
  get profile(): ControlProfile { return this.node.profile; }
  get random(): RandomSource { return this.node.random; }
  get active(): boolean { return !this.ended; }
  /** State reads that TypeScript must not narrow (handlers called in between change it). */
  isState(s: ConnectionState): boolean { return this.state === s; }
  isEnding(): boolean { return this.state === 'closing' || this.state === 'hold'; }
  private tid(name: string): string { return `c${this.localCcid}:${name}`; }

  log(ctx: Ctx, id: SyslogId, args: SyslogArgs = {}): void {
    this.node.log(ctx, id, { tunnel: this.tunnel, ...args }, this.settings);
  }
  newSessionId(): number { return this.node.newSessionId(); }
  removeSession(s: Session): void { this.sessions.remove(s); }

  private setState(ctx: Ctx, to: ConnectionState): void {
    if (this.state === to) return;
    // A connection that only rejects a losing SCCRQ never served the tunnel: no state report.
    if (!this.rejecting) ctx.out.push({ kind: 'tunnelState', tunnel: this.tunnel, ccid: this.localCcid, from: this.state, to });
    this.state = to;
    ctx.timers.cancel(ctx, this.tid('state'));
    if (to === 'wait-ctl-reply' || to === 'wait-ctl-conn') {
      const awaited = to === 'wait-ctl-reply' ? 'SCCRP' : 'SCCCN';
      ctx.timers.set(ctx, this.tid('state'), ctx.now + this.profile.stateTimeoutMs, (c) => this.stateTimerExpired(c, awaited));
    }
  }

  // ---- sending ----------------------------------------------------------------------

  send(ctx: Ctx, type: number, avps: Avp[]): void {
    const item: Outgoing = { type, avps: [...avps, ...this.auth.extraAvps(type)] };
    for (const t of this.rel.send(item, ctx.now)) this.transmit(ctx, t);
    this.syncRetransmitTimer(ctx);
  }

  private encode(type: number, avps: Avp[], ns: number, nr: number): Uint8Array {
    const head: Avp[] = [A.messageType(type)];
    // The Message Digest comes right after Message Type (3931 §5.4.1).
    if (this.auth.signs) head.push(A.messageDigest(this.auth.digestType));
    return encodeControlMessage({ ccid: this.remoteCcid, ns, nr, avps: [...head, ...avps] }, this.auth.signOptions(type));
  }

  private transmit(ctx: Ctx, t: Transmission<Outgoing>): void {
    this.node.sendPacket(ctx, this.peer, this.encode(t.item.type, t.item.avps, t.ns, t.nr));
  }

  private sendAck(ctx: Ctx): void {
    // ZLBs are not allowed with Control Message Authentication (3931 §6.15).
    const zlb = this.profile.ackStyle === 'zlb' && !this.auth.signs;
    const bytes = zlb
      ? encodeControlMessage({ ccid: this.remoteCcid, ns: this.rel.ackNs, nr: this.rel.nr, avps: [] })
      : this.encode(MT.ACK, [], this.rel.ackNs, this.rel.nr);
    this.node.sendPacket(ctx, this.peer, bytes);
    this.rel.ackSent();
  }

  private syncRetransmitTimer(ctx: Ctx): void {
    const at = this.rel.nextDeadline();
    if (at === undefined) ctx.timers.cancel(ctx, this.tid('rtx'));
    else ctx.timers.set(ctx, this.tid('rtx'), at, (c) => this.onRetransmitTimer(c));
  }

  private onRetransmitTimer(ctx: Ctx): void {
    const r = this.rel.onTimer(ctx.now);
    if (r.gaveUp) return this.retriesExhausted(ctx);
    for (const t of r.transmit) this.transmit(ctx, t);
    this.syncRetransmitTimer(ctx);
  }

  // ---- opening ----------------------------------------------------------------------

  /** Local open: send the SCCRQ (3931 §7.2 idle row 1). */
  open(ctx: Ctx): void {
    if (this.profile.sendTieBreakers) this.tieBreaker = randomBytes(this.random, 8);
    this.log(ctx, 'connectTo', { address: this.peer });
    this.send(ctx, MT.SCCRQ, startAvps(this.settings, this.profile, this.localCcid, this.tieBreaker));
    this.setState(ctx, 'wait-ctl-reply');
  }

  // ---- receiving --------------------------------------------------------------------

  receive(ctx: Ctx, raw: Uint8Array, msg: ControlMessage, unknownMandatory = false): void {
    const type = messageTypeOf(msg);
    const isAck = isZlb(msg) || type === MT.ACK;
    if (this.state === 'hold' || this.state === 'closing') return this.receiveWhileEnding(ctx, msg, type, isAck);
    // Authentication comes before any content is used (3931 §4.3).
    if (this.auth.check(raw, msg, type) === 'fail') {
      // A bad digest is dropped (3931 §4.3). During set-up a failing start message is an
      // authentication error; an ACK may come before the peer's nonce is known (lost SCCRP).
      if (this.state === 'established' || !AUTH_CHECKED.has(type ?? -1)) return;
      return this.authenticationFailed(ctx, msg, type);
    }
    const r = this.rel.receive(msg.ns, msg.nr, isAck, { msg, unknownMandatory }, ctx.now);
    if (!r.valid) return;
    this.lastReceiveAt = ctx.now;
    this.missedKeepalives = 0;
    for (const t of r.transmit) this.transmit(ctx, t);
    for (const d of r.deliver) {
      if (this.isEnding()) break;
      const dt = messageTypeOf(d.payload.msg) ?? -1;
      ctx.out.push({ kind: 'delivered', tunnel: this.tunnel, ccid: this.localCcid, ns: d.ns, messageType: dt });
      this.dispatch(ctx, dt, d.payload.msg, d.payload.unknownMandatory);
    }
    if (this.isState('closing') && this.rel.idle) this.finish(ctx);
    if (this.rel.ackOwed) this.sendAck(ctx);
    if (!this.isState('hold')) this.syncRetransmitTimer(ctx);
  }

  /** After our StopCCN or the peer's: acknowledge what arrives, wait for our StopCCN's ACK. */
  private receiveWhileEnding(ctx: Ctx, msg: ControlMessage, type: number | undefined, isAck: boolean): void {
    if (this.remoteCcid === 0 && type === MT.StopCCN) this.remoteCcid = assignedCcidOf(msg) ?? 0;
    const r = this.rel.receive(msg.ns, msg.nr, isAck, { msg, unknownMandatory: false }, ctx.now);
    if (!r.valid) return;
    if (this.state === 'closing' && this.rel.idle) this.finish(ctx);
    if (this.rel.ackOwed) this.sendAck(ctx);
    if (this.state === 'closing') this.syncRetransmitTimer(ctx);
  }

  private dispatch(ctx: Ctx, type: number, m: ControlMessage, unknownMandatory: boolean): void {
    const scope = messageTypeInfo(type)?.scope;
    // SCCRQ/SCCRP: checked by startProblem, after their `connected from` line
    if (type !== MT.SCCRQ && type !== MT.SCCRP && this.missingAvps(ctx, type, m)) return;
    if (type === MT.StopCCN) return this.peerStopped(ctx);
    if (scope === 'session') {
      if (this.state !== 'established') return this.mismatch(ctx, type);
      return this.sessions.onMessage(ctx, type, m, unknownMandatory);
    }
    if (unknownMandatory) {
      // Unknown AVP with M=1 in a connection message: StopCCN 2/8 (3931 §5.2).
      this.log(ctx, 'avpAttrTypeIllegal');
      return this.stop(ctx, 'unknownMandatoryAvp');
    }
    switch (this.state) {
      case 'idle':
        if (type === MT.SCCRQ) return this.onSccrq(ctx, m);
        return this.mismatch(ctx, type);
      case 'wait-ctl-reply':
        if (type === MT.SCCRP) return this.onSccrp(ctx, m);
        return this.mismatch(ctx, type);
      case 'wait-ctl-conn':
        if (type === MT.SCCCN) return this.establish(ctx);
        return this.mismatch(ctx, type);
      case 'established':
        if (type === MT.HELLO) return; // acknowledged by reliable delivery; nothing else to do
        return this.mismatch(ctx, type);
      default:
        return;
    }
  }

  /**
   * A message lacking an AVP RFC 3931 §6 lists as MUST: the profile's one rule for every message
   * type (missingMandatoryAvp; 3931 §7.1 default: log, clear the control connection). True when handled.
   */
  private missingAvps(ctx: Ctx, type: number, m: ControlMessage): boolean {
    const action = this.profile.missingMandatoryAvp;
    const missing = missingMandatoryAvps(type, m);
    if (action === 'accept' || missing.length === 0) return false;
    // the seed's own line for an ICRQ without Remote End ID, else its line for a bad AVP set
    this.log(ctx, type === MT.ICRQ && missing.includes(AVP.RemoteEndId) ? 'remoteEndIdNotExist' : 'avpsCheckError');
    if (type === MT.StopCCN) this.peerStopped(ctx); // the connection is cleared either way
    else if (action === 'refuse-owner' && messageTypeInfo(type)?.scope === 'session' && this.state === 'established') this.sessions.refuseMalformed(ctx, type, m);
    else this.stop(ctx, 'missingAvp');
    return true;
  }

  private mismatch(ctx: Ctx, type: number): void {
    this.log(ctx, 'tunnelStateMismatch', { message: syslogMessageName(type) });
    this.stop(ctx, 'stateMismatch');
  }

  private onSccrq(ctx: Ctx, m: ControlMessage): void {
    this.log(ctx, 'connectedFrom', { address: this.peer });
    if (this.refuseStart(ctx, MT.SCCRQ, m)) return;
    this.peerIdentity = peerIdentityOf(m);
    this.send(ctx, MT.SCCRP, startAvps(this.settings, this.profile, this.localCcid));
    this.setState(ctx, 'wait-ctl-conn');
  }

  private onSccrp(ctx: Ctx, m: ControlMessage): void {
    this.remoteCcid = assignedCcidOf(m) ?? 0;
    if (this.refuseStart(ctx, MT.SCCRP, m)) return;
    this.peerIdentity = peerIdentityOf(m);
    this.send(ctx, MT.SCCCN, []);
    this.establish(ctx);
  }

  private refuseStart(ctx: Ctx, type: number, m: ControlMessage): boolean {
    const problem = startProblem(type, m, this.settings, this.profile);
    if (!problem) {
      this.rel.setPeerWindow(receiveWindowOf(m));
      return false;
    }
    this.log(ctx, problem.syslog);
    this.stop(ctx, problem.refusal);
    return true;
  }

  private authenticationFailed(ctx: Ctx, m: ControlMessage, type: number | undefined): void {
    if (this.remoteCcid === 0) this.remoteCcid = assignedCcidOf(m) ?? 0;
    this.log(ctx, 'authenticationError', { tunnelId: this.localCcid });
    // ASSUMPTION: a StopCCN that fails the check still ends the attempt (no reply); anything
    // else during set-up is answered with StopCCN 4 (not documented; a hardware run confirms or refutes).
    if (type === MT.StopCCN) return this.peerStopped(ctx);
    this.stop(ctx, 'authentication');
  }

  private establish(ctx: Ctx): void {
    this.setState(ctx, 'established');
    this.log(ctx, 'tunnelEstablished', { tunnelId: this.localCcid });
    this.lastDataAt = ctx.now;
    const k = this.settings.keepalive;
    // ASSUMPTION: with keepalive on, an established peer is declared down by the keepalive
    // count, not by the retransmission limit (not documented; a hardware run confirms or refutes).
    if (k.use) {
      this.rel.setUnlimitedRetries(true);
      this.scheduleKeepalive(ctx, this.lastReceiveAt + k.intervalS * 1000);
    }
    this.scheduleDisconnect(ctx);
    if (this.role === 'initiator' || this.profile.sessionInitiator === 'both') this.sessions.startOwn(ctx);
  }

  // ---- keepalive and idle timer --------------------------------------------------------

  private scheduleKeepalive(ctx: Ctx, at: number): void {
    ctx.timers.set(ctx, this.tid('keepalive'), at, (c) => this.onKeepalive(c));
  }

  /**
   * After an interval with nothing received, send a Hello; after `count` Hellos each left
   * unanswered for an interval, the peer is down (CR 16.4). ASSUMPTION: Hellos are sent only
   * when the link is quiet, as RFC 3931 §4.4 describes (not documented; a hardware run confirms or refutes).
   */
  private onKeepalive(ctx: Ctx): void {
    const intervalMs = this.settings.keepalive.intervalS * 1000;
    if (ctx.now - this.lastReceiveAt < intervalMs) return this.scheduleKeepalive(ctx, this.lastReceiveAt + intervalMs);
    if (this.missedKeepalives >= this.settings.keepalive.count) {
      this.log(ctx, 'keepaliveTimerExpired', { tunnelId: this.localCcid });
      return this.stop(ctx, 'timeout');
    }
    this.missedKeepalives += 1;
    this.send(ctx, MT.HELLO, []);
    this.scheduleKeepalive(ctx, ctx.now + intervalMs);
  }

  private scheduleDisconnect(ctx: Ctx): void {
    const t = this.settings.disconnectTimeS;
    if (t === 'off' || this.state !== 'established') return;
    ctx.timers.set(ctx, this.tid('disconnect'), this.lastDataAt + t * 1000, (c) => {
      this.log(c, 'disconnectTimerExpired', { tunnelId: this.localCcid });
      this.stop(c, 'adminClose');
    });
  }

  /** A data frame went through the tunnel: the idle timer starts again (CR 16.3). */
  dataActivity(ctx: Ctx): void {
    this.lastDataAt = ctx.now;
    this.scheduleDisconnect(ctx);
  }

  // ---- tearing down -----------------------------------------------------------------

  stateTimerExpired(ctx: Ctx, awaited: string): void {
    this.log(ctx, 'stateTimerExpired', { message: awaited });
    this.stop(ctx, 'timeout');
  }

  private cancelLiveTimers(ctx: Ctx): void {
    for (const n of ['state', 'keepalive', 'disconnect']) ctx.timers.cancel(ctx, this.tid(n));
  }

  private beginEnd(ctx: Ctx, logDisconnecting: boolean): void {
    if (logDisconnecting) this.log(ctx, 'disconnectingTunnel', { tunnelId: this.localCcid });
    this.sessions.clearAll(ctx);
    this.cancelLiveTimers(ctx);
    if (!this.ended) {
      this.ended = true;
      this.node.connectionEnded(ctx, this);
    }
  }

  /** We clear the connection: StopCCN, then reliable delivery until it is ACKed (3931 §7.5). */
  stop(ctx: Ctx, refusal: ConnectionRefusal): void {
    if (this.state === 'closing' || this.state === 'hold') return;
    this.beginEnd(ctx, !this.rejecting);
    this.rel.setUnlimitedRetries(false);
    this.send(ctx, MT.StopCCN, stopCcnAvps(refusal, this.localCcid));
    this.setState(ctx, 'closing');
    ctx.timers.set(ctx, this.tid('hold'), ctx.now + this.profile.stopCcnHoldMs, (c) => this.finish(c));
  }

  /** The peer sent StopCCN: clean up, keep acknowledging retransmissions for the hold time. */
  private peerStopped(ctx: Ctx): void {
    this.beginEnd(ctx, true);
    this.log(ctx, 'tunnelDisconnectComplete', { tunnelId: this.localCcid });
    this.enterHold(ctx);
  }

  /** Tie lost: drop our own attempt without a StopCCN (3931 §5.4.3), keep ACKing. */
  discard(ctx: Ctx): void {
    this.log(ctx, 'tieBreakingTunnel', { tunnelId: this.localCcid });
    this.beginEnd(ctx, false);
    this.enterHold(ctx);
  }

  /**
   * Answers an SCCRQ with a StopCCN only: the tie winner rejecting the loser's SCCRQ (both
   * ends then log the loser's CCID), or a second connection refused. The SCCRQ goes through
   * reliable delivery first so the StopCCN acknowledges it.
   */
  rejectSccrq(ctx: Ctx, raw: Uint8Array, msg: ControlMessage, refusal: ConnectionRefusal, logTie: boolean): void {
    this.rejecting = true;
    this.remoteCcid = assignedCcidOf(msg) ?? 0;
    this.auth.check(raw, msg, MT.SCCRQ); // learns the nonce used to sign the StopCCN
    this.rel.receive(msg.ns, msg.nr, false, { msg, unknownMandatory: false }, ctx.now);
    if (logTie) this.log(ctx, 'tieBreakingTunnel', { tunnelId: this.remoteCcid });
    this.stop(ctx, refusal);
  }

  /** Retransmissions ran out: the peer is gone, so clear without a StopCCN (3931 §4.2). */
  private retriesExhausted(ctx: Ctx): void {
    if (this.state === 'closing') return this.finish(ctx);
    this.log(ctx, 'stateTimerExpired', { message: this.awaited() });
    this.beginEnd(ctx, true);
    this.log(ctx, 'tunnelDisconnectComplete', { tunnelId: this.localCcid });
    this.enterHold(ctx);
  }

  private awaited(): string {
    if (this.state === 'wait-ctl-reply') return 'SCCRP';
    if (this.state === 'wait-ctl-conn') return 'SCCCN';
    return this.sessions.awaited() ?? 'ACK';
  }

  private enterHold(ctx: Ctx): void {
    this.rel.stop();
    ctx.timers.cancel(ctx, this.tid('rtx'));
    this.setState(ctx, 'hold');
    ctx.timers.set(ctx, this.tid('hold'), ctx.now + this.profile.stopCcnHoldMs, (c) => this.remove(c));
  }

  /** Our StopCCN was acknowledged or its retransmissions ran out. */
  private finish(ctx: Ctx): void {
    if (this.state !== 'closing') return;
    if (!this.rejecting) this.log(ctx, 'tunnelDisconnectComplete', { tunnelId: this.localCcid });
    ctx.timers.cancel(ctx, this.tid('hold'));
    this.enterHold(ctx);
  }

  private remove(ctx: Ctx): void {
    for (const n of ['rtx', 'hold', 'state', 'keepalive', 'disconnect']) ctx.timers.cancel(ctx, this.tid(n));
    this.setState(ctx, 'idle');
    this.node.connectionRemoved(this);
  }

  /** `l2tp service off`: StopCCN once, then forget the connection at once (the port closes). */
  shutdown(ctx: Ctx): void {
    if (this.state !== 'hold') {
      this.stop(ctx, 'shuttingDown');
      this.finish(ctx);
    }
    this.remove(ctx);
  }
}
