// The router's data plane: LAN ports and L2TPv3 sessions joined by the bridge oracle
// (LearningBridge), filters on the way (FilterStage), and the router's own addresses answering
// ARP / ND / ping (frame-responder). Pure: frames and datagrams go out through callbacks.
import { LearningBridge, type BridgeTableView } from '../bridge/index.ts';
import { DEFAULT_CONTROL_PROFILE, type ControlProfile } from '../control/control-profile.ts';
import type { SessionLayout } from '../control/node-events.ts';
import type { FramePath, MemberPort } from '../filter/index.ts';
import { decodeDataMessage, encodeDataMessage, peekSessionId } from '../l2tpv3/data-message.ts';
import { decodeEthernetHeader } from '../l2tpv3/ethernet-frame.ts';
import type { Capabilities } from '../platform/index.ts';
import { ByteArena } from './byte-arena.ts';
import { mustSequence, SequenceReceiver, SequenceSender } from './data-sequencing.ts';
import type { DefectName } from './defects.ts';
import type { FilterStage } from './filter-stage.ts';
import { L2msStage } from './l2ms-stage.ts';
import { addressedToRouter, ownAddresses, respond, type OwnAddresses } from './frame-responder.ts';
import { bytesEq, splitPrefix } from './ip-address.ts';
import type { RouterPlan } from './router-config.ts';

export interface DataPlaneOutputs {
  /** A frame leaves LAN port `port` (lan1, lan2, ...). */
  lan(port: string, frame: Uint8Array): void;
  /** An L2TPv3 data message goes to the peer's address. */
  udp(peer: string, bytes: Uint8Array): void;
  /** Data crossed tunnel N (resets its disconnect timer, CR 16.3). */
  activity(tunnel: number): void;
}

interface LiveSession {
  tunnel: number;
  peer: string;
  layout: SessionLayout;
  /** The header of every data message we send in this session (fixed but for the L2SS word when sequencing). */
  txHead: Uint8Array;
  /** Numbering of what we send, when the peer asked for Data Sequencing (3931 §5.4.4). */
  txSeq?: SequenceSender;
  /** Checking of what we receive, when we asked for Data Sequencing (3931 App. C). */
  rxSeq?: SequenceReceiver;
}

/** The profile's sequencing parameters the data plane uses (session-profile-assumptions.ts). */
export type SequencingProfile = Pick<ControlProfile, 'sequenceWindow' | 'sequenceResyncAfter' | 'level1Classification'>;

export interface DataPlaneCounters {
  lanIn: number;
  lanOut: number;
  tunnelIn: number;
  tunnelOut: number;
  dropped: number;
  /** Data whose cookie was not the one we assigned (3931 §4.5). */
  cookieDropped: number;
  /** Data with an old or duplicate sequence number, or unnumbered where we require numbers (3931 App. C). */
  sequenceDropped: number;
}

/** CRC-32 (IEEE 802.3), for the fcs-appended defect only. */
function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

const tunnelNumbers = new Map<string, number | undefined>();
/** N of `tunnelN`, undefined for a LAN member (memoised: asked per frame and per egress). */
const tunnelNumber = (member: string): number | undefined => {
  if (tunnelNumbers.has(member)) return tunnelNumbers.get(member);
  const m = /^tunnel(\d+)$/.exec(member);
  const n = m ? Number(m[1]) : undefined;
  if (tunnelNumbers.size < 4096) tunnelNumbers.set(member, n);
  return n;
};

const EMPTY_BYTES = new Uint8Array(0);

export class DataPlane {
  readonly counters: DataPlaneCounters = { lanIn: 0, lanOut: 0, tunnelIn: 0, tunnelOut: 0, dropped: 0, cookieDropped: 0, sequenceDropped: 0 };
  private readonly bridges = new Map<string, LearningBridge>();
  /** member -> its bridge */
  private readonly memberOf = new Map<string, LearningBridge>();
  /** bridge or non-member LAN -> own addresses */
  private readonly own = new Map<string, OwnAddresses>();
  private readonly sessions = new Map<number, LiveSession>();
  private readonly bySid = new Map<number, LiveSession>();
  private readonly arena = new ByteArena();
  private readonly ports = new Map<string, MemberPort>();
  private readonly l2ms: L2msStage;

  constructor(
    plan: RouterPlan,
    caps: Capabilities,
    private readonly macOf: (iface: string) => Uint8Array,
    private readonly filters: FilterStage,
    private readonly defects: ReadonlySet<DefectName>,
    private readonly out: DataPlaneOutputs,
    nowMs: number,
    private readonly sequencing: SequencingProfile = DEFAULT_CONTROL_PROFILE,
  ) {
    this.l2ms = new L2msStage(plan, caps.model, (i) => this.own.get(i)?.mac ?? this.macOf(i), defects);
    for (const b of plan.bridges) {
      const bridge = new LearningBridge({
        name: b.bridge,
        members: b.members.map((name) => ({ name, kind: tunnelNumber(name) === undefined ? ('lan' as const) : ('tunnel' as const) })),
        // defects capacity-not-enforced / learning-capacity-off-by-one
        dynamicCapacity: defects.has('capacity-not-enforced') ? Number.MAX_SAFE_INTEGER : caps.learningTable.dynamic + (defects.has('learning-capacity-off-by-one') ? 1 : 0),
        staticCapacity: caps.learningTable.static,
        ageingMs: defects.has('no-ageing') || b.learningTimer === 'off' ? null : b.learningTimer * 1000,
        learning: b.learning && !defects.has('no-learning'),
        // facts §4.3: tagged frames pass, except on vRX
        passTaggedFrames: !caps.model.startsWith('vRX'),
      });
      for (const s of b.statics) bridge.addStatic(s.mac, s.interface);
      this.bridges.set(b.bridge, bridge);
      for (const m of b.members) this.memberOf.set(m, bridge);
      // facts §4.3: the bridge's MAC is that of its lowest-numbered member LAN interface
      const lans = b.members.filter((m) => /^lan\d+$/.test(m)).sort((x, y) => Number(x.slice(3)) - Number(y.slice(3)));
      this.addOwn(plan, b.bridge, this.macOf(lans[0] ?? b.bridge));
    }
    for (const iface of new Set([...plan.ipv4.keys(), ...plan.ipv6.keys()])) {
      if (/^lan\d+$/.test(iface) && !this.memberOf.has(iface)) this.addOwn(plan, iface, this.macOf(iface));
    }
    void nowMs;
  }

  private addOwn(plan: RouterPlan, iface: string, mac: Uint8Array): void {
    const v4 = (plan.ipv4.get(iface) ?? []).map((a) => splitPrefix(a).address);
    const v6 = (plan.ipv6.get(iface) ?? []).map((a) => splitPrefix(a).address);
    this.own.set(iface, ownAddresses(mac, v4, v6));
  }

  /** The MAC the router answers with on a bridge or routed LAN. */
  ownMac(iface: string): Uint8Array | undefined {
    return this.own.get(iface)?.mac;
  }

  bridgeNames(): string[] {
    return [...this.bridges.keys()];
  }

  table(bridge: string, nowMs: number): BridgeTableView | undefined {
    return this.bridges.get(bridge)?.table(nowMs);
  }

  /** `clear bridge learning [bridgeN]`: dynamic entries only (facts §4.2). */
  clear(bridge?: string): number {
    let n = 0;
    for (const [name, b] of this.bridges) {
      if (bridge !== undefined && name !== bridge) continue;
      n += b.clear();
      // defect clear-removes-static: the static entries go too
      if (this.defects.has('clear-removes-static')) for (const r of b.table(0).rows) if (r.type === 'static' && b.removeStatic(r.mac)) n++;
    }
    return n;
  }

  sessionUp(tunnel: number, peer: string, layout: SessionLayout): void {
    const txHead = encodeDataMessage({
      // defect tx-own-session-id: our own Session ID instead of the peer's
      sessionId: this.defects.has('tx-own-session-id') ? layout.localSessionId : layout.remoteSessionId,
      // defect cookie-ignored: the peer's Assigned Cookie is left out of what we send (3931 §4.1)
      cookie: this.defects.has('cookie-ignored') ? EMPTY_BYTES : layout.txCookie,
      l2ss: layout.txLayout.l2ss === 'default' ? { sequenced: false, sequence: 0 } : null,
      payload: EMPTY_BYTES,
    });
    const txSequenced = (layout.txSequencing ?? 0) !== 0 && layout.txLayout.l2ss === 'default';
    const rxSequenced = (layout.rxSequencing ?? 0) !== 0 && layout.rxLayout.l2ss === 'default';
    const s: LiveSession = {
      tunnel, peer, layout, txHead,
      txSeq: txSequenced ? new SequenceSender() : undefined,
      rxSeq: rxSequenced ? new SequenceReceiver(this.sequencing.sequenceWindow, this.sequencing.sequenceResyncAfter) : undefined,
    };
    this.sessions.set(tunnel, s);
    this.bySid.set(layout.localSessionId, s);
    this.memberOf.get(`tunnel${tunnel}`)?.setTunnelEstablished(`tunnel${tunnel}`, true);
  }

  sessionDown(tunnel: number): void {
    const s = this.sessions.get(tunnel);
    // defects rx-after-teardown / tx-after-teardown: the gone session still receives / still sends
    const rx = this.defects.has('rx-after-teardown');
    const tx = this.defects.has('tx-after-teardown');
    if (s && !rx) this.bySid.delete(s.layout.localSessionId);
    if (!tx) this.sessions.delete(tunnel);
    if (!rx && !tx) this.memberOf.get(`tunnel${tunnel}`)?.setTunnelEstablished(`tunnel${tunnel}`, false);
  }

  /** A frame received on LAN port `port`. */
  fromLan(port: string, frame: Uint8Array, nowMs: number): void {
    this.counters.lanIn++;
    const bridge = this.memberOf.get(port);
    if (bridge) return this.bridgeIngress(bridge, port, frame, nowMs);
    const own = this.own.get(port);
    if (own) for (const r of respond(frame, own)) this.emitLan(port, r);
    // L2MS on a routed LAN (router/l2ms-stage.ts): an agent answers discovery here too
    const l2ms = this.l2ms.ingress(port, frame);
    if (l2ms) for (const r of l2ms.answers) this.emitLan(port, r);
  }

  /** A UDP datagram on port 1701 that is L2TP data (T bit clear). */
  fromTunnel(from: string, bytes: Uint8Array, nowMs: number): void {
    const sid = peekSessionId(bytes, 'udp');
    let s = sid === undefined ? undefined : this.bySid.get(sid);
    // defect session-id-not-checked: unknown Session IDs land in the first live session
    if (!s && this.defects.has('session-id-not-checked')) s = this.sessions.values().next().value;
    if (!s || s.peer !== from) return this.drop();
    const d = decodeDataMessage(bytes, 'udp', s.layout.rxLayout);
    if (!d.ok) return this.drop();
    // defect cookie-ignored: the cookie is not compared with the one we assigned (facts §1.4)
    if (!this.defects.has('cookie-ignored') && !bytesEq(s.layout.rxCookie, d.value.cookie)) {
      this.counters.cookieDropped++;
      return this.drop();
    }
    if (s.rxSeq && !this.sequenceAccepted(s, s.rxSeq, d.value.l2ss, d.value.payload)) {
      this.counters.sequenceDropped++;
      return this.drop();
    }
    this.counters.tunnelIn++;
    this.out.activity(s.tunnel);
    const member = `tunnel${s.tunnel}`;
    const bridge = this.memberOf.get(member);
    // a view into the received datagram: nothing on the way keeps or changes the frame
    if (bridge) this.bridgeIngress(bridge, member, d.value.payload, nowMs);
  }

  /**
   * We asked for sequencing (3931 §5.4.4): a numbered frame must be new (App. C); an unnumbered one
   * is taken only where our level does not require a number (IP frames at level 1). ASSUMPTION: a
   * frame that lacks a required number is dropped, as Linux does (facts §7 `recv_seq`) (not
   * documented; a hardware run confirms or refutes).
   */
  private sequenceAccepted(s: LiveSession, rx: SequenceReceiver, l2ss: { sequenced: boolean; sequence: number } | null, payload: Uint8Array): boolean {
    if (l2ss?.sequenced) return rx.receive(l2ss.sequence) === 'new';
    return !mustSequence(s.layout.rxSequencing ?? 0, payload, this.sequencing.level1Classification);
  }

  private drop(): void {
    this.counters.dropped++;
  }

  private port(name: string): MemberPort {
    let p = this.ports.get(name);
    if (!p) this.ports.set(name, (p = Object.freeze({ name, role: tunnelNumber(name) === undefined ? ('lan-member' as const) : ('tunnel-member' as const) })));
    return p;
  }

  private bridgeIngress(bridge: LearningBridge, member: string, frame: Uint8Array, nowMs: number): void {
    const own = this.own.get(bridge.name);
    if (own && addressedToRouter(frame, own)) {
      const toRouter: FramePath = { kind: 'to-router', ingress: this.port(member), bridge: bridge.name };
      if (this.filters.allows(toRouter, frame)) for (const r of respond(frame, own)) this.fromRouter(bridge, r, nowMs);
      if (bytesEq(own.mac, frame, 0, 6)) return; // unicast to the router: not bridged
    }
    // L2MS (seed: L2TPv3とL2MS; router/l2ms-stage.ts): a manager consumes L2MS frames, an agent answers discovery
    const l2ms = this.l2ms.ingress(bridge.name, frame);
    if (l2ms) for (const r of l2ms.answers) this.emitMember(member, r);
    if (l2ms?.bridged === false) return;
    // defect multicast-dropped: a group destination (I/G bit) other than broadcast is dropped
    if (this.defects.has('multicast-dropped') && (frame[0] & 1) === 1 && !frame.subarray(0, 6).every((x) => x === 0xff)) return this.drop();
    const d = bridge.forward(frame, member, nowMs);
    let egress = d.egress;
    // defect floods-to-ingress: flooding includes the member the frame came in on
    if (this.defects.has('floods-to-ingress') && d.reason.startsWith('flood')) egress = [...egress, member];
    if (egress.length === 0) return this.drop();
    // no filter bound anywhere: every path is allowed, so no path need be described (per frame)
    const filtered = !this.filters.empty;
    for (const e of egress) {
      if (filtered && !this.filters.allows({ kind: 'bridged', ingress: this.port(member), egress: this.port(e), bridge: bridge.name }, frame)) continue;
      this.emitMember(e, frame);
    }
  }

  /** A frame the router itself sends through a bridge: to the learned member, else flooded. */
  private fromRouter(bridge: LearningBridge, frame: Uint8Array, nowMs: number): void {
    const dst = [...frame.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    const row = bridge.table(nowMs).rows.find((r) => r.mac === dst);
    const egress = row && bridge.isForwarding(row.member) ? [row.member] : bridge.members.map((m) => m.name).filter((m) => bridge.isForwarding(m));
    for (const e of egress) if (this.filters.allows({ kind: 'from-router', egress: this.port(e), bridge: bridge.name }, frame)) this.emitMember(e, frame);
  }

  private emitMember(member: string, frame: Uint8Array): void {
    const n = tunnelNumber(member);
    if (n === undefined) return this.emitLan(member, frame);
    const s = this.sessions.get(n);
    if (!s) return this.drop();
    let payload = frame;
    // defect vlan-tag-stripped: 802.1Q tags removed before encapsulation
    if (this.defects.has('vlan-tag-stripped')) payload = stripTags(frame);
    // defect vlan-pcp-cleared: the 802.1Q priority bits zeroed
    if (this.defects.has('vlan-pcp-cleared') && payload[12] === 0x81 && payload[13] === 0x00) {
      payload = Uint8Array.from(payload);
      payload[14] &= 0x1f;
    }
    // defect fcs-appended: a trailing FCS the pseudowire must not carry (RFC 4719 §4)
    if (this.defects.has('fcs-appended')) {
      const c = crc32(payload);
      payload = Uint8Array.from([...payload, c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24]);
    }
    // encodeDataMessage's layout: the session's fixed header (txHead, sessionUp), then the frame
    const bytes = this.arena.take(s.txHead.length + payload.length);
    bytes.set(s.txHead, 0);
    bytes.set(payload, s.txHead.length);
    // the Default L2SS is the head's last word: S bit and the 24-bit number (3931 §4.6)
    if (s.txSeq && mustSequence(s.layout.txSequencing ?? 0, payload, this.sequencing.level1Classification)) {
      const n = s.txSeq.take();
      const o = s.txHead.length - 4;
      bytes[o] = 0x40;
      bytes[o + 1] = (n >>> 16) & 0xff;
      bytes[o + 2] = (n >>> 8) & 0xff;
      bytes[o + 3] = n & 0xff;
    }
    this.counters.tunnelOut++;
    this.out.udp(s.peer, bytes);
    this.out.activity(n);
  }

  private emitLan(port: string, frame: Uint8Array): void {
    this.counters.lanOut++;
    this.out.lan(port, frame);
  }
}

function stripTags(frame: Uint8Array): Uint8Array {
  const h = decodeEthernetHeader(frame);
  if (!h.ok || h.value.vlans.length === 0) return frame;
  const out = new Uint8Array(frame.length - (h.value.headerLength - 14));
  out.set(frame.subarray(0, 12), 0);
  out.set(frame.subarray(h.value.headerLength - 2), 12);
  return out;
}
