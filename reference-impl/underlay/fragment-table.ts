// The reassembly table both IP versions share (ipv6-fragment.ts, RFC 8200 §4.5; ipv4-fragment.ts,
// RFC 791 §3.2 / RFC 815): fragments grouped by a key the caller derives from the header, bounded
// in datagrams (a new one evicts the oldest) and in length, each datagram abandoned `timeoutMs`
// after its first fragment, RFC 5722's rule for duplicates and overlaps. What each version reads
// from and writes into its headers stays with it: `first` is whatever the fragment at offset 0
// carries that the whole datagram needs (its header, its Next Header). Pure: time comes in as `now`.

export interface ReassemblyLimits {
  /** Datagrams under reassembly at once; a new one beyond this evicts the oldest. */
  readonly maxDatagrams: number;
  /** Largest reassembled data accepted (IPv6: the Fragmentable Part, at most 65535). */
  readonly maxLength: number;
  readonly timeoutMs: number;
}

export interface FragmentPart {
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface FragmentIn<F> extends FragmentPart {
  /** Source, destination, Identification (and IPv4's protocol): the datagram this fragment belongs to. */
  readonly key: string;
  /** More fragments follow (M / MF). */
  readonly more: boolean;
  /** What the offset-0 fragment gives the whole datagram (read only at offset 0). */
  readonly first?: F;
}

export type TableResult<F> =
  | { kind: 'whole'; first: F; parts: readonly FragmentPart[]; total: number }
  | { kind: 'held' }
  | { kind: 'dropped'; why: string };

interface Pending<F> {
  readonly firstAt: number;
  first?: F;
  total?: number;
  readonly parts: FragmentPart[];
}

export class FragmentTable<F> {
  private readonly pending = new Map<string, Pending<F>>();

  constructor(readonly limits: ReassemblyLimits) {}

  /** Datagrams under reassembly now (for tests and the trace). */
  get size(): number {
    return this.pending.size;
  }

  /** One fragment (never a whole packet: the caller passes those on); the datagram when it is whole. */
  add(f: FragmentIn<F>, now: number): TableResult<F> {
    this.expire(now);
    const end = f.offset + f.data.length;
    if (end > this.limits.maxLength) {
      this.pending.delete(f.key);
      return { kind: 'dropped', why: `fragment ends at ${end}, beyond the ${this.limits.maxLength}-octet limit` };
    }
    let p = this.pending.get(f.key);
    if (!p) {
      if (this.pending.size >= this.limits.maxDatagrams) {
        // Map order is insertion order: the first key is the oldest datagram
        this.pending.delete(this.pending.keys().next().value as string);
      }
      p = { firstAt: now, parts: [] };
      this.pending.set(f.key, p);
    }
    // RFC 5722 §4: an exact duplicate (the network may duplicate) MAY be dropped alone
    if (p.parts.some((x) => x.offset === f.offset && equal(x.data, f.data)) && (f.more || p.total === end)) return { kind: 'held' };
    if (p.parts.some((x) => f.offset < x.offset + x.data.length && x.offset < end)) {
      // RFC 8200 §4.5 / RFC 5722: an overlap discards the datagram and the fragments to come
      this.pending.delete(f.key);
      return { kind: 'dropped', why: `fragment [${f.offset}, ${end}) overlaps one already held (RFC 5722)` };
    }
    if (!f.more) {
      if (p.total !== undefined && p.total !== end) return this.abandon(f.key, `two last fragments (ending at ${p.total} and ${end})`);
      if (p.parts.some((x) => x.offset + x.data.length > end)) return this.abandon(f.key, `last fragment ends at ${end}, before data already held`);
      p.total = end;
    } else if (p.total !== undefined && end > p.total) return this.abandon(f.key, `fragment ends at ${end}, after the last fragment's end ${p.total}`);
    if (f.offset === 0) p.first = f.first;
    if (f.offset === 0 && f.first === undefined) throw new Error('FragmentTable: the offset-0 fragment must give `first`');
    p.parts.push({ offset: f.offset, data: Uint8Array.from(f.data) });
    if (p.total === undefined || p.first === undefined) return { kind: 'held' };
    const have = p.parts.reduce((n, x) => n + x.data.length, 0);
    if (have !== p.total) return { kind: 'held' };
    this.pending.delete(f.key);
    return { kind: 'whole', first: p.first, parts: p.parts, total: p.total };
  }

  /** Abandons datagrams whose first fragment came `timeoutMs` ago or more; returns how many. */
  expire(now: number): number {
    let n = 0;
    for (const [k, p] of this.pending) {
      if (now - p.firstAt < this.limits.timeoutMs) continue;
      this.pending.delete(k);
      n++;
    }
    return n;
  }

  /** Drops one datagram (a fragment the caller found bad). */
  forget(key: string): void {
    this.pending.delete(key);
  }

  private abandon(key: string, why: string): TableResult<F> {
    this.pending.delete(key);
    return { kind: 'dropped', why };
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
