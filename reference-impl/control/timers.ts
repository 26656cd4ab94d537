// Virtual-time timers: the node asks its driver to call back at a time (setTimer action)
// and remembers what to do then. Ids are unique per owner (`c<ccid>:retransmit`, ...).
import type { NodeAction } from './node-events.ts';

export interface Ctx {
  /** Virtual time of the event being handled, in ms. */
  now: number;
  out: NodeAction[];
  timers: Timers;
}

export class Timers {
  private readonly pending = new Map<string, { at: number; fire: (ctx: Ctx) => void }>();

  set(ctx: Ctx, id: string, at: number, fire: (ctx: Ctx) => void): void {
    this.pending.set(id, { at, fire });
    ctx.out.push({ kind: 'setTimer', id, atMs: at });
  }

  cancel(ctx: Ctx, id: string): void {
    if (this.pending.delete(id)) ctx.out.push({ kind: 'cancelTimer', id });
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Runs the timer if it is still set and due; a stale or early callback does nothing. */
  fire(ctx: Ctx, id: string): void {
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
