// The oracle's side of a live exchange: L2TP nodes on a virtual clock (like reference-impl/sim),
// except that how long a datagram takes is not drawn at random but asked of `pace`. A prediction
// paces the tester peer's messages to the moments the real peer sent them, so the device's oracle
// sees the same timing the device saw: a peer that answered late makes the oracle retransmit just
// as it made the device retransmit, and a reply time is the device's own. Pure.
import type { NodeAction, NodeEvent } from '../control/node-events.ts';
import type { L2tpNode } from '../control/node.ts';

/** When a datagram sent at `now` from `from` to `to` arrives (at or after `now`). */
export type Pace = (from: string, to: string, bytes: Uint8Array, now: number) => number;

export type ExchangeEntry =
  | { t: number; node: string; action: NodeAction }
  | { t: number; node: string; delivered: { from: string; bytes: Uint8Array } };

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

export class PacedExchange {
  now = 0;
  readonly entries: ExchangeEntry[] = [];
  private readonly nodes = new Map<string, L2tpNode>();
  private readonly timerAt = new Map<string, number>();
  private readonly queue: Scheduled[] = [];
  private seq = 0;

  constructor(private readonly pace: Pace) {}

  addNode(address: string, node: L2tpNode): void {
    this.nodes.set(address, node);
  }

  /** Hands `event` to the node at `address` at virtual time `t`. */
  at(t: number, address: string, event: NodeEvent): void {
    this.schedule(t, () => this.inject(address, event));
  }

  /** Runs everything due up to `t` (bounded: a runaway exchange throws). */
  runUntil(t: number, maxEvents = 100_000): void {
    for (let n = 0; this.queue.length > 0 && this.queue[0].at <= t; n++) {
      if (n >= maxEvents) throw new Error(`paced exchange: more than ${maxEvents} events before t=${t}`);
      const e = this.queue.shift()!;
      this.now = e.at;
      e.run();
    }
    this.now = Math.max(this.now, t);
  }

  private schedule(at: number, run: () => void): void {
    const item = { at, seq: this.seq++, run };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > at || (this.queue[i - 1].at === at && this.queue[i - 1].seq > item.seq))) i--;
    this.queue.splice(i, 0, item);
  }

  private inject(address: string, event: NodeEvent): void {
    const node = this.nodes.get(address);
    if (!node) throw new Error(`paced exchange: no node at ${address}`);
    for (const a of node.handle(event, this.now)) this.apply(address, a);
  }

  private apply(address: string, a: NodeAction): void {
    this.entries.push({ t: this.now, node: address, action: a });
    if (a.kind === 'setTimer') {
      const key = `${address}|${a.id}`;
      this.timerAt.set(key, a.atMs);
      this.schedule(a.atMs, () => {
        if (this.timerAt.get(key) !== a.atMs) return; // cancelled or moved
        this.timerAt.delete(key);
        this.inject(address, { kind: 'timer', id: a.id });
      });
    } else if (a.kind === 'cancelTimer') {
      this.timerAt.delete(`${address}|${a.id}`);
    } else if (a.kind === 'send' && this.nodes.has(a.to)) {
      const from = address;
      this.schedule(Math.max(this.now, this.pace(from, a.to, a.bytes, this.now)), () => {
        this.entries.push({ t: this.now, node: a.to, delivered: { from, bytes: a.bytes } });
        this.inject(a.to, { kind: 'packet', from, bytes: a.bytes });
      });
    }
  }
}
