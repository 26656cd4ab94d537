// One tunnel of the tester peer: a UDP socket on a lab address facing the device, and the
// oracle's L2tpNode (one tunnel) doing the well-behaved protocol with real timers. Hooks on
// the way out and in let misbehaviours (misbehaviours.ts) bend, drop, duplicate or delay
// datagrams and send crafted ones; every datagram is recorded in a Conversation (pcap).
// Many tunnels = many PeerTunnels, one lab address each: an RTX finds a tunnel by the peer's
// address (`tunnel endpoint address`), so each far end needs its own.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { ControlProfile, TunnelAuthMethod } from '../../reference-impl/control/control-profile.ts';
import type { NodeAction, SessionLayout } from '../../reference-impl/control/node-events.ts';
import { L2tpNode } from '../../reference-impl/control/node.ts';
import { defaultTunnelSettings, type KeepaliveSetting, type TunnelSettings } from '../../reference-impl/control/tunnel-settings.ts';
import { decodeDataMessage, encodeDataMessage, type CookieLength, type DataMessage } from '../../reference-impl/l2tpv3/data-message.ts';
import type { Secret } from '../../reference-impl/l2tpv3/hiding.ts';
import { bytesEqual } from '../../reference-impl/l2tpv3/wire.ts';
import { Conversation, type Endpoint } from './conversation.ts';
import { summarize } from './message-summary.ts';
import type { PeerEvent } from './peer-events.ts';
import { isControl, rawMessageType } from './raw-message.ts';
import { SteerableRandom } from './steerable-random.ts';
import { TimerHost } from './timer-host.ts';
import { bindUdpHere, type UdpBinder } from '../hosts/udp-bind.ts';

export interface PeerTunnelOptions {
  /** The peer's lab address and UDP port (port 0: any free port). */
  local: Endpoint;
  /** The device's address and L2TP port (1701 on an RTX); 'learn': the first sender is the device (a listening peer). */
  device: Endpoint | 'learn';
  role: 'initiator' | 'responder';
  /** Our tunnel number (only in our own log lines). */
  tunnel?: number;
  hostname?: string;
  /** Router ID AVP we send (dotted quad). */
  routerId?: string;
  /** The device's Router ID we require; undefined: any. */
  deviceRouterId?: string;
  /** Remote End ID we send in our ICRQ and require in the device's (RTX `l2tp remote end-id`). */
  endId?: string;
  /** Tunnel authentication; the password stays inside the oracle's auth (never logged). */
  auth?: { password: Secret; method: TunnelAuthMethod };
  /** Cookie we assign (its length; its value is drawn from the seeded PRNG), 0/4/8 octets. */
  cookieLength?: CookieLength;
  /** Default L2-Specific Sublayer we ask for on data we receive: 0 none, 1 default. */
  l2ss?: 0 | 1;
  keepalive?: KeepaliveSetting;
  /** ICRQ senders: only the tunnel initiator (RTX) or both ends (to race sessions). */
  sessionInitiator?: ControlProfile['sessionInitiator'];
  /** Other control-profile overrides (timers, ack style, ...). */
  profile?: Partial<ControlProfile>;
  /** Virtual ms per real ms, to keep pace with an emulated router's --time-scale. */
  timeScale?: number;
  seed?: number;
  conversation?: Conversation;
  /**
   * Carries the datagrams instead of a plain UDP socket (L2TPv3/IPsec: ESP in UDP 4500,
   * drivers/peer/ipsec/). It records the wire itself, so the peer does not record cleartext.
   */
  transport?: DatagramTransport;
  /** Binds the peer's UDP socket (default: here; a device in a namespace lab binds it in the lab's namespace). */
  bind?: UdpBinder;
}

/** Where the peer's L2TP datagrams go and come from when it is not a plain UDP socket. */
export interface DatagramTransport {
  /** Starts; `receive` gets each datagram for the peer. Resolves with the peer's L2TP endpoint. */
  open(receive: (bytes: Uint8Array, from: Endpoint) => void): Promise<Endpoint>;
  /** Sends (or queues) one datagram; `done` once it has left or was queued or dropped. */
  send(bytes: Uint8Array, to: Endpoint, done: () => void): void;
  close(opts: { silent?: boolean }): Promise<void>;
}

/** What a hook sees of one datagram. */
export interface Datagram {
  bytes: Uint8Array;
  control: boolean;
  /** Message Type of a control message (undefined for a ZLB or data). */
  type?: number;
}

/** Returns the datagrams to send instead (none = dropped), or undefined to leave it alone. */
export type OutgoingHook = (d: Datagram, peer: PeerTunnel) => Uint8Array[] | undefined;
/** Returns 'drop' to keep the datagram from the oracle (it never saw it). */
export type IncomingHook = (d: Datagram, peer: PeerTunnel) => 'deliver' | 'drop';
/** Bends a data message before it is encoded. */
export type DataHook = (m: DataMessage, peer: PeerTunnel) => DataMessage;

export class PeerTunnel extends EventEmitter {
  readonly events: PeerEvent[] = [];
  readonly conversation: Conversation;
  readonly random: SteerableRandom;
  readonly settings: TunnelSettings;
  readonly outgoingHooks: OutgoingHook[] = [];
  readonly incomingHooks: IncomingHook[] = [];
  readonly dataHooks: DataHook[] = [];
  private node?: L2tpNode;
  private readonly profileOverrides: Partial<ControlProfile> = {};
  private readonly timers: TimerHost;
  private sock?: dgram.Socket;
  private localEp: Endpoint;
  private deviceEp?: Endpoint;
  private layoutUp?: SessionLayout;
  /** Next Default-L2SS sequence number, when the device asked for Data Sequencing (RFC 3931 §4.6: from 0). */
  private txSequence = 0;
  private inFlight = 0;
  private closed = false;

  constructor(readonly opts: PeerTunnelOptions) {
    super();
    this.conversation = opts.conversation ?? new Conversation();
    this.random = new SteerableRandom(opts.seed);
    this.localEp = { ...opts.local };
    if (opts.device !== 'learn') this.deviceEp = { ...opts.device };
    const n = opts.tunnel ?? 1;
    const base = defaultTunnelSettings('l2tpv3-peer', n);
    this.settings = {
      ...base,
      alwaysOn: false,
      hostname: opts.hostname ?? 'l2tpv3-peer',
      auth: { enabled: opts.auth !== undefined, password: opts.auth?.password ?? 'l2tpv3-peer' },
      disconnectTimeS: 'off',
      keepalive: opts.keepalive ?? { use: false, intervalS: 60, count: 3 },
      syslog: true,
      localRouterId: opts.routerId ?? '0.0.0.0',
      remoteRouterId: opts.deviceRouterId ?? '0.0.0.0',
      remoteEndId: opts.endId,
    };
    this.timers = new TimerHost((id, atMs) => this.dispatch({ kind: 'timer', id }, atMs), opts.timeScale ?? 1);
  }

  get tunnel(): number {
    return this.settings.tunnel;
  }
  get local(): Endpoint {
    return this.localEp;
  }
  get state() {
    return this.node?.connectionState(this.tunnel) ?? 'idle';
  }
  get localCcid(): number | undefined {
    return this.node?.localCcid(this.tunnel);
  }
  get remoteCcid(): number | undefined {
    return this.node?.remoteCcid(this.tunnel);
  }
  get started(): boolean {
    return this.node !== undefined;
  }
  /** The session's data layout once it is established. */
  get session(): SessionLayout | undefined {
    return this.layoutUp;
  }
  get errors(): string[] {
    return this.events.flatMap((e) => (e.kind === 'error' ? [e.text] : []));
  }

  /** Control-profile changes a misbehaviour needs (before start: the oracle is built then). */
  setProfile(p: Partial<ControlProfile>): void {
    if (this.node) throw new Error('peer: the control profile can only change before start()');
    Object.assign(this.profileOverrides, p);
  }

  /** Binds the socket and opens the oracle's port (`l2tp service on`); an initiator dials. */
  async start(): Promise<void> {
    if (this.opts.device === 'learn' && this.opts.role === 'initiator') throw new Error('peer: an initiator needs the device address');
    const t = this.opts.transport;
    if (t) {
      this.localEp = await t.open((m, from) => this.onDatagram(m, from));
      if (this.deviceEp) this.open(this.deviceEp);
      return;
    }
    let s: dgram.Socket;
    try {
      s = await (this.opts.bind ?? bindUdpHere)(this.opts.local.host, this.opts.local.port);
    } catch (e) {
      throw new Error(`peer: ${(e as Error).message}`);
    }
    s.on('error', () => {
      /* ICMP port unreachable from a device that is not there yet: retransmission covers it */
    });
    s.on('message', (m, r) => this.onDatagram(new Uint8Array(m), { host: r.address, port: r.port }));
    this.sock = s;
    this.localEp = { host: this.opts.local.host, port: s.address().port };
    if (this.deviceEp) this.open(this.deviceEp);
  }

  /** The device whose address the oracle's tunnel points at. */
  get device(): Endpoint | undefined {
    return this.deviceEp;
  }

  /** The control profile the peer's options ask for (the trace prediction builds the same peer from it). */
  optionsProfile(): Partial<ControlProfile> {
    const o = this.opts;
    return {
      tunnelAuthMethod: o.auth?.method ?? 'challenge',
      cookieLength: o.cookieLength ?? 0,
      l2ssOffered: o.l2ss ?? 0,
      routerIdCheck: o.deviceRouterId === undefined ? 'when-configured' : 'always',
      sessionInitiator: o.sessionInitiator ?? 'tunnel-initiator',
      ...o.profile,
    };
  }

  /** Builds the oracle for `device` and opens its port; an initiator dials. */
  private open(device: Endpoint): void {
    this.deviceEp = device;
    this.node = new L2tpNode({
      tunnels: [{ settings: this.settings, remoteAddress: device.host, enabled: true }],
      random: this.random,
      profile: { ...this.optionsProfile(), ...this.profileOverrides },
    });
    this.dispatch({ kind: 'serviceOn' });
    if (this.opts.role === 'initiator') this.connect();
  }

  /** `connect tunnel N`: send an SCCRQ now. */
  connect(): void {
    this.dispatch({ kind: 'connect', tunnel: this.tunnel });
  }

  /** `disconnect tunnel N`: StopCCN. */
  disconnect(): void {
    this.dispatch({ kind: 'disconnect', tunnel: this.tunnel });
  }

  /** A datagram exactly as given (crafted), past the hooks, recorded. */
  sendRaw(bytes: Uint8Array, to: Endpoint | undefined = this.deviceEp): void {
    const t = this.opts.transport;
    if ((!this.sock && !t) || this.closed || !to) return;
    if (!t) this.conversation.record('out', this.localEp, to, bytes);
    if (isControl(bytes)) this.push({ kind: 'sent', bytes, ...summarize(bytes, this.settings) });
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      this.emit('flushed');
    };
    if (t) t.send(bytes, to, done);
    else this.sock!.send(bytes, to.port, to.host, done);
  }

  /** An Ethernet frame into the session (encapsulated with the negotiated layout). */
  sendFrame(frame: Uint8Array): boolean {
    const l = this.layoutUp;
    if (!l) return false;
    // the device asked for Data Sequencing: every frame numbered (level 1 may number all, 3931 §5.4.4)
    const sequenced = (l.txSequencing ?? 0) !== 0;
    const l2ss = l.txLayout.l2ss === 'default' ? { sequenced, sequence: sequenced ? this.txSequence : 0 } : null;
    if (sequenced) this.txSequence = (this.txSequence + 1) % 2 ** 24;
    let m: DataMessage = { sessionId: l.remoteSessionId, cookie: l.txCookie, l2ss, payload: frame };
    for (const h of this.dataHooks) m = h(m, this);
    this.sendRaw(encodeDataMessage(m));
    this.dispatch({ kind: 'dataActivity', tunnel: this.tunnel });
    return true;
  }

  /** Records a problem (e.g. a misbehaviour that could not do what it promised). */
  report(text: string): void {
    this.push({ kind: 'error', text });
  }

  /** Hands an event to the oracle now (misbehaviours use this to deliver a held datagram). */
  deliver(bytes: Uint8Array, from: string | undefined = this.deviceEp?.host): void {
    if (from === undefined) return;
    this.dispatch({ kind: 'packet', from, bytes });
  }

  /** Waits (bounded, event-driven) until `pick` returns a value for an event, past or future. */
  waitFor<T>(pick: (e: PeerEvent) => T | undefined, ms: number, what: string): Promise<T> {
    for (const e of this.events) {
      const v = pick(e);
      if (v !== undefined) return Promise.resolve(v);
    }
    return new Promise<T>((resolve, reject) => {
      const onEvent = (e: PeerEvent) => {
        const v = pick(e);
        if (v === undefined) return;
        clearTimeout(timer);
        this.off('event', onEvent);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.off('event', onEvent);
        reject(new Error(`peer ${this.localEp.host}: timed out after ${ms} ms waiting for ${what} (tunnel state ${this.state})`));
      }, ms);
      this.on('event', onEvent);
    });
  }

  /** Waits for the session to come up; resolves with its layout. */
  established(ms = 10_000): Promise<SessionLayout> {
    return this.waitFor((e) => (e.kind === 'sessionUp' ? e.layout : undefined), ms, 'the session to be established');
  }

  /** Control messages the device sent, by name (for assertions). */
  received(name?: string): Extract<PeerEvent, { kind: 'received' }>[] {
    return this.events.filter((e): e is Extract<PeerEvent, { kind: 'received' }> => e.kind === 'received' && (name === undefined || e.name === name));
  }

  /**
   * Stops: politely (`l2tp service off`: StopCCN, then the socket closes once sent) or silently
   * (the socket just goes, like a power cut). Every timer is cleared.
   */
  async close(opts: { silent?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    if (!opts.silent && (this.sock || this.opts.transport)) this.dispatch({ kind: 'serviceOff' });
    this.timers.close();
    const end = Date.now() + 1000;
    while (this.inFlight > 0 && Date.now() < end) await new Promise((r) => this.once('flushed', r));
    this.closed = true;
    this.sock?.close();
    this.sock = undefined;
    await this.opts.transport?.close(opts);
  }

  // ---- internals ---------------------------------------------------------------------

  private push(e: PeerEvent): void {
    if (this.events.length > 100_000) this.events.splice(0, 50_000); // bounded for long CLI runs
    this.events.push(e);
    this.emit('event', e);
  }

  private dispatch(event: Parameters<L2tpNode['handle']>[0], atMs?: number): void {
    if (this.closed || !this.node) return;
    const now = Math.max(this.timers.now(), atMs ?? 0);
    for (const a of this.node.handle(event, now)) this.act(a);
  }

  private act(a: NodeAction): void {
    switch (a.kind) {
      case 'send':
        return this.sendControl(a.bytes);
      case 'setTimer':
        return this.timers.set(a.id, a.atMs);
      case 'cancelTimer':
        return this.timers.cancel(a.id);
      case 'syslog':
        return this.push({ kind: 'log', text: a.text });
      case 'tunnelState':
        return this.push({ kind: 'tunnel', ccid: a.ccid, from: a.from, to: a.to });
      case 'sessionState':
        return this.push({ kind: 'session', localSessionId: a.localSessionId, from: a.from, to: a.to });
      case 'sessionUp':
        this.layoutUp = a.layout;
        this.txSequence = 0;
        return this.push({ kind: 'sessionUp', layout: a.layout });
      case 'sessionDown':
        if (this.layoutUp?.localSessionId === a.localSessionId) this.layoutUp = undefined;
        return this.push({ kind: 'sessionDown', localSessionId: a.localSessionId });
      default:
        return;
    }
  }

  private sendControl(bytes: Uint8Array): void {
    let out = [bytes];
    for (const h of this.outgoingHooks) {
      out = out.flatMap((b) => h({ bytes: b, control: isControl(b), type: rawMessageType(b) }, this) ?? [b]);
    }
    for (const b of out) this.sendRaw(b);
  }

  private onDatagram(bytes: Uint8Array, from: Endpoint): void {
    if (this.closed) return;
    if (!this.deviceEp) this.open(from); // a listening peer learns the device from its first datagram
    if (!this.opts.transport) this.conversation.record('in', from, this.localEp, bytes);
    const control = isControl(bytes);
    if (control) this.push({ kind: 'received', bytes, ...summarize(bytes, this.settings) });
    const d: Datagram = { bytes, control, type: control ? rawMessageType(bytes) : undefined };
    for (const h of this.incomingHooks) if (h(d, this) === 'drop') return;
    if (control) return this.deliver(bytes, from.host);
    this.onData(bytes);
  }

  private onData(bytes: Uint8Array): void {
    const l = this.layoutUp;
    if (!l) return this.push({ kind: 'dataDropped', why: 'no session is established' });
    const d = decodeDataMessage(bytes, 'udp', l.rxLayout);
    if (!d.ok) return this.push({ kind: 'dataDropped', why: d.error.detail });
    if (d.value.sessionId !== l.localSessionId) return this.push({ kind: 'dataDropped', why: `unknown Session ID ${d.value.sessionId}` });
    if (!bytesEqual(d.value.cookie, l.rxCookie)) return this.push({ kind: 'dataDropped', why: 'wrong cookie' });
    this.dispatch({ kind: 'dataActivity', tunnel: this.tunnel });
    this.push({ kind: 'frame', frame: d.value.payload.slice() });
  }
}
