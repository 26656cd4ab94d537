// The learning table of one bridge: dynamic entries (learned, aged, capacity-limited with the
// oldest dropped on overflow) and static entries (configured, never aged, looked up first).
// Facts: yamaha-platform-facts.md §4.2; sizes: seed "ブリッジのラーニングテーブルに登録可能なMACアドレス数"
// (the per-model numbers come from reference-impl/platform; here they are constructor options).
// Keys are numeric MACs (mac.ts MacNumber): the bridge looks up and learns once per frame; entries
// keep the text form for views. Methods take either form.
import type { BridgeAssumptions } from './facts.ts';
import { macKeyOf, macNumberOf, type MacKey, type MacNumber } from './mac.ts';

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

const num = (mac: MacKey | MacNumber): MacNumber => (typeof mac === 'number' ? mac : macNumberOf(mac));

export class LearningTable {
  private readonly dynamic = new Map<MacNumber, DynamicEntry>();
  private readonly statics = new Map<MacNumber, StaticEntry>();
  private lastNowMs = Number.NEGATIVE_INFINITY;
  /**
   * At most the smallest lastSeenMs of the dynamic entries (exact after a scan, lower otherwise:
   * refreshes and removals only raise the true minimum). expire() scans only when this one could
   * have run out, with the same arithmetic as the per-entry test, so it expires exactly the same.
   */
  private minLastSeenMs = Number.POSITIVE_INFINITY;

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
    if (this.opts.ageingMs === null || !(nowMs - this.minLastSeenMs >= this.opts.ageingMs)) return aged;
    const keys: MacNumber[] = [];
    let min = Number.POSITIVE_INFINITY;
    for (const [k, e] of this.dynamic) {
      // ASSUMPTION ageingBoundary 'at-timer': expired once the full timer has elapsed.
      if (nowMs - e.lastSeenMs >= this.opts.ageingMs) {
        aged.push(e);
        keys.push(k);
      } else if (e.lastSeenMs < min) min = e.lastSeenMs;
    }
    for (const k of keys) this.dynamic.delete(k);
    this.minLastSeenMs = min;
    return aged;
  }

  /** Static first: static entries take priority over learned ones (§4.2). */
  lookup(mac: MacKey | MacNumber, nowMs: number): Lookup | undefined {
    this.expire(nowMs);
    const s = this.statics.get(num(mac));
    if (s) return { type: 'static', member: s.member };
    const d = this.dynamic.get(num(mac));
    return d ? { type: 'dynamic', member: d.member } : undefined;
  }

  /** The per-frame form of lookup() (no object made): the static entry's member, if any. */
  staticMember(mac: MacNumber): string | undefined {
    return this.statics.get(mac)?.member;
  }

  /** The per-frame form of lookup(): the dynamic entry's member at `nowMs`, if any. */
  dynamicMember(mac: MacNumber, nowMs: number): string | undefined {
    this.expire(nowMs);
    return this.dynamic.get(mac)?.member;
  }

  hasStatic(mac: MacKey | MacNumber): boolean {
    return this.statics.has(num(mac));
  }

  /**
   * Records `mac` as reachable through `member`. When the dynamic table is full, the oldest entry is
   * deleted and the new one added (§4.2); returns the evicted entry, if any.
   */
  learn(macIn: MacKey | MacNumber, member: string, nowMs: number): DynamicEntry | undefined {
    this.expire(nowMs);
    const mac = num(macIn);
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
      const oldest = this.oldest();
      if (oldest) {
        evicted = oldest.e;
        this.dynamic.delete(oldest.k);
      }
    }
    this.dynamic.set(mac, { mac: macKeyOf(mac), member, learnedAtMs: nowMs, lastSeenMs: nowMs });
    if (nowMs < this.minLastSeenMs) this.minLastSeenMs = nowMs;
    return evicted;
  }

  private oldest(): { k: MacNumber; e: DynamicEntry } | undefined {
    let best: { k: MacNumber; e: DynamicEntry } | undefined;
    for (const [k, e] of this.dynamic) {
      const t = this.opts.evicts === 'first-learned' ? e.learnedAtMs : e.lastSeenMs;
      const bt = best === undefined ? Infinity : this.opts.evicts === 'first-learned' ? best.e.learnedAtMs : best.e.lastSeenMs;
      // Ties: Map order is insertion order, so the earlier-inserted entry wins (strict <).
      if (t < bt) best = { k, e };
    }
    return best;
  }

  /** Adds or replaces a static entry; refused (ASSUMPTION staticOverflow 'refuse') when full. */
  addStatic(macIn: MacKey | MacNumber, member: string): { ok: true } | { ok: false; reason: string } {
    const mac = num(macIn);
    if (!this.statics.has(mac) && this.statics.size >= this.opts.staticCapacity) {
      return { ok: false, reason: `static table full (${this.opts.staticCapacity} entries)` };
    }
    this.statics.set(mac, { mac: macKeyOf(mac), member });
    return { ok: true };
  }

  removeStatic(mac: MacKey | MacNumber): boolean {
    return this.statics.delete(num(mac));
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
    for (const [k, e] of [...this.dynamic]) {
      if (e.member === member) {
        this.dynamic.delete(k);
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
