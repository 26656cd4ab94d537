// The predicted data-plane trace of one device: its bridges (the bridge oracle, from the config),
// the filters on their members (frame-filters.ts), its own answers on the bridge address
// (frame-responder.ts), and its pseudowires (RFC 3931 §4.1: the peer's Session ID and cookie on what
// it sends, its own checked on what it receives; §4.6 / App. C sequencing: frame-sequencing.ts).
// Stimulus steps go in at their virtual times; out come the events the harness would see at the
// ports it watches: frames at a LAN port, data messages at a peer, learning-table listings, and the
// filter log lines at the syslog collector. A frame takes no time to cross (the tolerance covers
// the device's latency). Pure.
import { LearningBridge, type BridgeMember } from '../bridge/index.ts';
import { bridges, interfaceAddresses, parseConfig } from '../config/index.ts';
import type { SequencingLevel } from '../control/control-profile.ts';
import type { FilterCapabilitySet, FramePath, MemberPort } from '../filter/index.ts';
import type { DefaultL2ss } from '../l2tpv3/data-message.ts';
import { decodeEthernetHeader } from '../l2tpv3/ethernet-frame.ts';
import { dataMessageEvent, lanFrameEvent, learningTableEvent, type SessionView } from './frame-events.ts';
import { MemberFilters } from './frame-filters.ts';
import { deviceReplies, toDevice, type OwnAddress } from './frame-responder.ts';
import { numbered, SequenceCheck, UNNUMBERED_WHERE_REQUIRED, type SequencingParameters } from './frame-sequencing.ts';
import { syslogEvent } from './observation-events.ts';
import type { TraceEvent } from './trace-event.ts';

/** One pseudowire as signalled (the device's side of the layout). */
export interface OracleSession {
  /** Where the harness sees its data: the peer's logical address. */
  readonly at: string;
  /** Cookie length the peer assigned: what the device must put on data it sends. */
  readonly txCookieLength: number;
  /** The peer asked for the Default L2SS on what it receives / for this sequencing level. */
  readonly txL2ss: boolean;
  readonly txSequencing: SequencingLevel;
  /** What the device asked for on what it receives (firmware profile): L2SS and sequencing level. */
  readonly rxL2ss: boolean;
  readonly rxSequencing: SequencingLevel;
}

export type FrameStep =
  | { kind: 'lanFrame'; port: string; frame: Uint8Array }
  /** A data message the harness sent the device on `member`'s session (Session ID and cookie: right or not). */
  | { kind: 'data'; member: string; frame: Uint8Array; sessionIdOk: boolean; cookieOk: boolean; l2ss: DefaultL2ss | null }
  | { kind: 'sessionUp'; member: string; session: OracleSession }
  | { kind: 'sessionDown'; member: string }
  | { kind: 'show'; command: string; bridge: string; poll: number }
  | { kind: 'clear'; bridge: string };

export interface FrameOracleOptions {
  readonly config: string;
  readonly model: string;
  readonly caps: FilterCapabilitySet & { readonly learningTable: { readonly dynamic: number; readonly static: number } };
  readonly sequencing: SequencingParameters;
  /** The device's MAC on its bridges (a device-chosen value: the harness reads it from the device's ARP reply). */
  readonly deviceMac: string;
  /** LAN ports the harness has a host on (frames elsewhere are not observed). */
  readonly watchedLanPorts: readonly string[];
  /** The timing tolerance: a listing whose entries could have aged out within it of its time is not decidable. */
  readonly toleranceMs: number;
}

interface Live {
  readonly session: OracleSession;
  txNext: number;
  readonly rx?: SequenceCheck;
}

const dotted = (s: string) => s.split('/')[0];

export class FrameOracle {
  private readonly bridges = new Map<string, { bridge: LearningBridge; own?: OwnAddress; ageingMs: number | null }>();
  private readonly memberOf = new Map<string, string>();
  private readonly sessions = new Map<string, Live>();
  private readonly filters: MemberFilters;
  private readonly lastSeen = new Map<string, number>();
  readonly events: TraceEvent[] = [];
  /** Listings (their poll numbers) taken within the tolerance of an entry's ageing out. */
  readonly undecidable = new Set<number>();

  constructor(private readonly o: FrameOracleOptions) {
    const doc = parseConfig(o.config);
    const addresses = interfaceAddresses(doc);
    this.filters = new MemberFilters(o.config, o.caps);
    for (const b of bridges(doc)) {
      const members: BridgeMember[] = b.members.map((name) => ({ name, kind: /^tunnel\d+$/.test(name) ? 'tunnel' : 'lan' }));
      const ageingMs = b.learningTimer === 'off' ? null : b.learningTimer * 1000;
      const bridge = new LearningBridge({
        name: b.bridge, members, dynamicCapacity: o.caps.learningTable.dynamic, staticCapacity: o.caps.learningTable.static,
        ageingMs, learning: b.learning,
        // facts §4.3: tagged frames pass, except on vRX
        passTaggedFrames: !o.model.startsWith('vRX'),
      });
      for (const s of b.statics) bridge.addStatic(s.mac, s.interface);
      const address = b.address ?? addresses.find((a) => a.interface === b.bridge)?.address;
      this.bridges.set(b.bridge, { bridge, ageingMs, own: address && address !== 'dhcp' ? { mac: o.deviceMac, ipv4: dotted(address) } : undefined });
      for (const m of b.members) this.memberOf.set(m, b.bridge);
    }
  }

  apply(t: number, s: FrameStep): void {
    switch (s.kind) {
      case 'lanFrame':
        return this.ingress(t, s.port, s.frame);
      case 'data':
        return this.fromPeer(t, s);
      case 'sessionUp': {
        const level = s.session.rxL2ss ? s.session.rxSequencing : 0;
        this.sessions.set(s.member, { session: s.session, txNext: 0, rx: level !== 0 ? new SequenceCheck(this.o.sequencing) : undefined });
        return this.bridgeOf(s.member)?.bridge.setTunnelEstablished(s.member, true);
      }
      case 'sessionDown':
        this.sessions.delete(s.member);
        return this.bridgeOf(s.member)?.bridge.setTunnelEstablished(s.member, false);
      case 'clear':
        this.bridges.get(s.bridge)?.bridge.clear();
        this.lastSeen.clear(); // dynamic entries are gone: none can age out near a later listing
        return;
      case 'show': {
        const b = this.bridges.get(s.bridge);
        if (!b) return;
        if (b.ageingMs !== null) {
          for (const seen of this.lastSeen.values()) if (Math.abs(seen + b.ageingMs - t) <= this.o.toleranceMs) this.undecidable.add(s.poll);
        }
        const rows = b.bridge.table(t).rows.map((r) => ({ mac: r.mac, member: r.member, type: r.type }));
        this.events.push(learningTableEvent(s.command, rows, t, s.poll));
        return;
      }
    }
  }

  private bridgeOf(member: string) {
    const name = this.memberOf.get(member);
    return name === undefined ? undefined : this.bridges.get(name);
  }

  private port(name: string): MemberPort {
    return { name, role: /^tunnel\d+$/.test(name) ? 'tunnel-member' : 'lan-member' };
  }

  /** RFC 3931 §4.1: a message for another session or with another cookie is dropped; App. C: so is an old number. */
  private fromPeer(t: number, s: Extract<FrameStep, { kind: 'data' }>): void {
    const live = this.sessions.get(s.member);
    if (!live || !s.sessionIdOk || !s.cookieOk) return;
    if (live.rx) {
      const ok = s.l2ss?.sequenced ? live.rx.accepts(s.l2ss.sequence) : !(numbered(live.session.rxSequencing, s.frame, this.o.sequencing) && UNNUMBERED_WHERE_REQUIRED === 'drop');
      if (!ok) return;
    }
    this.ingress(t, s.member, s.frame);
  }

  private ingress(t: number, member: string, frame: Uint8Array): void {
    const b = this.bridgeOf(member);
    if (!b) return;
    const { bridge, own } = b;
    const port = this.port(member);
    // The ingress member's `in` filters see the frame once, before the bridge (ASSUMPTION
    // filter-before-learning: a frame they reject is not learned either; not documented).
    const entry = this.filters.decide({ kind: 'to-router', ingress: port, bridge: bridge.name }, frame, 'ingress');
    this.logs(t, entry.logs);
    if (!entry.allowed) return;
    // ASSUMPTION answer-before-learning: the device answers a frame before its bridge learns the
    // frame's source, so a reply to a source not yet learned is flooded to every forwarding member,
    // as the emulated router does (a bridge that learns first would answer through the ingress
    // only; not documented: a hardware run decides).
    if (own && toDevice(frame, own)) {
      const ok = this.filters.decide({ kind: 'to-router', ingress: port, bridge: bridge.name }, frame, 'after-ingress');
      this.logs(t, ok.logs);
      if (ok.allowed) for (const r of deviceReplies(frame, own)) this.fromDevice(t, bridge, r);
      if (frame.subarray(0, 6).every((x, i) => x === Number.parseInt(own.mac.split(':')[i], 16))) return; // to the device: not bridged
    }
    const hdr = decodeEthernetHeader(frame);
    if (bridge.learning && hdr.ok && (frame[6] & 1) === 0) this.lastSeen.set([...frame.subarray(6, 12)].map((x) => x.toString(16).padStart(2, '0')).join(':'), t);
    const d = bridge.forward(frame, member, t);
    for (const e of d.egress) {
      const path: FramePath = { kind: 'bridged', ingress: port, egress: this.port(e), bridge: bridge.name };
      const f = this.filters.decide(path, frame, 'after-ingress');
      this.logs(t, f.logs);
      if (f.allowed) this.emit(t, e, frame);
    }
  }

  /** A frame the device sends itself: to the member its destination was learned on, else to every forwarding member. */
  private fromDevice(t: number, bridge: LearningBridge, frame: Uint8Array): void {
    const dst = [...frame.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    const row = bridge.table(t).rows.find((r) => r.mac === dst);
    const egress = row && bridge.isForwarding(row.member) ? [row.member] : bridge.members.map((m) => m.name).filter((m) => bridge.isForwarding(m));
    for (const e of egress) {
      const f = this.filters.decide({ kind: 'from-router', egress: this.port(e), bridge: bridge.name }, frame);
      this.logs(t, f.logs);
      if (f.allowed) this.emit(t, e, frame);
    }
  }

  private logs(t: number, lines: readonly { severity: number; text: string }[]): void {
    for (const l of lines) this.events.push(syslogEvent(l.severity, l.text, t));
  }

  private emit(t: number, member: string, frame: Uint8Array): void {
    if (!/^tunnel\d+$/.test(member)) {
      if (this.o.watchedLanPorts.includes(member)) this.events.push(lanFrameEvent(member, frame, t));
      return;
    }
    const live = this.sessions.get(member);
    if (!live) return;
    const s = live.session;
    // The peer's own values, written as the harness writes what it chose (frame-events.ts SessionView).
    const view: SessionView = { receiver: 'peer', sessionId: 1, cookie: new Uint8Array(s.txCookieLength) };
    let l2ss: DefaultL2ss | null = null;
    if (s.txL2ss) {
      const n = numbered(s.txSequencing, frame, this.o.sequencing);
      l2ss = n ? { sequenced: true, sequence: live.txNext } : { sequenced: false, sequence: 0 };
      if (n) live.txNext = (live.txNext + 1) % 2 ** 24;
    }
    this.events.push(dataMessageEvent(s.at, { sessionId: 1, cookie: view.cookie, l2ss, frame }, view, t));
  }
}
