// The peer's L2TPv3/IPsec transport (issue 15 point 2): the oracle's IKEv1 node on real UDP
// sockets (the peer's lab address, ports 500 and 4500) and ESP in UDP 4500 (RFC 3948) around the
// PeerTunnel's L2TP datagrams, so the same PeerTunnel logic runs inside IPsec. Plain ESP (IP
// protocol 50) is out of reach: Node has no raw sockets (ipsec-facts.md "Node facts").
// Like an RTX, the IKE initiator negotiates at start and again whenever L2TP traffic finds no SA;
// datagrams wait (a few) until an SA is up. Hooks let misbehaviours (ipsec-misbehaviours.ts) bend
// IKE and ESP; every datagram on the wire (ISAKMP, ESP in UDP) goes into the Conversation.
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import type { RandomSource } from '../../../reference-impl/control/random.ts';
import { classifyNatTPayload } from '../../../reference-impl/ipsec/esp/udp-encapsulation.ts';
import { espKeyLogEntries, ikev1KeyLogEntry } from '../../../reference-impl/ipsec/ike-key-log.ts';
import type { IkeAction, IkeEvent, IkeGatewayConfig, UdpEndpoint } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import { IkeNode } from '../../../reference-impl/ipsec/ike/ike-node.ts';
import type { IkeProfile } from '../../../reference-impl/ipsec/ike/profile.ts';
import { IKE_PORT, NAT_T_PORT, notifyName } from '../../../reference-impl/ipsec/isakmp/constants.ts';
import { isControl } from '../raw-message.ts';
import type { Conversation, Endpoint } from '../conversation.ts';
import type { DatagramTransport } from '../peer-tunnel.ts';
import { TimerHost } from '../timer-host.ts';
import { EspChannel } from './esp-channel.ts';
import type { IpsecEvent } from './ipsec-events.ts';
import type { KeyLogSink } from './key-log-file.ts';
import { L2TP_UDP, peerGateway, type PeerIpsecOptions } from './peer-ipsec-options.ts';

/** One ISAKMP datagram as a hook sees it (bytes as on the wire: with the non-ESP marker on 4500). */
export interface IkeDatagram {
  bytes: Uint8Array;
  localPort: 500 | 4500;
  peer: UdpEndpoint;
  /** ISAKMP exchange type (RFC 2408 §3.1), readable without keys. */
  exchange?: number;
  /** Outgoing: the exchange type of the device's message being answered (undefined for timers and starts). */
  answering?: number;
}
export type IkeOutgoingHook = (d: IkeDatagram) => Uint8Array[] | undefined;
export type IkeIncomingHook = (d: IkeDatagram) => 'deliver' | 'drop';
/** One outgoing ESP packet (the UDP 4500 payload) and what it carries. */
export interface EspDatagram {
  esp: Uint8Array;
  /** The L2TP datagram inside is a control message (else data). */
  control: boolean;
}
export type EspOutgoingHook = (d: EspDatagram) => Uint8Array[] | undefined;

export interface IpsecTransportOptions {
  /** The peer's lab address (its IKE and NAT-T sockets bind there). */
  local: string;
  /** The device's address; 'any' for an IKE responder that takes whoever comes (aggressive mode). */
  device: string | 'any';
  ipsec: PeerIpsecOptions;
  /** The peer's L2TP port inside ESP (the UDP header under ESP). */
  l2tpPort?: number;
  conversation: Conversation;
  /** Where SAs' keys go as they are made (the caller opens and closes it; several tunnels may share one). */
  keyLog?: KeyLogSink;
  timeScale?: number;
  /** IKE randomness (cookies, nonces, DH secrets, SPIs); crypto-strong unless a test injects one. */
  random?: RandomSource;
  /** IKE profile overrides (retransmission, lifetimes) for tests. */
  profile?: Partial<IkeProfile>;
}

/** L2TP datagrams held while no SA is up (RTX drops traffic then; a few are kept so start-up is quick). */
const QUEUE_LIMIT = 16;
const cryptoRandom: RandomSource = { nextU32: () => randomBytes(4).readUInt32BE(0) };

export class IpsecTransport extends EventEmitter implements DatagramTransport {
  readonly events: IpsecEvent[] = [];
  readonly ikeOutgoingHooks: IkeOutgoingHook[] = [];
  readonly ikeIncomingHooks: IkeIncomingHook[] = [];
  readonly espOutgoingHooks: EspOutgoingHook[] = [];
  /** Gateway changes a misbehaviour needs (before open: the oracle is built then). */
  readonly gatewayOverrides: Partial<IkeGatewayConfig> = {};
  /** No new negotiation (after a deliberate Delete, so the device's reaction is what is seen). */
  holdDown = false;
  private node?: IkeNode;
  private readonly timers: TimerHost;
  private readonly esp: EspChannel;
  private readonly socks = new Map<500 | 4500, dgram.Socket>();
  private receive?: (bytes: Uint8Array, from: Endpoint) => void;
  private queue: { bytes: Uint8Array; to: Endpoint }[] = [];
  private negotiating = false;
  private answering: number | undefined;
  private plainEspReported = false;
  private inFlight = 0;
  private closed = false;

  constructor(readonly opts: IpsecTransportOptions) {
    super();
    this.esp = new EspChannel(opts.l2tpPort ?? L2TP_UDP.port);
    this.timers = new TimerHost((id, atMs) => this.dispatch({ kind: 'timer', id }, atMs), opts.timeScale ?? 1);
  }

  get gateway(): IkeGatewayConfig {
    return { ...peerGateway(this.opts.ipsec, this.opts.local, this.opts.device), ...this.gatewayOverrides };
  }

  get saUp(): boolean {
    return this.esp.up;
  }

  async open(receive: (bytes: Uint8Array, from: Endpoint) => void): Promise<Endpoint> {
    this.receive = receive;
    for (const port of [IKE_PORT, NAT_T_PORT] as const) {
      const s = dgram.createSocket({ type: isIPv6(this.opts.local) ? 'udp6' : 'udp4', ipv6Only: isIPv6(this.opts.local) });
      await new Promise<void>((resolve, reject) => {
        s.once('error', (e) => reject(new Error(`peer: cannot bind UDP ${this.opts.local}:${port} for IKE: ${e.message}`)));
        s.bind(port, this.opts.local, () => resolve());
      }).catch((e: unknown) => {
        for (const o of this.socks.values()) o.close();
        s.close();
        throw e;
      });
      s.on('error', () => {
        /* ICMP unreachable from a device not there yet: IKE retransmission covers it */
      });
      s.on('message', (m, r) => this.onDatagram(port, new Uint8Array(m), { address: r.address, port: r.port }));
      this.socks.set(port, s);
    }
    this.node = new IkeNode({ gateways: [this.gateway], random: this.opts.random ?? cryptoRandom, profile: this.opts.profile });
    if (this.opts.ipsec.ikeRole === 'initiator') this.negotiate();
    return { host: this.opts.local, port: this.opts.l2tpPort ?? L2TP_UDP.port };
  }

  /** Starts phase 1 and quick mode (or quick mode on the ISAKMP SA there is). */
  negotiate(): void {
    if (this.holdDown || this.opts.device === 'any') return;
    this.negotiating = true;
    this.dispatch({ kind: 'connect', gateway: 1 });
  }

  /** Deletes the IPsec and ISAKMP SAs, telling the device (ISAKMP Delete, RFC 2408 §3.15). */
  deleteSas(): void {
    this.dispatch({ kind: 'disconnect', gateway: 1 });
  }

  send(bytes: Uint8Array, to: Endpoint, done: () => void): void {
    if (!this.esp.up) {
      if (this.queue.length < QUEUE_LIMIT) this.queue.push({ bytes, to });
      if (this.opts.ipsec.ikeRole === 'initiator' && !this.negotiating) this.negotiate();
      return done();
    }
    this.sendEsp(bytes, to);
    done();
  }

  private sendEsp(bytes: Uint8Array, to: Endpoint): void {
    if (!this.esp.udpEncapsulated) {
      if (!this.plainEspReported) this.push({ kind: 'error', text: 'the SA is plain ESP (IP protocol 50), which the peer cannot send (no raw sockets): use --nat-t force' });
      this.plainEspReported = true;
      return;
    }
    const p = this.esp.protect(bytes, to.port);
    if (!p) return;
    let out = [p.esp];
    for (const h of this.espOutgoingHooks) out = out.flatMap((esp) => h({ esp, control: isControl(bytes) }) ?? [esp]);
    for (const esp of out) this.sendUdp(NAT_T_PORT, { address: p.to, port: this.espPeerPort() }, esp);
  }

  /** The device's NAT-T port: where its IKE floated to (4500 unless a NAT maps it elsewhere). */
  private espPeerPort(): number {
    for (const sa of this.node?.sas.values() ?? []) if (sa.floated) return sa.peer.port;
    return NAT_T_PORT;
  }

  /** Waits (bounded, event-driven) until `pick` returns a value for an event, past or future. */
  waitFor<T>(pick: (e: IpsecEvent) => T | undefined, ms: number, what: string): Promise<T> {
    for (const e of this.events) {
      const v = pick(e);
      if (v !== undefined) return Promise.resolve(v);
    }
    return new Promise<T>((resolve, reject) => {
      const onEvent = (e: IpsecEvent) => {
        const v = pick(e);
        if (v === undefined) return;
        clearTimeout(timer);
        this.off('event', onEvent);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.off('event', onEvent);
        reject(new Error(`peer ${this.opts.local} (IPsec): timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.on('event', onEvent);
    });
  }

  /** Polite: Delete for every SA first (as `ipsec sa delete`); silent: the sockets just go. */
  async close(opts: { silent?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    if (!opts.silent) this.deleteSas();
    this.timers.close();
    const end = Date.now() + 1000;
    while (this.inFlight > 0 && Date.now() < end) await new Promise((r) => this.once('flushed', r));
    this.closed = true;
    for (const s of this.socks.values()) s.close();
    this.socks.clear();
  }

  // ---- internals ---------------------------------------------------------------------

  private push(e: IpsecEvent): void {
    if (this.events.length > 100_000) this.events.splice(0, 50_000);
    this.events.push(e);
    this.emit('event', e);
  }

  private sendUdp(localPort: 500 | 4500, to: UdpEndpoint, bytes: Uint8Array): void {
    const s = this.socks.get(localPort);
    if (!s || this.closed) return;
    this.opts.conversation.record('out', { host: this.opts.local, port: localPort }, { host: to.address, port: to.port }, bytes);
    this.inFlight++;
    s.send(bytes, to.port, to.address, () => {
      this.inFlight--;
      this.emit('flushed');
    });
  }

  private onDatagram(localPort: 500 | 4500, bytes: Uint8Array, from: UdpEndpoint): void {
    if (this.closed) return;
    this.opts.conversation.record('in', { host: from.address, port: from.port }, { host: this.opts.local, port: localPort }, bytes);
    if (localPort === NAT_T_PORT) {
      const c = classifyNatTPayload(bytes);
      if (c.kind === 'nat-keepalive') return;
      if (c.kind === 'malformed') return this.push({ kind: 'espDropped', error: 'truncated', reason: c.reason });
      if (c.kind === 'esp') return this.onEsp(c.esp, from);
    }
    const exchange = ikeExchange(localPort, bytes);
    for (const h of this.ikeIncomingHooks) if (h({ bytes, localPort, peer: from, exchange }) === 'drop') return;
    this.answering = exchange;
    try {
      this.dispatch({ kind: 'udp', localPort, from, bytes });
    } finally {
      this.answering = undefined;
    }
  }

  private onEsp(esp: Uint8Array, from: UdpEndpoint): void {
    const r = this.esp.unprotect(esp, from.address);
    if (!r.ok) return this.push(r.event);
    this.push({ kind: 'espReceived', spi: r.spi, sequence: r.sequence });
    this.receive?.(r.payload, r.from);
  }

  private dispatch(ev: IkeEvent, atMs?: number): void {
    if (this.closed || !this.node) return;
    const now = Math.max(this.timers.now(), atMs ?? 0);
    for (const a of this.node.handle(now, ev)) this.act(a);
  }

  private act(a: IkeAction): void {
    switch (a.kind) {
      case 'send': {
        let out = [a.bytes];
        const d = { localPort: a.localPort, peer: a.to, exchange: ikeExchange(a.localPort, a.bytes), answering: this.answering };
        for (const h of this.ikeOutgoingHooks) out = out.flatMap((bytes) => h({ ...d, bytes }) ?? [bytes]);
        for (const b of out) this.sendUdp(a.localPort, a.to, b);
        return;
      }
      case 'setTimer':
        return this.timers.set(a.id, a.atMs);
      case 'cancelTimer':
        return this.timers.cancel(a.id);
      case 'log':
        if (a.text.includes('abandoned')) this.negotiating = false;
        return this.push({ kind: 'log', text: a.text });
      case 'phase1Up':
        this.opts.keyLog?.add([ikev1KeyLogEntry(a.keys)]);
        return this.push({ kind: 'phase1Up', peer: a.peer.address, natDetected: a.natDetected });
      case 'phase1Down':
        this.negotiating = false;
        return this.push({ kind: 'phase1Down', reason: a.reason });
      case 'ipsecKeys':
        return this.push({ kind: 'quickKeys', inboundSpi: a.inbound.spi, outboundSpi: a.outbound.spi });
      case 'ipsecSaUp':
        this.negotiating = false;
        this.opts.keyLog?.add(espKeyLogEntries(a.sa));
        this.esp.add(a.sa);
        this.push({ kind: 'saUp', inboundSpi: a.sa.inbound.spi, outboundSpi: a.sa.outbound.spi, udpEncapsulated: a.sa.udpEncapsulated, cipher: a.sa.cipher, integrity: a.sa.integrity });
        return this.flush();
      case 'ipsecSaDown':
        this.esp.remove(a.inboundSpi);
        return this.push({ kind: 'saDown', inboundSpi: a.inboundSpi, outboundSpi: a.outboundSpi, reason: a.reason });
      case 'notifyReceived':
        return this.push({ kind: 'notify', notifyType: a.notifyType, name: notifyName(a.notifyType), protected: a.protected });
      case 'dropped':
        return this.push({ kind: 'ikeDropped', reason: a.reason });
      case 'peerDead':
        return this.push({ kind: 'peerDead' });
    }
  }

  private flush(): void {
    const q = this.queue;
    this.queue = [];
    for (const d of q) this.sendEsp(d.bytes, d.to);
  }
}

/** The exchange type octet of an ISAKMP header (RFC 2408 §3.1: offset 18), behind the marker on 4500. */
function ikeExchange(localPort: 500 | 4500, bytes: Uint8Array): number | undefined {
  const at = (localPort === NAT_T_PORT ? 4 : 0) + 18;
  return bytes.length > at ? bytes[at] : undefined;
}

