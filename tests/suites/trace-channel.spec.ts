// The channel hook of the trace verdict (suites/support/trace-channel.ts, TracedLab.addChannel):
// another observation (here frames at a LAN port) joins the same whole-trace comparison as the
// control channel, with its own named filter and role rules, and wakes the verdict's wait when it
// observes something. A stand-in lab with no peers and no syslog: only the added channel speaks.
import { test, expect } from '@playwright/test';
import { EventEmitter } from 'node:events';
import type { TraceClock } from '../../drivers/trace/trace-clock.ts';
import { traceEvent, type TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { TraceFilter } from '../../reference-impl/trace/filters.ts';
import { type DeviceLab } from '../../suites/support/device-lab.ts';
import { routerConfig } from '../../drivers/dut/lab-config.ts';
import type { TraceChannel } from '../../suites/support/trace-channel.ts';
import { TracedLab } from '../../suites/support/trace-verdict.ts';

function standInLab(): DeviceLab {
  const syslog = Object.assign(new EventEmitter(), { lines: [], arrivals: new Map() });
  return {
    peers: [], conversation: { datagrams: [] }, syslog, timeScale: 10, dut: { capabilities: { timerGranularityMs: 0 } },
    opts: { tunnels: [] }, config: routerConfig([], 514), device: { model: 'RTX1210', firmware: 'Rev.14.01.26', kind: 'emulated', defects: [] },
  } as unknown as DeviceLab;
}

const frame = (t: number, mac: string, payload: string): TraceEvent =>
  traceEvent('frame', t, 'lan1', 'frame', [{ name: 'src', value: mac }, { name: 'payload', value: payload }]);
const NOISE: TraceFilter = { name: 'router solicitations', why: 'the host kernel sends its own', drops: (e) => e.source === 'frame' && e.fields.some((f) => f.value === 'rs') };

class FrameChannel implements TraceChannel {
  readonly name = 'frames at lan1';
  readonly filters = [NOISE];
  readonly roles = { fields: [{ name: 'source MAC', role: 'mac', source: 'frame' as const, field: 'src', why: 'the host picks its MAC at random' }] };
  seen: TraceEvent[] = [];
  private cb?: () => void;
  constructor(private readonly want: TraceEvent[]) {}
  observe(_clock: TraceClock, horizonMs: number): TraceEvent[] {
    return this.seen.filter((e) => e.t <= horizonMs);
  }
  predict(): TraceEvent[] {
    return this.want;
  }
  onObservation(cb: () => void): () => void {
    this.cb = cb;
    return () => (this.cb = undefined);
  }
  arrive(e: TraceEvent): void {
    this.seen.push(e);
    this.cb?.();
  }
}

test('a channel\'s events join the verdict: agreement, its filter and role rule stated; a changed payload is the first divergence', () => {
  const t = new TracedLab(standInLab());
  t.record({ kind: 'configLoad' });
  const c = new FrameChannel([frame(100, '02:00:00:00:00:01', 'aa')]);
  c.seen = [frame(120, '02:00:00:00:00:77', 'aa'), frame(130, '02:00:00:00:00:77', 'rs')];
  t.addChannel(c);
  expect(() => t.addChannel(c)).toThrow(/added twice/);
  const far = Date.now() + 60_000;
  const ok = t.judge(far).verdict;
  expect(ok.comparison.divergence).toBeUndefined();
  expect(ok.comparison.matched).toBe(1);
  expect(ok.rules).toContain('filter router solicitations: the host kernel sends its own (removed 0 predicted, 1 observed)');
  expect(ok.rules.some((r) => r.startsWith('role mac: source MAC'))).toBe(true);
  c.seen = [frame(120, '02:00:00:00:00:77', 'bb')];
  const bad = t.judge(far).verdict;
  expect(bad.comparison.divergence).toMatchObject({ kind: 'value', field: 'payload', predictedValue: 'aa', observedValue: 'bb' });
});

test('the verdict waits for a channel\'s owed event: it arrives after the first evaluation and the traces agree', async () => {
  const t = new TracedLab(standInLab());
  t.record({ kind: 'configLoad' });
  const c = new FrameChannel([frame(0, '02:00:00:00:00:01', 'aa')]);
  t.addChannel(c);
  // at the first evaluation the frame is owed (missing); it arrives 50 ms later, inside the 400 ms budget
  setTimeout(() => c.arrive(frame(50, '02:00:00:00:00:09', 'aa')), 50);
  const v = await t.verdict();
  expect(v.comparison.divergence).toBeUndefined();
  expect(v.comparison.matched).toBe(1);
});
