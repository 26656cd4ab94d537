// The harness's clock for observed traces: real arrival times (ms since the epoch) become virtual
// ms since the stimulus origin, times the time scale the device runs at (1 on hardware), so they
// compare with the oracle's virtual clock.

export interface TraceClock {
  /** Real time (ms since the epoch) of the stimulus origin. */
  readonly originMs: number;
  readonly timeScale: number;
}

/** Real ms since the epoch, sub-millisecond, on the same base as Conversation's timestamps. */
export function realNowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function toVirtualMs(clock: TraceClock, realMs: number): number {
  return (realMs - clock.originMs) * clock.timeScale;
}

export function toRealMs(clock: TraceClock, virtualMs: number): number {
  return clock.originMs + virtualMs / clock.timeScale;
}
