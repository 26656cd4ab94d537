// How far apart in time a predicted and an observed event may be. A live device runs its timers on
// virtual time = real elapsed time x time scale, and the harness stamps arrivals in real time, so
// every real millisecond of scheduling jitter (harness, device process, loopback) is `timeScale`
// virtual ms; a device that rounds its timers to a tick adds that tick. Derived, printed, and never
// loosened to make a test pass.

export interface ToleranceInputs {
  /** Time scale of the run (virtual ms per real ms; 1 on hardware). */
  readonly timeScale: number;
  /** Real-time jitter budget of the harness and the device process, in real ms. */
  readonly jitterRealMs: number;
  /** Timer granularity of the device, in virtual ms (0: exact timers). */
  readonly granularityMs: number;
}

export interface TimingTolerance {
  readonly ms: number;
  /** The formula with its figures, as the report prints it. */
  readonly formula: string;
}

export function timingTolerance(i: ToleranceInputs): TimingTolerance {
  if (!(i.timeScale > 0) || !(i.jitterRealMs >= 0) || !(i.granularityMs >= 0)) throw new Error(`timing tolerance: bad inputs ${JSON.stringify(i)}`);
  const ms = Math.ceil(i.jitterRealMs * i.timeScale + i.granularityMs);
  return { ms, formula: `tolerance = jitter ${i.jitterRealMs} real ms x time scale ${i.timeScale} + device timer granularity ${i.granularityMs} ms = ${ms} virtual ms` };
}
