// Real timers for the oracle's sans-IO node: a setTimer action becomes one setTimeout, a
// cancelTimer clears it, and a due timer is handed back as a `timer` event. A time scale
// (virtual ms per real ms) lets the peer keep pace with an emulated router run faster than
// real time. close() clears every pending timer, so nothing outlives the peer.

export class TimerHost {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly startReal = performance.now();
  private closed = false;

  constructor(
    private readonly onDue: (id: string, atMs: number) => void,
    readonly timeScale = 1,
  ) {
    if (!(timeScale > 0)) throw new Error(`time scale must be above 0 (got ${timeScale})`);
  }

  /** Virtual milliseconds since the host started. */
  now(): number {
    return (performance.now() - this.startReal) * this.timeScale;
  }

  set(id: string, atMs: number): void {
    if (this.closed) return;
    this.cancel(id);
    const delay = Math.max(0, (atMs - this.now()) / this.timeScale);
    this.pending.set(id, setTimeout(() => {
      this.pending.delete(id);
      // Never early against the virtual clock: the oracle ignores a timer that is not yet due.
      if (!this.closed) this.onDue(id, atMs);
    }, Math.ceil(delay)));
  }

  cancel(id: string): void {
    const t = this.pending.get(id);
    if (t) clearTimeout(t);
    this.pending.delete(id);
  }

  get size(): number {
    return this.pending.size;
  }

  close(): void {
    this.closed = true;
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
