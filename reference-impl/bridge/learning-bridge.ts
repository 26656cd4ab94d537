// One Yamaha bridge interface (bridgeN) as the oracle: members (LAN ports and L2TPv3 tunnels),
// learning, ageing, static entries, flooding. Pure: the caller passes the virtual time to every call.
// Facts: yamaha-platform-facts.md §1.3, §4.2, §4.3; seed "L2TPv3とブリッジ機能".
import { decodeEthernetHeader, VLAN_TPIDS } from '../l2tpv3/ethernet-frame.ts';
import { DEFAULT_BRIDGE_ASSUMPTIONS, LEARNING_DEFAULT_ON, LEARNING_TIMER, type BridgeAssumptions } from './facts.ts';
import { LearningTable, type DynamicEntry } from './learning-table.ts';
import { BPDU_MAC_NUMBER, BROADCAST_MAC_NUMBER, isReservedGroupMacNumber, macKeyOf, macNumber, parseMac, type MacKey } from './mac.ts';

export type MemberKind = 'lan' | 'tunnel';

export interface BridgeMember {
  /** Interface name as in `bridge member`: lan1, lan1.2, vlan3, tunnel1, ... */
  name: string;
  kind: MemberKind;
}

export interface LearningBridgeOptions {
  name?: string;
  members: BridgeMember[];
  /** Per-model sizes (seed learning-table table; reference-impl/platform holds them per model). */
  dynamicCapacity: number;
  staticCapacity: number;
  /** Ageing in ms, null for `timer off`. Default 300 s (§1.3). Use learningTimerFromCommand for config text. */
  ageingMs?: number | null;
  /** `bridge learning bridgeN on|off`, default on (§1.3). */
  learning?: boolean;
  /** 802.1Q-tagged frames pass unchanged (§4.3) — "except on vRX": pass false there. */
  passTaggedFrames?: boolean;
  /** Tunnel members that start established (default: none; a tunnel starts down). */
  establishedTunnels?: string[];
  assumptions?: Partial<BridgeAssumptions>;
}

export type ForwardReason =
  | 'known-unicast'
  | 'static-unicast'
  | 'flood-unknown-unicast'
  | 'flood-broadcast'
  | 'flood-multicast'
  | 'discard-destination-on-ingress'
  | 'drop-destination-member-down'
  | 'drop-ingress-down'
  | 'drop-invalid-source'
  | 'drop-malformed'
  | 'drop-tagged'
  | 'drop-reserved-group';

export interface ForwardDecision {
  /**
   * Members the frame leaves through, in `bridge member` order. Empty when dropped. Shared and
   * frozen between frames of the same outcome (decisions are made per frame: no copy each time).
   */
  readonly egress: readonly string[];
  reason: ForwardReason;
  /** The dynamic entry the full table dropped to make room (§4.2), if learning did that. */
  evicted?: DynamicEntry;
  detail?: string;
}

export interface TableRow {
  mac: MacKey;
  member: string;
  type: 'static' | 'dynamic';
  /** Dynamic only: ms since the last frame from this MAC. */
  idleMs?: number;
}

/** A structured `show bridge learning bridgeN` (the real output format is NOT FOUND, §3.8). */
export interface BridgeTableView {
  bridge: string;
  learning: boolean;
  ageingMs: number | null;
  dynamicCapacity: number;
  staticCapacity: number;
  rows: TableRow[];
}

const DROP_RESERVED_GROUP: ForwardDecision = Object.freeze({ egress: Object.freeze([]), reason: 'drop-reserved-group' });
const DISCARD_ON_INGRESS: ForwardDecision = Object.freeze({ egress: Object.freeze([]), reason: 'discard-destination-on-ingress' });

export class LearningBridge {
  readonly name: string;
  readonly members: readonly BridgeMember[];
  readonly assumptions: Readonly<BridgeAssumptions>;
  private readonly learned: LearningTable;
  private readonly established = new Set<string>();
  private learningOn: boolean;
  private readonly passTagged: boolean;
  private readonly capacities: { dynamic: number; static: number };
  private readonly byName = new Map<string, BridgeMember>();
  /** Per ingress member: its flood set and the frozen decisions made of it (dropped when a tunnel goes up or down). */
  private readonly floods = new Map<string, { egress: readonly string[]; decisions: Map<ForwardReason, ForwardDecision> }>();
  /** Per egress member: the frozen unicast decisions to it. */
  private readonly unicasts = new Map<string, Map<ForwardReason, ForwardDecision>>();

  constructor(opts: LearningBridgeOptions) {
    this.name = opts.name ?? 'bridge1';
    const seen = new Set<string>();
    for (const m of opts.members) {
      if (seen.has(m.name)) throw new Error(`${this.name}: member ${m.name} listed twice`);
      if (m.kind !== 'lan' && m.kind !== 'tunnel') throw new Error(`${this.name}: member ${m.name} has unknown kind ${String(m.kind)}`);
      seen.add(m.name);
    }
    this.members = opts.members.map((m) => ({ ...m }));
    for (const m of this.members) this.byName.set(m.name, m);
    this.assumptions = Object.freeze({ ...DEFAULT_BRIDGE_ASSUMPTIONS, ...opts.assumptions });
    this.capacities = { dynamic: opts.dynamicCapacity, static: opts.staticCapacity };
    this.learned = new LearningTable({
      dynamicCapacity: opts.dynamicCapacity,
      staticCapacity: opts.staticCapacity,
      ageingMs: opts.ageingMs === undefined ? LEARNING_TIMER.defaultSeconds * 1000 : opts.ageingMs,
      evicts: this.assumptions.overflowEvicts,
    });
    this.learningOn = opts.learning ?? LEARNING_DEFAULT_ON;
    this.passTagged = opts.passTaggedFrames ?? true;
    for (const t of opts.establishedTunnels ?? []) this.setTunnelEstablished(t, true);
  }

  private member(name: string): BridgeMember {
    const m = this.byName.get(name);
    if (!m) throw new Error(`${this.name} has no member ${name} (members: ${this.members.map((x) => x.name).join(', ') || 'none'})`);
    return m;
  }

  /** LAN members always forward; a tunnel member only while established (§4.3). */
  isForwarding(name: string): boolean {
    const m = this.member(name);
    return m.kind === 'lan' || this.established.has(name);
  }

  setTunnelEstablished(name: string, established: boolean): void {
    const m = this.member(name);
    if (m.kind !== 'tunnel') throw new Error(`${this.name}: ${name} is a LAN member, not a tunnel`);
    const was = this.established.has(name);
    if (established) this.established.add(name);
    else this.established.delete(name);
    if (was !== established) this.floods.clear();
    if (was && !established && this.assumptions.flushOnTunnelDown) this.learned.flushMember(name);
  }

  /** `bridge learning bridgeN on|off`. */
  setLearning(on: boolean): void {
    this.learningOn = on;
    if (!on && !this.assumptions.learningOffKeepsEntries) this.learned.clearDynamic();
  }

  get learning(): boolean {
    return this.learningOn;
  }

  /**
   * `bridge learning bridgeN static MAC IF`: IF must be a LAN member of this bridge, otherwise the
   * entry is ignored (§4.2); the result says why.
   */
  addStatic(mac: string, memberName: string): { ok: true } | { ok: false; reason: string } {
    const key = parseMac(mac);
    const m = this.members.find((x) => x.name === memberName);
    if (!m) return { ok: false, reason: `${memberName} is not a member of ${this.name}; static entry ignored` };
    if (m.kind !== 'lan') return { ok: false, reason: `${memberName} is a tunnel; static entries accept LAN members only` };
    return this.learned.addStatic(key, memberName);
  }

  removeStatic(mac: string): boolean {
    return this.learned.removeStatic(parseMac(mac));
  }

  /** `clear bridge learning bridgeN`: dynamic entries only (§1.3). Returns how many went. */
  clear(): number {
    return this.learned.clearDynamic();
  }

  /** Decides where a frame received on `ingress` at virtual time `nowMs` goes, learning on the way. */
  forward(frame: Uint8Array, ingress: string, nowMs: number): ForwardDecision {
    const inMember = this.member(ingress);
    this.learned.expire(nowMs);
    if (!this.isForwarding(ingress)) {
      return { egress: [], reason: 'drop-ingress-down', detail: `${ingress} is not established` };
    }
    // An untagged frame of 14 octets or more always decodes: only the others need the full decoder.
    if (frame.length < 14 || VLAN_TPIDS.includes((frame[12] << 8) | frame[13])) {
      const hdr = decodeEthernetHeader(frame);
      if (!hdr.ok) return { egress: [], reason: 'drop-malformed', detail: hdr.error.detail };
      // §4.3: tagged frames pass unchanged, except on vRX (ASSUMPTION taggedFrameWhenNotPassed: drop).
      if (hdr.value.vlans.length > 0 && !this.passTagged) {
        return { egress: [], reason: 'drop-tagged', detail: 'tagged frames are not bridged on this model' };
      }
    }
    const src = macNumber(frame, 6);
    const dst = macNumber(frame, 0);
    // group (I/G bit of the first octet) or all-zero source
    const invalidSource = (frame[6] & 1) === 1 || src === 0;
    if (invalidSource && this.assumptions.invalidSource === 'drop') {
      return { egress: [], reason: 'drop-invalid-source', detail: `source ${macKeyOf(src)} is not an individual address` };
    }
    let evicted: DynamicEntry | undefined;
    const skipStatic = this.assumptions.staticSourceLearning === 'skip' && this.learned.hasStatic(src);
    if (this.learningOn && !invalidSource && !skipStatic) {
      // §4.2: source MAC -> receiving member.
      evicted = this.learned.learn(src, inMember.name, nowMs);
    }
    const d = this.destination(dst, (frame[0] & 1) === 1, ingress, nowMs);
    return evicted ? { ...d, evicted } : d;
  }

  /** Where a frame to `dst` goes, once its source is learnt. */
  private destination(dst: number, group: boolean, ingress: string, nowMs: number): ForwardDecision {
    if (dst === BROADCAST_MAC_NUMBER) return this.flood(ingress, 'flood-broadcast');
    if (group) {
      // BPDUs pass (§4.3, no STP); other reserved addresses: ASSUMPTION reservedGroupAddresses.
      if (dst !== BPDU_MAC_NUMBER && isReservedGroupMacNumber(dst) && this.assumptions.reservedGroupAddresses === 'drop') {
        return DROP_RESERVED_GROUP;
      }
      return this.flood(ingress, 'flood-multicast');
    }
    const staticMember = this.learned.staticMember(dst);
    const hit = staticMember ?? this.learned.dynamicMember(dst, nowMs);
    if (hit === undefined) {
      // §4.2 / seed: no matching entry -> all members but the receiving one.
      return this.flood(ingress, 'flood-unknown-unicast');
    }
    if (hit === ingress) {
      if (this.assumptions.destinationOnIngress === 'discard') return DISCARD_ON_INGRESS;
      return this.flood(ingress, 'flood-unknown-unicast');
    }
    if (!this.isForwarding(hit)) {
      return { egress: [], reason: 'drop-destination-member-down', detail: `${hit} is not established` };
    }
    const reason = staticMember !== undefined ? 'static-unicast' : 'known-unicast';
    let byReason = this.unicasts.get(hit);
    if (!byReason) this.unicasts.set(hit, (byReason = new Map()));
    let d = byReason.get(reason);
    if (!d) byReason.set(reason, (d = Object.freeze({ egress: Object.freeze([hit]), reason })));
    return d;
  }

  private flood(ingress: string, reason: ForwardReason): ForwardDecision {
    let f = this.floods.get(ingress);
    if (!f) this.floods.set(ingress, (f = { egress: Object.freeze(this.floodSet(ingress)), decisions: new Map() }));
    let d = f.decisions.get(reason);
    if (!d) f.decisions.set(reason, (d = Object.freeze({ egress: f.egress, reason })));
    return d;
  }

  private floodSet(ingress: string): string[] {
    return this.members.filter((m) => m.name !== ingress && this.isForwarding(m.name)).map((m) => m.name);
  }

  /** The table as `show bridge learning` would list it, sorted by MAC. */
  table(nowMs: number): BridgeTableView {
    const rows: TableRow[] = [
      ...this.learned.staticEntries().map((e): TableRow => ({ mac: e.mac, member: e.member, type: 'static' })),
      ...this.learned
        .dynamicEntries(nowMs)
        .map((e): TableRow => ({ mac: e.mac, member: e.member, type: 'dynamic', idleMs: nowMs - e.lastSeenMs })),
    ];
    rows.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : a.type === 'static' ? -1 : 1));
    return {
      bridge: this.name,
      learning: this.learningOn,
      ageingMs: this.learned.ageingMs,
      dynamicCapacity: this.capacities.dynamic,
      staticCapacity: this.capacities.static,
      rows,
    };
  }
}
