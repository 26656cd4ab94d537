// Virtual-time timers: the node asks its driver to call back at a time (setTimer action)
// and remembers what to do then. Ids are unique per owner (`c<ccid>:retransmit`, ...).
import type { NodeAction } from './node-events.ts';

export interface Ctx {
  /** Virtual time of the event being handled, in ms. */
  now: number;
  out: NodeAction[];
  timers: Timers;
}

/** The two timer actions every sans-IO core in this project emits (L2TP control, IKE). */
export type TimerAction = { kind: 'setTimer'; id: string; atMs: number } | { kind: 'cancelTimer'; id: string };

/** What a timer needs of a core's event context: the virtual time and where actions go. */
export interface TimerCtx {
  now: number;
  out: { push(action: TimerAction): number };
}

/** Timers over any core's context type: the L2TP control plane here, IKE in ipsec/ike/ike-timers.ts. */
export class VirtualTimers<C extends TimerCtx> {
  private readonly pending = new Map<string, { at: number; fire: (ctx: C) => void }>();

  set(ctx: C, id: string, at: number, fire: (ctx: C) => void): void {
    this.pending.set(id, { at, fire });
    ctx.out.push({ kind: 'setTimer', id, atMs: at });
  }

  cancel(ctx: C, id: string): void {
    if (this.pending.delete(id)) ctx.out.push({ kind: 'cancelTimer', id });
  }

  /** Cancels every timer whose id starts with the prefix (all timers of one owner). */
  cancelPrefix(ctx: C, prefix: string): void {
    for (const id of [...this.pending.keys()]) if (id.startsWith(prefix)) this.cancel(ctx, id);
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Runs the timer if it is still set and due; a stale or early callback does nothing. */
  fire(ctx: C, id: string): void {
    const t = this.pending.get(id);
    if (!t || t.at > ctx.now) return;
    this.pending.delete(id);
    t.fire(ctx);
  }

  /** Earliest pending deadline (for drivers that poll instead of following actions). */
  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const t of this.pending.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }
}

export class Timers extends VirtualTimers<Ctx> {}
