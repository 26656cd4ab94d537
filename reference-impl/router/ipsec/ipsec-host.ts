// L2TPv3/IPsec in the emulated router (issue 15 point 1): the IKEv1 oracle (ipsec/ike IkeNode)
// driven by the router's clock over real UDP 500/4500 sockets, and the ESP SAs it makes carrying
// the L2TP control and data messages of the IPsec tunnels (ESP in UDP 4500, RFC 3948; see the
// 'esp-only-in-udp' limit). L2TP for an IPsec peer goes out only inside ESP; a message held while
// the SA is negotiated goes out once it is up ('pending-l2tp-queued').
import { randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { espKeyLogEntries, ikev1KeyLogEntry } from '../../ipsec/ike-key-log.ts';
import type { IkeAction, IkeEvent, IpsecSaUp } from '../../ipsec/ike/ike-events.ts';
import { IkeNode } from '../../ipsec/ike/ike-node.ts';
import { effectiveLifetimeS } from '../../ipsec/ike/lifecycle.ts';
import type { IkeProfile } from '../../ipsec/ike/profile.ts';
import { espSa, type EspSa } from '../../ipsec/esp/esp-sa.ts';
import { ReplayWindow } from '../../ipsec/esp/replay-window.ts';
import { classifyNatTPayload } from '../../ipsec/esp/udp-encapsulation.ts';
import type { KeyLogEntry } from '../../ipsec/key-log.ts';
import { Mulberry32 } from '../../sim/prng.ts';
import { ikeLogLevel, renderIkeSyslog, type IkeSyslogId } from '../../syslog/ike-catalogue.ts';
import type { TimeHost, TimerHandle } from '../time-host.ts';
import { openL2tp, sealL2tp } from './esp-l2tp.ts';
import { ikeKeyLine, ikeMessageLines, type IkeLogKind } from './ike-debug-log.ts';
import { saKey } from '../../ipsec/ike/isakmp-sa.ts';

const NO_KINDS: ReadonlySet<IkeLogKind> = new Set();
import { IPSEC_ASSUMPTION_VALUES } from './ipsec-assumptions.ts';
import type { IpsecPlan, IpsecTunnelBinding } from './ipsec-plan.ts';
import type { Datagram, IpsecSockets } from './ipsec-sockets.ts';
import type { PlainEspPort } from './plain-esp-port.ts';

/** One row of `show ipsec sa` ('show-ipsec-sa-format'). */
export interface IpsecSaStatus {
  gateway: number;
  kind: 'isakmp' | 'esp';
  /** ESP: inbound (recv) or outbound (send); ISAKMP: none. */
  direction?: 'recv' | 'send';
  /** ESP: the SPI; ISAKMP: none. */
  spi?: number;
  /** The tunnel interface the gateway protects (ESP rows). */
  tunnel?: number;
  peer: string;
  cipher: string;
  integrity?: string;
  udpEncapsulated: boolean;
  /** Virtual ms when it expires. */
  expiresAtMs: number;
}

export interface IpsecHostOptions {
  plan: IpsecPlan;
  sockets: IpsecSockets;
  time: TimeHost;
  seed: number;
  /** Anti-replay window on inbound SAs (`anti-replay-check`, yamaha-platform-facts.md §1.4); false switches it off everywhere. */
  antiReplay: boolean;
  /** Receives SA keys as they are made (the --key-log file); nothing else ever sees keys. */
  keyLog?: (entries: KeyLogEntry[]) => void;
  log: (level: 'INFO' | 'DEBUG', text: string) => void;
  /** A decrypted L2TP message from the peer of tunnel binding b. */
  deliver: (l2tpPeer: string, bytes: Uint8Array) => void;
  /** IKE-profile overrides (ipsec/ike/profile.ts). */
  profile?: Partial<IkeProfile>;
  /** DNS for `ipsec ike remote address GW NAME` (default: the system resolver). */
  resolveName?: (name: string) => Promise<string>;
  /** Plain ESP (IP protocol 50) for SAs negotiated without UDP encapsulation (--esp-plain). */
  plainEsp?: PlainEspPort;
  /** Every datagram sent (captures). */
  onSend?: (localPort: 500 | 4500, dst: { host: string; port: number }, bytes: Uint8Array) => void;
}

interface LiveSa {
  gateway: number;
  inbound: EspSa;
  outbound: EspSa;
  replay: ReplayWindow;
  /** The peer as the oracle knows it (config address, real port). */
  peer: { address: string; port: number };
  sequence: number;
  up: IpsecSaUp;
  createdAtMs: number;
}

export class IpsecHost {
  readonly node: IkeNode;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly byInboundSpi = new Map<number, LiveSa>();
  /** gateway -> the newest SA (outbound traffic uses it). */
  private readonly current = new Map<number, LiveSa>();
  private readonly pending = new Map<number, Uint8Array[]>();
  private readonly byPeer = new Map<string, IpsecTunnelBinding>();
  private live = false;
  /** ISAKMP initiator cookie (hex) -> the peer's address, for the lines about an SA that is gone. */
  private readonly peerOfCookie = new Map<string, string>();

  constructor(private readonly o: IpsecHostOptions) {
    this.node = new IkeNode({ gateways: o.plan.gateways, random: new Mulberry32(o.seed), profile: o.profile });
    for (const b of o.plan.tunnels) if (!this.byPeer.has(b.l2tpPeer)) this.byPeer.set(b.l2tpPeer, b);
  }

  async start(): Promise<void> {
    await this.o.sockets.open((d) => this.onDatagram(d));
    await this.o.plainEsp?.start((src, esp) => this.live && this.onEsp({ localPort: 4500, from: { address: this.o.sockets.configAddress(src), port: 0 }, bytes: esp }, esp, true));
    this.live = true;
    // 'sa-triggers-key-exchange': with auto refresh, key exchange starts at once.
    for (const g of this.o.plan.gateways) if (g.autoRefresh && g.remote !== 'any') void this.connect(g.gateway);
    for (const [gw, name] of this.o.plan.remoteNames) if (!this.o.plan.gateways.find((g) => g.gateway === gw)?.autoRefresh) void this.resolveName(gw, name);
  }

  /** Sends Delete for every SA (unless silent) and closes the sockets. */
  stop(opts: { silent?: boolean } = {}): void {
    if (!this.live) return;
    if (!opts.silent) for (const g of this.o.plan.gateways) this.dispatch({ kind: 'disconnect', gateway: g.gateway });
    this.live = false;
    for (const t of this.timers.values()) this.o.time.cancel(t);
    this.timers.clear();
    this.o.sockets.close();
    this.o.plainEsp?.close();
  }

  /** Whether L2TP to this config address belongs to an IPsec tunnel. */
  owns(l2tpPeer: string): boolean {
    return this.byPeer.has(l2tpPeer);
  }

  /** Whether a cleartext L2TP datagram from `address` comes from an IPsec tunnel's peer (then it is dropped). */
  isIpsecPeer(address: string): boolean {
    if (this.byPeer.has(address)) return true;
    if (this.o.plan.gateways.some((g) => g.remote === address)) return true;
    return [...this.current.values()].some((s) => s.peer.address === address);
  }

  /** The L2TP message to the peer of an IPsec tunnel: inside ESP, or held until the SA is up. */
  send(l2tpPeer: string, bytes: Uint8Array): void {
    const b = this.byPeer.get(l2tpPeer);
    if (!b || !this.live) return;
    const sa = this.current.get(b.gateway);
    if (sa) return this.sendEsp(sa, bytes);
    const q = this.pending.get(b.gateway) ?? [];
    // a retransmission of a held message is held once ('pending-l2tp-queued')
    const held = q.some((m) => Buffer.from(m).equals(bytes));
    if (!held && q.length < IPSEC_ASSUMPTION_VALUES.pendingPerGateway) q.push(Uint8Array.from(bytes));
    this.pending.set(b.gateway, q);
    if (q.length === 1 && !this.negotiating(b.gateway)) void this.connect(b.gateway);
  }

  /** A phase 1 or quick mode of the gateway is under way (its SA will come: no second one). */
  private negotiating(gateway: number): boolean {
    for (const sa of this.node.sas.values()) {
      if (sa.gw.gateway !== gateway) continue;
      if (sa.state !== 'established' || [...sa.quick.values()].some((q) => q.state !== 'done')) return true;
    }
    return false;
  }

  /** The peer address of tunnel N's current SA. */
  tunnelPeer(tunnel: number): string | undefined {
    const b = this.o.plan.tunnels.find((t) => t.tunnel === tunnel);
    return b && this.saPeer(b.gateway);
  }

  /** The peer address (config form) of the gateway's current SA. */
  saPeer(gateway: number): string | undefined {
    return this.current.get(gateway)?.peer.address;
  }

  /** Whether L2TP to this peer would go into an SA now. */
  hasSa(l2tpPeer: string): boolean {
    const b = this.byPeer.get(l2tpPeer);
    return b !== undefined && this.current.has(b.gateway);
  }

  /** Whether tunnel N's IPsec SA is up (`show status tunnel`: connected follows the SA, facts §3.6). */
  tunnelUp(tunnel: number): boolean {
    const b = this.o.plan.tunnels.find((t) => t.tunnel === tunnel);
    return b !== undefined && this.current.has(b.gateway);
  }

  /** When tunnel N's SA came up (virtual ms). */
  tunnelUpSince(tunnel: number): number | undefined {
    const b = this.o.plan.tunnels.find((t) => t.tunnel === tunnel);
    return b && this.current.get(b.gateway)?.createdAtMs;
  }

  isIpsecTunnel(tunnel: number): boolean {
    return this.o.plan.tunnels.some((t) => t.tunnel === tunnel);
  }

  /** `show ipsec sa`: each established ISAKMP SA, then each ESP SA in both directions. */
  status(): IpsecSaStatus[] {
    const isakmp: IpsecSaStatus[] = [...this.node.sas.values()]
      .filter((sa) => sa.state === 'established')
      .map((sa) => ({
        gateway: sa.gw.gateway, kind: 'isakmp', peer: sa.peer.address, cipher: sa.suite?.cipher ?? '-', integrity: sa.suite?.hash, udpEncapsulated: sa.floated,
        expiresAtMs: (sa.establishedAt ?? 0) + effectiveLifetimeS(sa.gw.phase1LifetimeS ?? this.node.profile.defaultLifetimeS, sa.suite?.lifetimeS) * 1000,
      }));
    const esp = [...this.byInboundSpi.values()].flatMap((s) => {
      const base = { gateway: s.gateway, kind: 'esp' as const, tunnel: this.o.plan.tunnels.find((t) => t.gateway === s.gateway)?.tunnel, peer: s.peer.address, cipher: s.up.cipher, integrity: s.up.integrity, udpEncapsulated: s.up.udpEncapsulated, expiresAtMs: s.createdAtMs + s.up.lifetimeS * 1000 };
      return [
        { ...base, direction: 'send' as const, spi: s.outbound.spi },
        { ...base, direction: 'recv' as const, spi: s.inbound.spi },
      ];
    });
    return [...isakmp, ...esp];
  }

  /** `ipsec ike remote address GW NAME`: resolved when key exchange starts (§1.4). */
  private async resolveName(gateway: number, name: string): Promise<boolean> {
    const gw = this.o.plan.gateways.find((g) => g.gateway === gateway);
    if (!gw) return false;
    try {
      gw.remote = this.o.resolveName ? await this.o.resolveName(name) : (await lookup(name)).address;
      return true;
    } catch {
      this.logId('unresolved', { name });
      return false;
    }
  }

  private async connect(gateway: number): Promise<void> {
    const name = this.o.plan.remoteNames.get(gateway);
    // a name is looked up again at every key exchange ('name-resolved-per-key-exchange'), so a
    // NetVolante DNS peer whose address changed is found at its new address (設定例6)
    if (name !== undefined && !(await this.resolveName(gateway, name))) return this.scheduleRefresh(gateway);
    if (this.live) this.dispatch({ kind: 'connect', gateway });
  }

  /**
   * 'auto-refresh-after-loss': with `ipsec auto refresh` on, a gateway that can initiate and has
   * no ISAKMP SA left (its peer died under DPD, phase 1 gave up, its name did not resolve) starts
   * key exchange again after IPSEC_ASSUMPTION_VALUES.autoRefreshRetryS, unless L2TP traffic or
   * the peer has started one meanwhile.
   */
  private scheduleRefresh(gateway: number): void {
    const gw = this.o.plan.gateways.find((g) => g.gateway === gateway);
    if (!this.live || !gw?.autoRefresh || gw.remote === 'any') return;
    if ([...this.node.sas.values()].some((sa) => sa.gw.gateway === gateway)) return;
    const id = `auto-refresh:${gateway}`;
    if (this.timers.has(id)) return;
    this.timers.set(id, this.o.time.at(this.o.time.now() + IPSEC_ASSUMPTION_VALUES.autoRefreshRetryS * 1000, () => {
      this.timers.delete(id);
      if (this.live && !this.current.has(gateway) && !this.negotiating(gateway)) void this.connect(gateway);
    }));
  }

  private dispatch(ev: IkeEvent): void {
    for (const a of this.node.handle(this.o.time.now(), ev)) this.act(a);
  }

  private act(a: IkeAction): void {
    switch (a.kind) {
      case 'send': {
        const dst = this.o.sockets.send(a.localPort, a.to, a.bytes);
        if (dst) this.o.onSend?.(a.localPort, dst, a.bytes);
        this.notePeer(a.localPort, a.bytes, a.to.address);
        this.debugLines(ikeMessageLines(this.logKinds(a.to.address, a.bytes, a.localPort), 'send', a.to.address, a.localPort, a.bytes));
        break;
      }
      case 'setTimer': {
        this.o.time.cancel(this.timers.get(a.id));
        this.timers.set(a.id, this.o.time.at(a.atMs, () => {
          this.timers.delete(a.id);
          if (this.live) this.dispatch({ kind: 'timer', id: a.id });
        }));
        break;
      }
      case 'cancelTimer':
        this.o.time.cancel(this.timers.get(a.id));
        this.timers.delete(a.id);
        break;
      case 'log':
        this.o.log(ikeLogLevel(a.text), a.text);
        break;
      case 'phase1Up':
        this.o.keyLog?.([ikev1KeyLogEntry(a.keys)]);
        this.debugLines(ikeKeyLine(this.o.plan.ikeLog.get(a.gateway) ?? NO_KINDS, 'ISAKMP SA', a.peer.address));
        break;
      case 'phase1Down':
        this.logId('phase1Down', { address: this.peerOfCookie.get(saKey(a.icookie)) ?? this.o.plan.gateways.find((g) => g.gateway === a.gateway)?.remote ?? '?', reason: a.reason });
        this.scheduleRefresh(a.gateway);
        break;
      case 'ipsecSaUp':
        this.saUp(a.sa);
        this.debugLines(ikeKeyLine(this.o.plan.ikeLog.get(a.sa.gateway) ?? NO_KINDS, 'IPsec SA', a.sa.peer.address));
        break;
      case 'ipsecSaDown':
        this.saDown(a.gateway, a.inboundSpi, a.reason);
        break;
      case 'peerDead':
        // `ipsec ike keepalive log GW on` (default on, §1.4): the emulator's wording ('ike-log-levels')
        if (this.o.plan.keepaliveLog.get(a.gateway) !== false) this.logId('keepaliveDown', { address: this.o.plan.gateways.find((g) => g.gateway === a.gateway)?.remote ?? '?' });
        break;
      case 'dropped':
        this.logId('dropped', { address: a.from.address, reason: a.reason });
        break;
      default:
        break;
    }
  }

  private saUp(up: IpsecSaUp): void {
    const mk = (k: IpsecSaUp['inbound']) => espSa({ spi: k.spi, cipher: up.cipher, encryptionKey: k.encKey, integrity: up.integrity, authenticationKey: k.authKey });
    const sa: LiveSa = {
      gateway: up.gateway, inbound: mk(up.inbound), outbound: mk(up.outbound), replay: new ReplayWindow(this.o.antiReplay && this.o.plan.antiReplay.get(up.gateway) !== false ? { check: 'on' } : { check: 'off' }),
      peer: { ...up.peer }, sequence: 0, up, createdAtMs: this.o.time.now(),
    };
    // the key log names the addresses on the wire (the capture's), not the config's
    const wire = { ...up, local: { ...up.local, address: this.o.sockets.wireAddress(up.local.address) }, peer: { ...up.peer, address: this.o.sockets.wireAddress(up.peer.address) } };
    this.o.keyLog?.(espKeyLogEntries(wire));
    const first = !this.current.has(up.gateway);
    this.byInboundSpi.set(sa.inbound.spi, sa);
    this.current.set(up.gateway, sa);
    if (first) for (const b of this.o.plan.tunnels) if (b.gateway === up.gateway) this.logId('ipTunnelUp', { tunnel: b.tunnel });
    const q = this.pending.get(up.gateway) ?? [];
    this.pending.delete(up.gateway);
    for (const m of q) this.sendEsp(sa, m);
  }

  private saDown(gateway: number, inboundSpi: number, reason: string): void {
    const sa = this.byInboundSpi.get(inboundSpi);
    this.byInboundSpi.delete(inboundSpi);
    if (sa) this.logId('ipsecSaDown', { address: sa.peer.address, reason });
    if (this.current.get(gateway) !== sa) return;
    const next = [...this.byInboundSpi.values()].filter((s) => s.gateway === gateway).pop();
    if (next) this.current.set(gateway, next);
    else {
      this.current.delete(gateway);
      for (const b of this.o.plan.tunnels) if (b.gateway === gateway) this.logId('ipTunnelDown', { tunnel: b.tunnel });
    }
  }

  private sendEsp(sa: LiveSa, l2tp: Uint8Array): void {
    sa.sequence = (sa.sequence + 1) >>> 0;
    const v6 = sa.peer.address.includes(':');
    const bytes = sealL2tp({
      sa: sa.outbound, sequence: sa.sequence, iv: randomBytes(sa.outbound.cipher.ivBytes), l2tp,
      ipv6: v6 ? { src: this.o.sockets.wireAddress(sa.up.local.address), dst: this.o.sockets.wireAddress(sa.peer.address) } : undefined,
    });
    if (!sa.up.udpEncapsulated) {
      // RFC 4303 §3.1.1 transport mode without NAT-T: IP protocol 50, only through --esp-plain
      if (!this.o.plainEsp?.send(this.o.sockets.wireAddress(sa.peer.address), bytes)) this.logId('dropped', { address: sa.peer.address, reason: this.o.plainEsp ? 'plain ESP: next hop not resolved yet' : 'plain ESP needs --esp-plain' });
      return;
    }
    const dst = this.o.sockets.send(4500, sa.peer, bytes);
    if (dst) this.o.onSend?.(4500, dst, bytes);
  }

  private onDatagram(d: Datagram): void {
    if (!this.live) return;
    if (d.localPort === 4500) {
      const c = classifyNatTPayload(d.bytes);
      if (c.kind === 'esp') return this.onEsp(d, c.esp);
    }
    this.notePeer(d.localPort, d.bytes, d.from.address);
    this.dispatch({ kind: 'udp', localPort: d.localPort, from: d.from, bytes: d.bytes });
    this.debugLines(ikeMessageLines(this.logKinds(d.from.address, d.bytes, d.localPort), 'receive', d.from.address, d.localPort, d.bytes));
  }

  /** `ipsec ike log` kinds of the gateway a datagram belongs to (by its SA, else by the peer's address). */
  private logKinds(peer: string, datagram: Uint8Array, localPort: 500 | 4500): ReadonlySet<IkeLogKind> {
    if (this.o.plan.ikeLog.size === 0) return NO_KINDS;
    const at = localPort === 4500 ? 4 : 0;
    const sa = datagram.length >= at + 8 ? this.node.sas.get(saKey(datagram.subarray(at, at + 8))) : undefined;
    const gw = sa?.gw.gateway ?? this.o.plan.gateways.find((g) => g.remote === peer)?.gateway;
    return (gw !== undefined && this.o.plan.ikeLog.get(gw)) || NO_KINDS;
  }

  private notePeer(localPort: 500 | 4500, datagram: Uint8Array, peer: string): void {
    const at = localPort === 4500 ? 4 : 0;
    if (datagram.length < at + 28) return;
    if (this.peerOfCookie.size >= 256) this.peerOfCookie.clear(); // bounded: cookies of anyone who writes to us
    this.peerOfCookie.set(saKey(datagram.subarray(at, at + 8)), peer);
  }

  private debugLines(lines: readonly string[]): void {
    for (const l of lines) this.o.log('DEBUG', l);
  }

  private onEsp(d: Datagram, esp: Uint8Array, plain = false): void {
    const spi = new DataView(esp.buffer, esp.byteOffset, 4).getUint32(0);
    const sa = this.byInboundSpi.get(spi);
    if (!sa) return this.logId('dropped', { address: d.from.address, reason: `ESP for unknown SPI 0x${spi.toString(16).padStart(8, '0')}` });
    const r = openL2tp(sa.inbound, esp, sa.replay);
    if (!r.ok) return this.logId('dropped', { address: d.from.address, reason: `ESP ${r.error.kind}` });
    // RFC 3948 §2.1 / RFC 3947 §5.2: ESP from a new NAT mapping moves the peer there.
    if (!plain) sa.peer = { ...d.from };
    const b = this.o.plan.tunnels.find((t) => t.gateway === sa.gateway);
    if (b) this.o.deliver(b.l2tpPeer, r.l2tp);
  }

  private logId(id: IkeSyslogId, args: Record<string, string | number>): void {
    const text = renderIkeSyslog(id, args);
    this.o.log(ikeLogLevel(text), text);
  }
}
