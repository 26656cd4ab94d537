// The bridge's learning table (facts §4.2, CR §45, §58.9): capacity per model (platform table),
// static entries that `clear bridge learning` keeps, and ageing by `bridge learning bridge1 timer`.
// Every expected table is the oracle's (LearningBridge fed the same frames), never typed per model.
// The verdict of each test is the whole trace (trace-verdict.ts with the frame channel,
// trace-frame-channel.ts): every listing of the table (all entries, in order), the data messages
// and the control messages and syslog lines, against the oracle's prediction; the assertions are summaries
// (soft, so the verdict is reached and reported even when one of them fails).
import { test, expect } from './fixtures.ts';
import { LearningBridge } from '../reference-impl/bridge/index.ts';
import { LEARNING_TIMER } from '../reference-impl/bridge/facts.ts';
import { cliLoginLines } from '../drivers/dut/router-cli.ts';
import { barrier, markedFrame, testMac, type LearningRow } from './support/bridge-traffic.ts';
import { controlTolerance, TracedLab } from './support/trace-verdict.ts';
import { FrameChannel } from './support/trace-frame-channel.ts';
import { realNowMs } from '../drivers/trace/trace-clock.ts';
import { timingTolerance } from '../reference-impl/trace/tolerance.ts';

const PEER = '127.0.0.2';
const HOST = { mac: '02:00:00:00:02:0a', ip: '192.168.100.10' };
const STATIC_MAC = '02:00:00:00:aa:01';
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
/** Frames sent between two barriers (keeps the loopback socket buffers from overflowing). */
const BATCH = 200;

const rowsOf = (b: LearningBridge, nowMs: number): LearningRow[] => b.table(nowMs).rows.map((r) => ({ mac: r.mac, member: r.member, type: r.type }));
const sorted = (rows: LearningRow[]) => [...rows].sort((x, y) => (x.mac < y.mac ? -1 : x.mac > y.mac ? 1 : 0));
const count = (rows: LearningRow[], type: LearningRow['type']) => rows.filter((r) => r.type === type).length;

test.describe('learning table', { tag: '@learning' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('learning-table');
  });

  test('capacity per model, static entries kept by `clear bridge learning`', async ({ openLab, caps }) => {
    test.setTimeout(120_000);
    const oracle = new LearningBridge({
      name: 'bridge1', members: [{ name: 'lan1', kind: 'lan' }, { name: 'tunnel1', kind: 'tunnel' }], establishedTunnels: ['tunnel1'],
      dynamicCapacity: caps.learningTable.dynamic, staticCapacity: caps.learningTable.static, ageingMs: null,
    });
    expect.soft(oracle.addStatic(STATIC_MAC, 'lan1').ok).toBe(true);
    const t = new TracedLab(await openLab({
      tunnels: [{ n: 1, peer: PEER }],
      extra: [...cliLoginLines(), `bridge learning bridge1 timer ${LEARNING_TIMER.offKeyword}`, `bridge learning bridge1 static ${STATIC_MAC} lan1`],
    }));
    const frames = FrameChannel.add(t);
    await t.startRouter();
    const cli = await t.lab.adminCli();
    try {
      const p = await t.peer(PEER, { role: 'initiator' });
      await frames.established(p);
      // More sources than the model's dynamic table holds: the table must stop at its size.
      const sources = caps.learningTable.dynamic + 5;
      for (let i = 0; i < sources; i += BATCH) {
        for (let j = i; j < Math.min(sources, i + BATCH); j++) {
          const f = markedFrame(testMac(j), BROADCAST, `learn-${j}`);
          frames.peerFrame(p, f);
          oracle.forward(f, 'tunnel1', 0);
        }
        oracle.forward(await barrier(p, HOST, undefined, (f) => frames.peerFrame(p, f)), 'tunnel1', 0);
      }
      const before = await frames.show(cli);
      const predicted = rowsOf(oracle, 0);
      expect.soft({ dynamic: count(before, 'dynamic'), static: count(before, 'static') }).toEqual({ dynamic: count(predicted, 'dynamic'), static: count(predicted, 'static') });
      expect.soft(count(before, 'dynamic')).toBeLessThanOrEqual(caps.learningTable.dynamic);
      await frames.clear(cli);
      oracle.clear();
      const after = await frames.show(cli);
      expect.soft(sorted(after)).toEqual(sorted(rowsOf(oracle, 0)));
      await t.verdict();
    } finally {
      await cli.close();
    }
  });

  test.describe('ageing', () => {
    // The shortest documented timer (30 s) at the default time scale: 3 s. A faster scale would
    // make the timing tolerance (jitter budget x scale) longer than the timer itself.
    test('a learned entry ages out after `bridge learning bridge1 timer`', async ({ openLab, caps }) => {
      const timerS = LEARNING_TIMER.minSeconds;
      const oracle = new LearningBridge({
        name: 'bridge1', members: [{ name: 'lan1', kind: 'lan' }, { name: 'tunnel1', kind: 'tunnel' }], establishedTunnels: ['tunnel1'],
        dynamicCapacity: caps.learningTable.dynamic, staticCapacity: caps.learningTable.static, ageingMs: timerS * 1000,
      });
      const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }], extra: [...cliLoginLines(), `bridge learning bridge1 timer ${timerS}`] }));
      const frames = FrameChannel.add(t);
      const timeScale = t.lab.timeScale; // 1 on a physical device
      const tolMs = timingTolerance(controlTolerance(t.lab)).ms;
      test.setTimeout(30_000 + (3 * timerS * 1000) / timeScale);
      await t.startRouter();
      const cli = await t.lab.adminCli();
      try {
        const p = await t.peer(PEER, { role: 'initiator' });
        await frames.established(p);
        const learnedAt = realNowMs();
        const f = await barrier(p, HOST, undefined, (x) => frames.peerFrame(p, x));
        oracle.forward(f, 'tunnel1', 0);
        // The oracle: present before the timer, gone at it.
        expect.soft(rowsOf(oracle, 0).map((r) => r.mac)).toContain(HOST.mac);
        expect.soft(rowsOf(oracle, timerS * 1000).map((r) => r.mac)).not.toContain(HOST.mac);
        // The stimulus is time itself: the harness lets the timer plus the tolerance pass (the
        // oracle's moment, clear of the boundary), then lists the table (each listing is in the
        // trace) until the entry is gone, bounded by twice the scaled timer plus a margin for the CLI
        // round trips. Listing before that moment would show nothing the oracle decides, and a
        // listing loop over the whole timer kept both ends' CPUs busy for seconds.
        const deadline = Date.now() + (2 * timerS * 1000) / timeScale + 3000;
        const boundaryRealMs = learnedAt + (timerS * 1000 + tolMs) / timeScale;
        await new Promise((r) => setTimeout(r, Math.max(0, boundaryRealMs - realNowMs())));
        let rows: LearningRow[] = [];
        do {
          rows = await frames.show(cli);
        } while (rows.some((r) => r.mac === HOST.mac) && Date.now() < deadline);
        expect.soft(rows.map((r) => r.mac), `${HOST.mac} aged out`).not.toContain(HOST.mac);
        await t.verdict();
      } finally {
        await cli.close();
      }
    });
  });
});
