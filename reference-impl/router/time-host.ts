// Real time driving the oracle's virtual milliseconds. `--time-scale N` makes every protocol
// timer (keepalive, disconnect, retransmission, ageing) run N times faster: virtual time is
// real elapsed time times N, and a timer due in V virtual ms fires after V/N real ms.

export interface TimerHandle {
  readonly id: number;
}

export class TimeHost {
  readonly scale: number;
  private readonly startReal: number;
  private readonly startWallMs: number;
  private readonly pending = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  constructor(scale = 1, startWallMs = Date.now()) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`time scale must be a positive number (got ${scale})`);
    this.scale = scale;
    this.startReal = performance.now();
    this.startWallMs = startWallMs;
  }

  /** Virtual ms since the router started. */
  now(): number {
    return Math.floor((performance.now() - this.startReal) * this.scale);
  }

  /** The router's wall clock (for `show log` timestamps): start time plus virtual elapsed time. */
  wallClock(): Date {
    return new Date(this.startWallMs + this.now());
  }

  /** Runs `fn` when virtual time reaches `atMs` (at once when it already has). */
  at(atMs: number, fn: () => void): TimerHandle {
    const id = this.nextId++;
    // setTimeout caps at 2^31-1 ms and may wake a little early against performance.now();
    // an early wake re-arms for the rest, so the oracle never sees a timer before its time.
    const MAX = 2 ** 31 - 1;
    const arm = (): void => {
      const left = atMs - this.now();
      if (left <= 0) {
        this.pending.delete(id);
        return fn();
      }
      this.pending.set(id, setTimeout(arm, Math.min(MAX, Math.max(1, Math.ceil(left / this.scale)))));
    };
    this.pending.set(id, setTimeout(arm, Math.min(MAX, Math.max(0, Math.ceil((atMs - this.now()) / this.scale)))));
    return { id };
  }

  cancel(h: TimerHandle | undefined): void {
    if (!h) return;
    const t = this.pending.get(h.id);
    if (t) clearTimeout(t);
    this.pending.delete(h.id);
  }

  cancelAll(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
