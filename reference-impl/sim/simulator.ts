// A deterministic discrete-event simulator: L2TP nodes wired through simulated channels
// with loss, duplication, reordering (random delay) and delay, on a virtual clock.
// Everything random comes from one seed, so a failing property test replays exactly.
import type { NodeAction, NodeEvent } from '../control/node-events.ts';
import { Mulberry32 } from './prng.ts';

export interface ChannelParams {
  /** Probability a packet is dropped, 0..1. */
  loss: number;
  /** Probability a delivered packet arrives twice, 0..1. */
  duplicate: number;
  /** One-way delay is uniform in [minDelayMs, maxDelayMs]; a spread reorders packets. */
  minDelayMs: number;
  maxDelayMs: number;
}

export const PERFECT_CHANNEL: ChannelParams = { loss: 0, duplicate: 0, minDelayMs: 10, maxDelayMs: 10 };

/** Everything that happened, in order, for assertions and captures. */
export type TraceEntry =
  | { t: number; node: string; action: NodeAction }
  | { t: number; node: string; wire: 'delivered' | 'dropped'; from: string; bytes: Uint8Array };

/** What the simulator drives: an L2tpNode, or a wrapper around one (a tester peer that misbehaves on purpose). */
export interface SimNode {
  handle(event: NodeEvent, nowMs: number): NodeAction[];
}

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

export class Simulation {
  now = 0;
  readonly trace: TraceEntry[] = [];
  private readonly nodes = new Map<string, SimNode>();
  private readonly links = new Map<string, ChannelParams>();
  private readonly timerAt = new Map<string, number>();
  private readonly queue: Scheduled[] = [];
  private seq = 0;
  private readonly rng: Mulberry32;

  constructor(seed: number) {
    this.rng = new Mulberry32(seed ^ 0x5eed);
  }

  addNode(address: string, node: SimNode): void {
    this.nodes.set(address, node);
  }

  /** Sets both directions between a and b. */
  link(a: string, b: string, params: ChannelParams): void {
    this.links.set(`${a}>${b}`, params);
    this.links.set(`${b}>${a}`, params);
  }

  /** Sets one direction only. */
  linkOneWay(from: string, to: string, params: ChannelParams): void {
    this.links.set(`${from}>${to}`, params);
  }

  private schedule(at: number, run: () => void): void {
    const item = { at, seq: this.seq++, run };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > at || (this.queue[i - 1].at === at && this.queue[i - 1].seq > item.seq))) i--;
    this.queue.splice(i, 0, item);
  }

  /** Hands an event to a node now and carries out its actions. */
  inject(address: string, event: NodeEvent): NodeAction[] {
    const node = this.nodes.get(address);
    if (!node) throw new Error(`simulation: no node at ${address}`);
    const actions = node.handle(event, this.now);
    for (const a of actions) this.apply(address, a);
    return actions;
  }

  /** Schedules an event for a node at a later virtual time. */
  at(t: number, address: string, event: NodeEvent): void {
    this.schedule(t, () => this.inject(address, event));
  }

  private apply(address: string, a: NodeAction): void {
    this.trace.push({ t: this.now, node: address, action: a });
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
    } else if (a.kind === 'send') {
      this.transmit(address, a.to, a.bytes);
    }
  }

  private transmit(from: string, to: string, bytes: Uint8Array): void {
    const p = this.links.get(`${from}>${to}`);
    if (!p || !this.nodes.has(to)) return;
    const copies = this.rng.nextFloat() < p.loss ? 0 : this.rng.nextFloat() < p.duplicate ? 2 : 1;
    if (copies === 0) this.trace.push({ t: this.now, node: to, wire: 'dropped', from, bytes });
    for (let i = 0; i < copies; i++) {
      const delay = p.minDelayMs + this.rng.nextFloat() * (p.maxDelayMs - p.minDelayMs);
      const at = Math.round(this.now + delay);
      this.schedule(at, () => {
        this.trace.push({ t: this.now, node: to, wire: 'delivered', from, bytes });
        this.inject(to, { kind: 'packet', from, bytes });
      });
    }
  }

  /** Runs events up to and including time t (bounded: a runaway loop throws). */
  runUntil(t: number, maxEvents = 1_000_000): void {
    let n = 0;
    while (this.queue.length > 0 && this.queue[0].at <= t) {
      if (++n > maxEvents) throw new Error(`simulation: more than ${maxEvents} events before t=${t}`);
      const e = this.queue.shift() as Scheduled;
      this.now = e.at;
      e.run();
    }
    this.now = Math.max(this.now, t);
  }

  runFor(ms: number): void {
    this.runUntil(this.now + ms);
  }

  /** Runs until `done()` holds (checked after each event) or time `limit`; returns whether it held. */
  runUntilTrue(done: () => boolean, limit: number, maxEvents = 1_000_000): boolean {
    let n = 0;
    if (done()) return true;
    while (this.queue.length > 0 && this.queue[0].at <= limit) {
      if (++n > maxEvents) throw new Error(`simulation: more than ${maxEvents} events before t=${limit}`);
      const e = this.queue.shift() as Scheduled;
      this.now = e.at;
      e.run();
      if (done()) return true;
    }
    return false;
  }

  /** Syslog lines of a node, in order. */
  syslog(address: string): { t: number; id: string; level: string; text: string }[] {
    const out: { t: number; id: string; level: string; text: string }[] = [];
    for (const e of this.trace) if (e.node === address && 'action' in e && e.action.kind === 'syslog') out.push({ t: e.t, id: e.action.id, level: e.action.level, text: e.action.text });
    return out;
  }

  actions(address: string): { t: number; action: NodeAction }[] {
    const out: { t: number; action: NodeAction }[] = [];
    for (const e of this.trace) if (e.node === address && 'action' in e) out.push({ t: e.t, action: e.action });
    return out;
  }
}
