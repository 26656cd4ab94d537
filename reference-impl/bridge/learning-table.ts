// The learning table of one bridge: dynamic entries (learned, aged, capacity-limited with the
// oldest dropped on overflow) and static entries (configured, never aged, looked up first).
// Facts: yamaha-platform-facts.md §4.2; sizes: seed "ブリッジのラーニングテーブルに登録可能なMACアドレス数"
// (the per-model numbers come from reference-impl/platform; here they are constructor options).
import type { BridgeAssumptions } from './facts.ts';
import type { MacKey } from './mac.ts';

export interface DynamicEntry {
  mac: MacKey;
  member: string;
  /** When this MAC was learned on this member (a move to another member counts as new learning). */
  learnedAtMs: number;
  /** Last frame from this MAC: what ageing counts from (§4.2). */
  lastSeenMs: number;
}

export interface StaticEntry {
  mac: MacKey;
  member: string;
}

export interface TableOptions {
  /** Dynamic entry capacity (seed table "動的エントリ数"). */
  dynamicCapacity: number;
  /** Static entry capacity (seed table "静的エントリ数"). */
  staticCapacity: number;
  /** Ageing time in ms; null = `timer off`, never aged (§1.3, §4.2). */
  ageingMs: number | null;
  evicts: BridgeAssumptions['overflowEvicts'];
}

export type Lookup = { type: 'static' | 'dynamic'; member: string };

export class LearningTable {
  private readonly dynamic = new Map<MacKey, DynamicEntry>();
  private readonly statics = new Map<MacKey, StaticEntry>();
  private lastNowMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: TableOptions) {
    for (const k of ['dynamicCapacity', 'staticCapacity'] as const) {
      if (!Number.isInteger(opts[k]) || opts[k] < 0) throw new Error(`learning table: ${k} ${opts[k]} is not a count`);
    }
    if (opts.ageingMs !== null && !(opts.ageingMs > 0)) {
      throw new Error(`learning table: ageing ${opts.ageingMs} ms must be positive or null (off)`);
    }
  }

  get ageingMs(): number | null {
    return this.opts.ageingMs;
  }

  /** Removes entries whose timer ran out by `nowMs`; the virtual clock must not run backwards. */
  expire(nowMs: number): DynamicEntry[] {
    if (!Number.isFinite(nowMs)) throw new Error(`learning table: time ${nowMs} is not a finite number of ms`);
    if (nowMs < this.lastNowMs) {
      throw new Error(`learning table: time went backwards (${nowMs} ms after ${this.lastNowMs} ms)`);
    }
    this.lastNowMs = nowMs;
    const aged: DynamicEntry[] = [];
    if (this.opts.ageingMs === null) return aged;
    for (const e of this.dynamic.values()) {
      // ASSUMPTION ageingBoundary 'at-timer': expired once the full timer has elapsed.
      if (nowMs - e.lastSeenMs >= this.opts.ageingMs) aged.push(e);
    }
    for (const e of aged) this.dynamic.delete(e.mac);
    return aged;
  }

  /** Static first: static entries take priority over learned ones (§4.2). */
  lookup(mac: MacKey, nowMs: number): Lookup | undefined {
    this.expire(nowMs);
    const s = this.statics.get(mac);
    if (s) return { type: 'static', member: s.member };
    const d = this.dynamic.get(mac);
    return d ? { type: 'dynamic', member: d.member } : undefined;
  }

  hasStatic(mac: MacKey): boolean {
    return this.statics.has(mac);
  }

  /**
   * Records `mac` as reachable through `member`. When the dynamic table is full, the oldest entry is
   * deleted and the new one added (§4.2); returns the evicted entry, if any.
   */
  learn(mac: MacKey, member: string, nowMs: number): DynamicEntry | undefined {
    this.expire(nowMs);
    const known = this.dynamic.get(mac);
    if (known) {
      if (known.member !== member) {
        known.member = member;
        known.learnedAtMs = nowMs;
      }
      known.lastSeenMs = nowMs;
      return undefined;
    }
    if (this.opts.dynamicCapacity === 0) return undefined;
    let evicted: DynamicEntry | undefined;
    if (this.dynamic.size >= this.opts.dynamicCapacity) {
      evicted = this.oldest();
      if (evicted) this.dynamic.delete(evicted.mac);
    }
    this.dynamic.set(mac, { mac, member, learnedAtMs: nowMs, lastSeenMs: nowMs });
    return evicted;
  }

  private oldest(): DynamicEntry | undefined {
    let best: DynamicEntry | undefined;
    for (const e of this.dynamic.values()) {
      const t = this.opts.evicts === 'first-learned' ? e.learnedAtMs : e.lastSeenMs;
      const bt = best === undefined ? Infinity : this.opts.evicts === 'first-learned' ? best.learnedAtMs : best.lastSeenMs;
      // Ties: Map order is insertion order, so the earlier-inserted entry wins (strict <).
      if (t < bt) best = e;
    }
    return best;
  }

  /** Adds or replaces a static entry; refused (ASSUMPTION staticOverflow 'refuse') when full. */
  addStatic(mac: MacKey, member: string): { ok: true } | { ok: false; reason: string } {
    if (!this.statics.has(mac) && this.statics.size >= this.opts.staticCapacity) {
      return { ok: false, reason: `static table full (${this.opts.staticCapacity} entries)` };
    }
    this.statics.set(mac, { mac, member });
    return { ok: true };
  }

  removeStatic(mac: MacKey): boolean {
    return this.statics.delete(mac);
  }

  /** `clear bridge learning`: dynamic entries only; static ones stay (§1.3, §4.2). */
  clearDynamic(): number {
    const n = this.dynamic.size;
    this.dynamic.clear();
    return n;
  }

  /** Drops the dynamic entries that point at `member`. */
  flushMember(member: string): number {
    let n = 0;
    for (const e of [...this.dynamic.values()]) {
      if (e.member === member) {
        this.dynamic.delete(e.mac);
        n++;
      }
    }
    return n;
  }

  dynamicEntries(nowMs: number): DynamicEntry[] {
    this.expire(nowMs);
    return [...this.dynamic.values()].map((e) => ({ ...e }));
  }

  staticEntries(): StaticEntry[] {
    return [...this.statics.values()].map((e) => ({ ...e }));
  }
}
