// The emulated router: the oracle (control plane, bridge, filters, config) wrapped in real I/O —
// L2TPv3 over UDP, LAN ports, syslog — with a time scale and injected defects. It is the
// RouterDevice the RTX CLI (cli/, ssh-server.ts, serial-console.ts) talks to.
import { randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { BridgeTableView } from '../bridge/index.ts';
import { formatIssue, parseConfig, type CliContext } from '../config/index.ts';
import type { ControlProfile } from '../control/control-profile.ts';
import { controlProfileFor } from '../control/profile-variants.ts';
import type { NodeAction, NodeEvent } from '../control/node-events.ts';
import { L2tpNode } from '../control/node.ts';
import { Mulberry32 } from '../sim/prng.ts';
import { ControlDefects } from './control-defects.ts';
import { SyslogDefects } from './syslog-defects.ts';
import { DataPlane } from './data-plane.ts';
import { parseDefects, type DefectName } from './defects.ts';
import type { ActionResult, L2tpTunnelStatus, TunnelInterfaceStatus } from './device.ts';
import { FilterStage } from './filter-stage.ts';
import { L2tpSocket, L2TP_UDP_PORT, type UnderlayTarget } from './l2tp-socket.ts';
import { openLanPort, type LanPort, type LanPortSpec } from './lan-port.ts';
import { MemoryDevice } from './memory-device.ts';
import type { ApplyOutcome } from './running-config.ts';
import { effectiveIssues, planRouter, type RouterPlan } from './router-config.ts';
import { levelEnabled, type RouterLogLevel } from './syslog-format.ts';
import { parseSyslogTarget, SyslogSender } from './syslog-sender.ts';
import { TimeHost, type TimerHandle } from './time-host.ts';
import { TrafficCounters } from './traffic.ts';
import { RouterIpsec, type RouterIpsecOptions } from './ipsec/router-ipsec.ts';
import { planUnderlay, type MapELabParams } from './underlay/underlay-plan.ts';
import { UnderlayPort } from './underlay/underlay-port.ts';

/** With the L2TPv3/IPsec options (--key-log, IKE ports, DNS, IKE profile): ipsec/router-ipsec.ts. */
export interface RouterOptions extends RouterIpsecOptions {
  model: string;
  firmware: string;
  config: string;
  /** Where `save` writes the config (none: saved in memory only). */
  configPath?: string;
  /** Addresses the L2TP sockets bind; default 0.0.0.0 (and :: when a tunnel is IPv6). */
  wan?: string[];
  /** UDP port for L2TP (RTX: 1701, facts §6); another port lets labs run without root. */
  l2tpPort?: number;
  /** config address -> socket address (labs on loopback). */
  underlay?: ReadonlyMap<string, UnderlayTarget>;
  lan?: LanPortSpec[];
  /** The MAP-E rule and End-user prefix the lab hands a `tunnel encapsulation map-e` router (underlay/underlay-plan.ts). */
  mapE?: MapELabParams;
  timeScale?: number;
  defects?: readonly string[];
  /** PRNG seed for ids, tie breakers, nonces (default: random). */
  seed?: number;
  /** A named firmware-profile variant (control/profile-variants.ts: cookie8, sequencing); default: the default profile. */
  profileVariant?: string;
  /** Control-profile overrides on top of the variant (e.g. cookies, for tests of the data plane). */
  controlProfile?: Partial<ControlProfile>;
  /** Do not send `l2tp service on` at start: call serviceOn() (tests dial both ends at once). */
  holdService?: boolean;
  /** Sees every packet the router sends (captures). */
  onTransmit?: (t: Transmission) => void;
  /** Sees every line the router logs, whether or not syslog switches let it out. */
  onLog?: (e: { level: RouterLogLevel; text: string; atMs: number }) => void;
}

export type Transmission =
  | { kind: 'udp'; src: { host: string; port: number }; dst: { host: string; port: number }; bytes: Uint8Array }
  | { kind: 'lan'; port: string; frame: Uint8Array };

export interface ReadyInfo {
  l2tp: { address: string; port: number }[];
  lan: Record<string, string>;
}

/** Yamaha's OUI (facts §3.1 banner MACs 00:a0:de:...). */
const YAMAHA_OUI = [0x00, 0xa0, 0xde];

export class Router extends MemoryDevice {
  readonly defects: ReadonlySet<DefectName>;
  readonly time: TimeHost;
  private readonly opts: RouterOptions;
  private readonly macBase: number;
  private plan!: RouterPlan;
  private node!: L2tpNode;
  private data!: DataPlane;
  private readonly ctl: ControlDefects;
  private readonly logDefects: SyslogDefects<RouterLogLevel>;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly ports = new Map<string, LanPort>();
  private readonly syslog = new SyslogSender();
  private readonly traffic = new TrafficCounters();
  private readonly establishedAt = new Map<number, number>();
  /** Tunnel number per peer address, first tunnel wins (as plan.tunnels.find); made per build(). */
  private tunnelByPeer = new Map<string, number>();
  /**
   * Virtual ms of the last dataActivity dispatched per tunnel, while no other event came in
   * between: a repeat in the same ms sets the same lastDataAt and the same timer (CR 16.3), so it
   * is skipped; any other event clears this.
   */
  private readonly activityAt = new Map<number, number>();
  private sock?: L2tpSocket;
  /** L2TP routed into an ipip/map-e tunnel interface (namespace mode): underlay/underlay-port.ts */
  private underlay?: UnderlayPort;
  private live = false;
  private readonly ipsec: RouterIpsec;

  constructor(opts: RouterOptions, time = new TimeHost(opts.timeScale ?? 1)) {
    const defects = parseDefects(opts.defects ?? []);
    const seed = opts.seed ?? randomInt(2 ** 31);
    const macBase = seed & 0xffff00;
    const boot = Date.now();
    super({
      model: opts.model,
      firmware: opts.firmware,
      config: opts.config,
      clock: () => boot + time.now(),
      identity: { macAddresses: [1, 2, 3].map((n) => macText(macBase, n)) },
    });
    this.defects = defects;
    this.time = time;
    this.opts = opts;
    this.macBase = macBase;
    this.ctl = new ControlDefects(defects);
    this.logDefects = new SyslogDefects(defects);
    const issues = effectiveIssues(parseConfig(opts.config), opts.model, opts.firmware, defects);
    if (issues.length > 0) throw new Error(`config refused by ${opts.model} Rev.${opts.firmware}:\n${issues.map((i) => formatIssue('config', i)).join('\n')}`);
    this.random = new Mulberry32(seed);
    this.ipsec = new RouterIpsec(opts, time, seed, {
      log: (level, text) => this.emit(level, text),
      deliver: (peer, bytes) => this.receiveL2tp(peer, bytes),
      transmit: (t) => this.opts.onTransmit?.(t),
    });
    this.build();
  }

  private readonly random: Mulberry32;

  // ---- life cycle ----------------------------------------------------------------------

  async start(): Promise<ReadyInfo> {
    const v6 = this.plan.tunnels.some((t) => t.remoteAddress.includes(':'));
    const bind = this.opts.wan ?? (v6 ? ['0.0.0.0', '::'] : ['0.0.0.0']);
    this.sock = new L2tpSocket({ bind, port: this.opts.l2tpPort ?? L2TP_UDP_PORT, underlay: this.opts.underlay ?? new Map() });
    await this.sock.open((from, bytes) => this.onUdp(from, bytes));
    const underlay = planUnderlay(this.configDocument(), { wanIpv6: this.opts.wan?.find((a) => a.includes(':')), mapE: this.opts.mapE });
    if (underlay) {
      const mac = (ifname: string) => Array.from(this.macOf(ifname), (b) => b.toString(16).padStart(2, '0')).join(':');
      this.underlay = new UnderlayPort(underlay, this.opts.wan ?? [], () => this.time.now(), mac);
      await this.underlay.start((from, bytes) => this.onUdp(from, bytes));
    }
    await this.ipsec.start(this.plan.ipsec);
    for (const spec of this.opts.lan ?? []) {
      const port = openLanPort(spec);
      await port.start((frame) => this.live && this.data.fromLan(spec.name, frame, this.time.now()));
      this.ports.set(spec.name, port);
    }
    this.live = true;
    if (!this.opts.holdService) this.serviceOn();
    return this.ready();
  }

  ready(): ReadyInfo {
    return { l2tp: this.sock?.addresses() ?? [], lan: Object.fromEntries([...this.ports].map(([n, p]) => [n, p.describe])) };
  }

  /** `l2tp service on` as the config says (start() does this unless holdService). */
  serviceOn(): void {
    if (this.plan.service) this.dispatch({ kind: 'serviceOn' });
  }

  /** silent: vanish without a StopCCN (power cut); otherwise close connections first. */
  stop(opts: { silent?: boolean } = {}): void {
    if (!this.live) return;
    if (!opts.silent) this.dispatch({ kind: 'serviceOff' });
    this.live = false;
    for (const t of this.timers.values()) this.time.cancel(t);
    this.timers.clear();
    this.time.cancelAll();
    this.sock?.close();
    this.underlay?.close();
    this.ipsec.stop(opts);
    for (const p of this.ports.values()) p.close();
    this.ports.clear();
    this.syslog.close();
  }

  /** The MAC of a LAN port (bridges answer with their lowest member's, facts §4.3). */
  macOf(iface: string): Uint8Array {
    const n = /^lan(\d+)$/.exec(iface);
    return macBytes(this.macBase, n ? Number(n[1]) : 1);
  }

  // ---- wiring --------------------------------------------------------------------------

  private build(): void {
    this.plan = planRouter(this.configDocument(), this.opts.model, this.opts.firmware, this.defects, this.ipsec.ownAddress(), this.opts.plainEsp);
    this.tunnelByPeer = new Map();
    for (const t of this.plan.tunnels) if (!this.tunnelByPeer.has(t.remoteAddress)) this.tunnelByPeer.set(t.remoteAddress, t.settings.tunnel);
    this.activityAt.clear();
    const profile: ControlProfile = {
      ...controlProfileFor(this.opts.profileVariant),
      ...this.opts.controlProfile,
      ...this.ctl.profileOverrides(),
    };
    this.node = new L2tpNode({ tunnels: this.plan.tunnels, random: this.random, profile });
    const filters = new FilterStage(this.plan, this.plan.caps, this.defects, (t) => this.emit('NOTICE', t));
    this.data = new DataPlane(this.plan, this.plan.caps, (i) => this.macOf(i), filters, this.defects, {
      lan: (port, frame) => this.sendLan(port, frame),
      udp: (peer, bytes) => {
        this.traffic.tx(this.tunnelOfPeer(peer), bytes.length);
        this.sendUdp(peer, bytes);
      },
      // defect data-activity-ignored: traffic never reaches the disconnect timer
      activity: (n) => {
        if (this.defects.has('data-activity-ignored')) return;
        const now = this.time.now();
        if (this.activityAt.get(n) === now) return;
        // defect data-restart-doubles-disconnect-time: the restart counts from one disconnect time ahead
        const late = this.defects.has('data-restart-doubles-disconnect-time') ? this.disconnectTimeMs(n) : 0;
        if (late > 0) for (const a of this.node.handle({ kind: 'dataActivity', tunnel: n }, now + late)) this.act(a);
        else this.dispatch({ kind: 'dataActivity', tunnel: n });
        this.activityAt.set(n, now);
      },
    }, this.time.now(), this.node.profile);
  }

  /** `l2tp tunnel disconnect time` of tunnel `n` in ms (0: off or no such tunnel). */
  private disconnectTimeMs(n: number): number {
    const t = this.plan.tunnels.find((x) => x.settings.tunnel === n)?.settings.disconnectTimeS;
    return typeof t === 'number' ? t * 1000 : 0;
  }

  private tunnelOfPeer(peer: string): number {
    return this.tunnelByPeer.get(peer) ?? 0;
  }

  private dispatch(event: NodeEvent): void {
    if (event.kind !== 'dataActivity') this.activityAt.clear();
    for (const a of this.node.handle(event, this.time.now())) this.act(a);
  }

  private act(a: NodeAction): void {
    switch (a.kind) {
      case 'send': {
        const bytes = this.ctl.outgoing(a.to, a.bytes);
        if (bytes) this.sendUdp(a.to, bytes);
        break;
      }
      case 'setTimer': {
        this.time.cancel(this.timers.get(a.id));
        const node = this.node;
        this.timers.set(a.id, this.time.at(a.atMs, () => {
          this.timers.delete(a.id);
          if (this.live && node === this.node) this.dispatch({ kind: 'timer', id: a.id });
        }));
        break;
      }
      case 'cancelTimer':
        this.time.cancel(this.timers.get(a.id));
        this.timers.delete(a.id);
        break;
      case 'syslog':
        this.emit(a.level, a.text);
        break;
      case 'tunnelState':
        if (a.to === 'established') this.establishedAt.set(a.tunnel, this.nowMs());
        else this.establishedAt.delete(a.tunnel);
        break;
      case 'sessionUp':
        this.data.sessionUp(a.tunnel, a.peer, a.layout);
        break;
      case 'sessionDown':
        this.data.sessionDown(a.tunnel);
        break;
      default:
        break;
    }
  }

  private onUdp(from: string, bytes: Uint8Array): void {
    // L2TP of an L2TPv3/IPsec tunnel arrives only inside ESP ('cleartext-l2tp-dropped-silently')
    if (this.ipsec.dropsCleartext(from)) return;
    this.receiveL2tp(from, bytes);
  }

  private receiveL2tp(from: string, bytes: Uint8Array): void {
    if (!this.live) return;
    if (bytes.length >= 2 && (bytes[0] & 0x80) === 0 && (bytes[1] & 0x0f) === 3) {
      this.traffic.rx(this.tunnelOfPeer(from), bytes.length);
      return this.data.fromTunnel(from, bytes, this.time.now());
    }
    const b = this.ctl.incoming(from, bytes);
    if (b) this.dispatch({ kind: 'packet', from, bytes: b });
    // defect hello-resets-disconnect-timer: a Hello counts as data activity
    if (b && this.ctl.isHello(b)) this.dispatch({ kind: 'dataActivity', tunnel: this.tunnelOfPeer(from) });
  }

  private sendUdp(to: string, bytes: Uint8Array): void {
    if (this.ipsec.send(to, bytes)) return;
    if (this.underlay?.carries(to)) {
      const d = this.underlay.datagramTo(to);
      this.opts.onTransmit?.({ kind: 'udp', src: { host: d.src, port: d.srcPort }, dst: { host: d.dst, port: d.dstPort }, bytes });
      return this.underlay.send(to, bytes);
    }
    if (!this.sock) return;
    // the capture's addresses only when someone captures: addresses() is a syscall per socket, per frame
    if (this.opts.onTransmit) {
      const dst = this.sock.resolve(to);
      const src = this.sock.addresses().find((a) => a.address.includes(':') === dst.host.includes(':')) ?? { address: '0.0.0.0', port: 0 };
      this.opts.onTransmit({ kind: 'udp', src: { host: src.address, port: src.port }, dst, bytes });
    }
    this.sock.send(to, bytes);
  }

  private sendLan(port: string, frame: Uint8Array): void {
    const p = this.ports.get(port);
    if (!p) return;
    this.opts.onTransmit?.({ kind: 'lan', port, frame });
    p.send(frame);
  }

  /** One log line: `show log` and every `syslog host`, as the switches allow. */
  private emit(level: RouterLogLevel, line: string): void {
    for (const l of this.logDefects.lines(level, line)) this.emitLine(l.level, l.text);
  }

  private emitLine(level: RouterLogLevel, raw: string): void {
    let text = this.ipsec.displayText(raw);
    // defect syslog-typo / syslog-wrong-tunnel-number: the line differs from the seed's
    if (this.defects.has('syslog-typo')) text = text.replace('established', 'estabished');
    if (this.defects.has('syslog-wrong-tunnel-number')) text = text.replace(/TUNNEL\[(\d+)\]/, (_, n: string) => `TUNNEL[${Number(n) + 1}]`);
    this.opts.onLog?.({ level, text, atMs: this.time.now() });
    // defect syslog-debug-switch-ignored: DEBUG goes out with `syslog debug off`
    const open = levelEnabled(level, this.plan.syslog) || (level === 'DEBUG' && this.defects.has('syslog-debug-switch-ignored'));
    if (!open) return;
    super.log(text);
    // defect syslog-wrong-level: INFO lines carry debug severity
    const wire: RouterLogLevel = level === 'INFO' && this.defects.has('syslog-wrong-level') ? 'DEBUG' : level;
    this.syslog.send(this.plan.syslogHosts.map(parseSyslogTarget), wire, text);
  }

  // ---- RouterDevice --------------------------------------------------------------------

  override configDisplayLines(revealSecrets = false): string[] {
    const lines = super.configDisplayLines(revealSecrets);
    // defect show-config-drops-hostname: the line is in effect but not shown
    return this.defects.has('show-config-drops-hostname') ? lines.filter((l) => !/^\s*l2tp hostname /.test(l)) : lines;
  }

  override log(text: string): void {
    this.emit('INFO', text);
  }

  override applyCommand(line: string, context: CliContext): ApplyOutcome {
    const r = super.applyCommand(line, context);
    // defect cli-error-not-reported: a refusal looks like success (the config is still unchanged)
    if (!r.ok && this.defects.has('cli-error-not-reported')) return { ok: true, context, changed: false };
    if (r.ok && r.changed) this.reconfigure();
    return r;
  }

  override save(): ActionResult {
    // defect config-not-saved: success reported, nothing written
    if (this.defects.has('config-not-saved')) return { ok: true };
    const r = super.save();
    if (r.ok && this.opts.configPath) {
      try {
        writeFileSync(this.opts.configPath, this.savedConfigText());
      } catch (e) {
        return { ok: false, kind: 'invalidCommandName', reason: `cannot write the configuration: ${(e as Error).message}` };
      }
    }
    return r;
  }

  /** A changed running config takes effect: the L2TP node is rebuilt only when its settings changed. */
  private reconfigure(): void {
    const before = this.plan;
    const next = planRouter(this.configDocument(), this.opts.model, this.opts.firmware, this.defects, this.ipsec.ownAddress(), this.opts.plainEsp);
    const key = (p: RouterPlan) => JSON.stringify({ t: p.tunnels.map((t) => ({ ...t, settings: { ...t.settings, auth: { e: t.settings.auth.enabled, p: String(t.settings.auth.password) } } })), s: p.service });
    if (key(before) !== key(next) || this.ipsec.changed(next.ipsec)) {
      if (this.live) this.dispatch({ kind: 'serviceOff' });
      for (const t of this.timers.values()) this.time.cancel(t);
      this.timers.clear();
      this.build();
      if (this.live) void this.ipsec.restart(this.plan.ipsec);
      if (this.live) this.serviceOn();
    } else {
      const sessions = this.plan.tunnels.flatMap((t) => this.node.establishedSessions(t.settings.tunnel).map((l) => ({ n: t.settings.tunnel, peer: t.remoteAddress, l })));
      const node = this.node;
      this.build();
      this.node = node; // keep the control plane and its connections
      for (const s of sessions) this.data.sessionUp(s.n, s.peer, s.l);
    }
  }

  override l2tpStatus(): readonly L2tpTunnelStatus[] {
    return this.plan.tunnelViews.map((v) => ({
      tunnel: v.tunnel,
      state: this.node.connectionState(v.tunnel),
      encapsulation: v.encapsulation,
      localAddress: v.endpointAddress?.local,
      remoteAddress: v.endpointAddress?.remote ?? this.ipsec.tunnelState(v.tunnel)?.peer,
      localTunnelId: this.node.localCcid(v.tunnel),
      remoteTunnelId: this.node.remoteCcid(v.tunnel),
      // what the peer's SCCRQ/SCCRP said (Host Name, Router ID AVPs)
      remoteHostname: this.node.peerIdentity(v.tunnel).hostName,
      remoteRouterId: this.node.peerIdentity(v.tunnel).routerId,
      establishedAtMs: this.establishedAt.get(v.tunnel),
      sessions: this.node.establishedSessions(v.tunnel).map((l) => ({ localSessionId: l.localSessionId, remoteSessionId: l.remoteSessionId, state: 'established' as const, remoteEndId: v.remoteEndId })),
    }));
  }

  /** Session layouts of tunnel N (tests forge data messages with them). */
  sessionLayouts(tunnel: number) {
    return this.node.establishedSessions(tunnel);
  }

  override tunnelStatus(tunnel: number): TunnelInterfaceStatus {
    const base = super.tunnelStatus(tunnel);
    // facts §3.6: an L2TPv3/IPsec tunnel's connected state is its IPsec SA's
    const sa = this.ipsec.tunnelState(tunnel);
    const up = sa ? sa.up : this.node.establishedSessions(tunnel).length > 0;
    const since = sa ? this.nowMs() - this.time.now() + (sa.sinceMs ?? 0) : this.establishedAt.get(tunnel);
    return { ...base, connected: up, upSinceMs: up ? since : undefined, ...this.traffic.view(tunnel) };
  }

  override bridgeLearning(): readonly BridgeTableView[] {
    const now = this.time.now();
    return this.data.bridgeNames().flatMap((b) => this.data.table(b, now) ?? []);
  }

  override connectTunnel(tunnel: number): ActionResult {
    const r = super.connectTunnel(tunnel);
    // defect connect-command-ignored: accepted, nothing happens
    if (r.ok && !this.defects.has('connect-command-ignored')) this.dispatch({ kind: 'connect', tunnel });
    return r;
  }

  override disconnectTunnel(tunnel: number): ActionResult {
    const r = super.disconnectTunnel(tunnel);
    if (r.ok) this.dispatch({ kind: 'disconnect', tunnel });
    return r;
  }

  override clearBridgeLearning(bridge?: string): ActionResult {
    if (bridge !== undefined && !this.data.bridgeNames().includes(bridge)) return { ok: false, kind: 'illegalKeyword', reason: `${bridge} is not a bridge interface in use` };
    this.data.clear(bridge);
    return { ok: true };
  }

  /** Data-plane counters (frames in/out, drops), and cleartext L2TP dropped from IPsec peers. */
  counters() {
    return { ...this.data.counters, cleartextDropped: this.ipsec.cleartextDropped };
  }

  /** `show ipsec sa` */
  ipsecSaStatus() {
    // expiry on the router's clock (virtual time since start, on top of the boot time)
    const offset = this.nowMs() - this.time.now();
    return this.ipsec.status().map((s) => ({ ...s, expiresAtMs: s.expiresAtMs + offset }));
  }
}

function macBytes(base: number, n: number): Uint8Array {
  return Uint8Array.from([...YAMAHA_OUI, (base >>> 16) & 0xff, (base >>> 8) & 0xff, n & 0xff]);
}

function macText(base: number, n: number): string {
  return [...macBytes(base, n)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
