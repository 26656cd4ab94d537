// Virtual-time timers for the IKE node, the same scheme as control/timers.ts (timers are
// actions; a stale or early callback does nothing) over IKE's own action type.
import type { IkeAction } from './ike-events.ts';

export interface IkeCtx {
  now: number;
  out: IkeAction[];
}

export class IkeTimers {
  private readonly pending = new Map<string, { at: number; fire: (ctx: IkeCtx) => void }>();

  set(ctx: IkeCtx, id: string, at: number, fire: (ctx: IkeCtx) => void): void {
    this.pending.set(id, { at, fire });
    ctx.out.push({ kind: 'setTimer', id, atMs: at });
  }

  cancel(ctx: IkeCtx, id: string): void {
    if (this.pending.delete(id)) ctx.out.push({ kind: 'cancelTimer', id });
  }

  /** Cancels every timer whose id starts with the prefix (all timers of one SA). */
  cancelPrefix(ctx: IkeCtx, prefix: string): void {
    for (const id of [...this.pending.keys()]) if (id.startsWith(prefix)) this.cancel(ctx, id);
  }

  fire(ctx: IkeCtx, id: string): void {
    const t = this.pending.get(id);
    if (!t || t.at > ctx.now) return;
    this.pending.delete(id);
    t.fire(ctx);
  }

  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const t of this.pending.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }
}
