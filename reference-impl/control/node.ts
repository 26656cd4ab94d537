// An L2TPv3 node: the control plane of one router (sans-IO). It demultiplexes received
// control messages to control connections (by CCID, or for CCID 0 by the peer's Assigned
// CCID), finds the tunnel interface for a new SCCRQ by its endpoint address, breaks ties
// between simultaneous SCCRQs (3931 §5.4.3), and runs the RTX commands `l2tp service`,
// `connect tunnel N`, `disconnect tunnel N` and always-on.
import { decodeControlMessage, messageTypeOf, type ControlMessage } from '../l2tpv3/control-message.ts';
import { packetKind } from '../l2tpv3/l2tp-packet.ts';
import { MESSAGE_TYPE as MT } from '../l2tpv3/message-types.ts';
import type { SyslogArgs, SyslogId } from '../syslog/catalogue.ts';
import { assignedCcidOf, tieBreakerOf, type ConnectionRefusal } from './connection-messages.ts';
import { ControlConnection, type ConnectionHost } from './control-connection.ts';
import { DEFAULT_CONTROL_PROFILE, validateControlProfile, type ControlProfile } from './control-profile.ts';
import type { ConnectionState, NodeAction, NodeEvent, SessionLayout } from './node-events.ts';
import { nonZeroU32, type RandomSource } from './random.ts';
import { logLine } from './syslog-gate.ts';
import { compareTieBreakers } from './tie-breaker.ts';
import { Timers, type Ctx } from './timers.ts';
import { validateTunnelSettings, type TunnelSettings } from './tunnel-settings.ts';

export interface TunnelConfig {
  settings: TunnelSettings;
  /** `tunnel endpoint address [local] remote`: the peer's address. */
  remoteAddress: string;
  /** `tunnel enable N`. */
  enabled: boolean;
}

export interface L2tpNodeConfig {
  tunnels: TunnelConfig[];
  random: RandomSource;
  profile?: Partial<ControlProfile>;
}

export class L2tpNode implements ConnectionHost {
  readonly profile: ControlProfile;
  readonly random: RandomSource;
  private readonly tunnels = new Map<number, TunnelConfig>();
  private readonly timers = new Timers();
  private readonly byCcid = new Map<number, ControlConnection>();
  private readonly tunnelConn = new Map<number, ControlConnection>();
  private readonly manualDown = new Set<number>();
  private readonly usedSessionIds = new Set<number>();
  private serviceOn = false;

  constructor(cfg: L2tpNodeConfig) {
    this.profile = { ...DEFAULT_CONTROL_PROFILE, ...cfg.profile };
    validateControlProfile(this.profile);
    this.random = cfg.random;
    for (const t of cfg.tunnels) {
      validateTunnelSettings(t.settings);
      if (this.tunnels.has(t.settings.tunnel)) throw new Error(`tunnel ${t.settings.tunnel} is configured twice`);
      this.tunnels.set(t.settings.tunnel, t);
    }
  }

  handle(event: NodeEvent, nowMs: number): NodeAction[] {
    const ctx: Ctx = { now: nowMs, out: [], timers: this.timers };
    switch (event.kind) {
      case 'serviceOn':
        if (!this.serviceOn) {
          this.serviceOn = true;
          this.log(ctx, 'portOpened', {});
          for (const t of this.tunnels.values()) if (t.enabled && t.settings.alwaysOn) this.openTunnel(ctx, t.settings.tunnel);
        }
        break;
      case 'serviceOff':
        if (this.serviceOn) {
          for (const c of [...this.byCcid.values()]) c.shutdown(ctx);
          for (const n of this.tunnels.keys()) this.timers.cancel(ctx, `t${n}:reconnect`);
          this.serviceOn = false;
          this.log(ctx, 'portClosed', {});
        }
        break;
      case 'packet':
        this.onPacket(ctx, event.from, event.bytes);
        break;
      case 'timer':
        this.timers.fire(ctx, event.id);
        break;
      case 'connect':
        this.manualDown.delete(event.tunnel);
        this.openTunnel(ctx, event.tunnel);
        break;
      case 'disconnect':
        // ASSUMPTION: after `disconnect tunnel N`, always-on does not reconnect until `connect tunnel N` (not documented; a hardware run confirms or refutes).
        this.manualDown.add(event.tunnel);
        this.tunnelConn.get(event.tunnel)?.stop(ctx, 'adminClose');
        break;
      case 'dataActivity':
        this.tunnelConn.get(event.tunnel)?.dataActivity(ctx);
        break;
    }
    return ctx.out;
  }

  // ---- introspection (for the emulated router's `show status l2tp` and for tests) ----

  connectionState(tunnel: number): ConnectionState {
    return this.tunnelConn.get(tunnel)?.state ?? 'idle';
  }
  localCcid(tunnel: number): number | undefined {
    return this.tunnelConn.get(tunnel)?.localCcid;
  }
  remoteCcid(tunnel: number): number | undefined {
    return this.tunnelConn.get(tunnel)?.remoteCcid;
  }
  /** The peer's Host Name and Router ID from its SCCRQ/SCCRP, while a connection serves the tunnel. */
  peerIdentity(tunnel: number): { hostName?: string; routerId?: string } {
    return this.tunnelConn.get(tunnel)?.peerIdentity ?? {};
  }
  establishedSessions(tunnel: number): SessionLayout[] {
    const c = this.tunnelConn.get(tunnel);
    return c ? c.sessions.all.filter((s) => s.state === 'established').map((s) => s.layout()) : [];
  }
  nextDeadline(): number | undefined {
    return this.timers.nextDeadline();
  }

  // ---- ConnectionHost ----------------------------------------------------------------

  log(ctx: Ctx, id: SyslogId, args: SyslogArgs, settings?: TunnelSettings): void {
    const unboundOpen = this.profile.unboundDebugGate === 'always' || [...this.tunnels.values()].some((t) => t.settings.syslog);
    logLine(ctx.out, id, args, settings, unboundOpen);
  }

  sendPacket(ctx: Ctx, to: string, bytes: Uint8Array): void {
    ctx.out.push({ kind: 'send', to, bytes });
  }

  newSessionId(): number {
    for (;;) {
      const id = nonZeroU32(this.random);
      if (!this.usedSessionIds.has(id)) {
        this.usedSessionIds.add(id);
        return id;
      }
    }
  }

  connectionEnded(ctx: Ctx, c: ControlConnection): void {
    const n = c.tunnel;
    if (this.tunnelConn.get(n) !== c) return;
    this.tunnelConn.delete(n);
    const t = this.tunnels.get(n);
    if (t && t.enabled && t.settings.alwaysOn && this.serviceOn && !this.manualDown.has(n)) {
      this.timers.set(ctx, `t${n}:reconnect`, ctx.now + this.profile.reconnectDelayMs, (cx) => this.openTunnel(cx, n));
    }
  }

  connectionRemoved(c: ControlConnection): void {
    if (this.byCcid.get(c.localCcid) === c) this.byCcid.delete(c.localCcid);
  }

  // ---- internals ---------------------------------------------------------------------

  private newConnection(t: TunnelConfig, peer: string, role: 'initiator' | 'responder', serves: boolean): ControlConnection {
    let ccid = nonZeroU32(this.random);
    while (this.byCcid.has(ccid)) ccid = nonZeroU32(this.random);
    const c = new ControlConnection(this, t.settings, peer, ccid, role);
    this.byCcid.set(ccid, c);
    if (serves) this.tunnelConn.set(t.settings.tunnel, c);
    return c;
  }

  private openTunnel(ctx: Ctx, n: number): void {
    const t = this.tunnels.get(n);
    if (!t || !t.enabled || !this.serviceOn || this.tunnelConn.has(n)) return;
    this.timers.cancel(ctx, `t${n}:reconnect`);
    this.newConnection(t, t.remoteAddress, 'initiator', true).open(ctx);
  }

  private tunnelFor(address: string): TunnelConfig | undefined {
    for (const t of this.tunnels.values()) if (t.enabled && t.remoteAddress === address) return t;
    return undefined;
  }

  private onPacket(ctx: Ctx, from: string, bytes: Uint8Array): void {
    if (!this.serviceOn) return; // UDP 1701 is closed (CR 16.1)
    const t = this.tunnelFor(from);
    const settings = t?.settings;
    const kind = packetKind(bytes, 'udp');
    if (typeof kind !== 'string') return this.log(ctx, kind.syslog, kind.syslogArgs, settings);
    if (kind === 'data') {
      // Data belongs to the data plane; only its version is checked here.
      const version = bytes.length >= 2 ? bytes[1] & 0x0f : 3;
      if (version !== 3) this.log(ctx, 'wrongVersionHeader', { version }, settings);
      return;
    }
    const d = decodeControlMessage(bytes, 'udp', { secret: settings?.auth.enabled ? settings.auth.password : undefined });
    if (d.ok) return this.route(ctx, from, t, bytes, d.message, false);
    // Only an unknown mandatory AVP leaves a usable message: it is answered (StopCCN/CDN 2/8).
    if (d.message) return this.route(ctx, from, t, bytes, d.message, true);
    this.log(ctx, d.error.syslog, d.error.syslogArgs, settings);
  }

  private route(ctx: Ctx, from: string, t: TunnelConfig | undefined, bytes: Uint8Array, msg: ControlMessage, unknownMandatory: boolean): void {
    const settings = t?.settings;
    if (msg.ccid !== 0) {
      const c = this.byCcid.get(msg.ccid);
      // ASSUMPTION: a control message for an unknown CCID is dropped and logged as a wrong header (facts §5 recommends drop + log) (not documented; a hardware run confirms or refutes).
      if (!c || c.peer !== from) return this.log(ctx, 'wrongHeader', {}, settings);
      return c.receive(ctx, bytes, msg, unknownMandatory);
    }
    // CCID 0: an SCCRQ, or a message sent before the peer learned our CCID (reverse lookup, 3931 §5.4.3).
    const assigned = assignedCcidOf(msg);
    const existing = assigned ? [...this.byCcid.values()].find((c) => c.peer === from && c.remoteCcid === assigned) : undefined;
    if (existing) return existing.receive(ctx, bytes, msg, unknownMandatory);
    if (messageTypeOf(msg) !== MT.SCCRQ) return this.log(ctx, 'wrongHeader', {}, settings);
    if (!assigned) return this.log(ctx, 'avpsCheckError', {}, settings);
    // ASSUMPTION: an SCCRQ from an address no enabled tunnel points at is dropped without a StopCCN (not documented; a hardware run confirms or refutes).
    if (!t) return this.log(ctx, 'cantFindTunnel', {});
    this.onNewSccrq(ctx, t, from, bytes, msg, unknownMandatory);
  }

  private onNewSccrq(ctx: Ctx, t: TunnelConfig, from: string, bytes: Uint8Array, msg: ControlMessage, unknownMandatory: boolean): void {
    const n = t.settings.tunnel;
    const current = this.tunnelConn.get(n);
    if (current && current.isState('wait-ctl-reply')) {
      switch (compareTieBreakers(current.tieBreaker, tieBreakerOf(msg))) {
        case 'we-win':
          return this.reject(ctx, t, from, bytes, msg, 'tieLost', true);
        case 'we-lose':
          current.discard(ctx);
          break;
        case 'equal':
          // Both discard and restart with new random values (3931 §5.4.3).
          current.discard(ctx);
          this.reject(ctx, t, from, bytes, msg, 'tieLost', false);
          return this.openTunnel(ctx, n);
        case 'neither':
          // ASSUMPTION: RTX keeps one control connection per tunnel interface, so instead of a second
          // connection (3931 §5.4.3) the peer's SCCRQ is refused (not documented; a hardware run confirms or refutes).
          return this.reject(ctx, t, from, bytes, msg, 'alreadyExists', false);
      }
    } else if (current && current.active) {
      if (this.profile.sccrqWhileConnected === 'reject') return this.reject(ctx, t, from, bytes, msg, 'alreadyExists', false);
      current.stop(ctx, 'adminClose');
    }
    const c = this.newConnection(t, from, 'responder', true);
    c.remoteCcid = assignedCcidOf(msg) ?? 0;
    c.receive(ctx, bytes, msg, unknownMandatory);
  }

  private reject(ctx: Ctx, t: TunnelConfig, from: string, bytes: Uint8Array, msg: ControlMessage, refusal: ConnectionRefusal, logTie: boolean): void {
    this.newConnection(t, from, 'responder', false).rejectSccrq(ctx, bytes, msg, refusal, logTie);
  }
}
