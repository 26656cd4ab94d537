// Keepalive and disconnect timers (`l2tp keepalive use on INTERVAL COUNT`, `l2tp tunnel disconnect
// time`; seed syslog lines). The router runs at the project's time scale, so seconds are short.
import { test, expect } from './fixtures.ts';
import { deviceCcid } from './support/ids.ts';
import { expectSyslog, SYSLOG_WAIT_MS } from './support/expect-syslog.ts';
import { markedFrame } from './support/bridge-traffic.ts';
import { renderSyslog } from '../reference-impl/syslog/catalogue.ts';
import { TracedLab } from './support/trace-verdict.ts';

const PEER = '127.0.0.2';
const HOST_MAC = '02:00:00:00:02:0a';
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

test.describe('keepalive and disconnect timers', { tag: '@timers' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('timers');
  });

  test('HELLOs ignored: keepalive declares the peer down (trace)', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, keepalive: 'on 1 2' }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' }, ['ignore-hello']);
    await p.established();
    await expectSyslog(t.lab, 'keepaliveTimerExpired', { tunnel: 1, tunnelId: deviceCcid(p) });
    // count 2: exactly two unanswered HELLOs before the router gives up (no extra one);
    // retransmissions of one HELLO carry the same Ns (RFC 3931 §4.2), so count distinct Ns.
    const hellos = new Set(p.received('HELLO').map((e) => e.ns));
    expect(hellos.size).toBe(2);
    await t.verdict();
  });

  // Not judged by the trace yet: the prediction places the harness peer's own Hellos at their nominal
  // times, and at 1 s (100 real ms at scale 10, below the 400 ms jitter budget) the peer's timer drifts
  // a whole interval under load (seen on RTX1300 and RTX810: one predicted Hello 'missing'). It needs
  // the prediction to take the peer's observed send times, or an interval past the budget (5 s: +1.5 s a device).
  test('the peer\'s HELLOs are answered: its keepalive keeps the tunnel up', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER, keepalive: 'off' }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator', keepalive: { use: true, intervalS: 1, count: 2 } });
    await p.established();
    // Three distinct HELLOs (by Ns), each acknowledged: a later message from the router carries
    // Nr past the third one's Ns (RFC 3931 §4.2: a ZLB or any message acknowledges).
    const helloNs = () => [...new Set(p.events.flatMap((e) => (e.kind === 'sent' && e.name === 'HELLO' && e.ns !== undefined ? [e.ns] : [])))];
    const acked = (ns: number) => p.received().some((r) => r.nr !== undefined && ((r.nr - ns - 1) & 0xffff) < 0x8000);
    await p.waitFor(() => (helloNs().length >= 3 && acked(helloNs()[2]) ? true : undefined), 5000, 'three HELLOs acknowledged');
    expect(p.state).toBe('established');
  });

  test('no data: the disconnect timer expires (trace)', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, disconnectTime: 2 }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    await expectSyslog(t.lab, 'disconnectTimerExpired', { tunnel: 1, tunnelId: deviceCcid(p) });
    await t.verdict();
  });

  test('data keeps the tunnel up: the disconnect timer expires only after the traffic stops', async ({ openLab }) => {
    // CR 16.3: an idle timer; everything but L2TP control messages counts as data. 6 s at the
    // lab's time scale, with a frame every tenth of it for three timer periods.
    const disconnectS = 6;
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER, disconnectTime: disconnectS }] });
    const periodMs = (disconnectS * 1000) / lab.timeScale; // a physical device runs at scale 1
    test.setTimeout(30_000 + 5 * periodMs);
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    const frames = 30;
    const sentAll = await new Promise<number>((resolve) => {
      let n = 0;
      const t = setInterval(() => {
        p.sendFrame(markedFrame(HOST_MAC, BROADCAST, `keep-busy-${n}`));
        if (++n === frames) {
          clearInterval(t);
          resolve(Date.now());
        }
      }, periodMs / 10);
    });
    const line = await lab.syslog.waitFor(renderSyslog('disconnectTimerExpired', { tunnel: 1, tunnelId: deviceCcid(p) }), 2 * periodMs + 5000);
    const at = lab.syslog.arrivals.get(line) ?? 0;
    expect(at, `the disconnect timer expired ${sentAll - at} ms before the last data frame was sent`).toBeGreaterThanOrEqual(sentAll);
  });

  // The verdicts below are whole traces (suites/support/trace-verdict.ts): every message and syslog
  // line at the oracle's virtual time, within the stated tolerance, so a timer that fires an
  // interval late, or a StopCCN with other AVPs, is a divergence.
  test('idle tunnel whose peer sends Hellos: the disconnect timer cuts it when the oracle does, with the StopCCN it predicts (trace)', async ({ openLab }) => {
    // CR 16.3: only data restarts the idle timer; the peer's Hellos (control) do not. The peer's
    // Hellos (every 6 s) stay 3 s clear of the timer (15 s), more than the harness's jitter budget,
    // so which comes first is never a race.
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, disconnectTime: 15 }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator', keepalive: { use: true, intervalS: 6, count: 5 } });
    await p.established();
    // bounded by the timer itself at the lab's time scale (a physical device runs at scale 1: 15 s)
    await t.lab.syslog.waitFor(renderSyslog('disconnectTimerExpired', { tunnel: 1, tunnelId: deviceCcid(p) }), (15_000 / t.lab.timeScale) + SYSLOG_WAIT_MS);
    await t.verdict();
  });

  test('keepalive on 2 3 with a peer that answers: the router\'s Hellos at the predicted moments (trace)', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, keepalive: 'on 2 3' }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    const hellos = () => new Set(p.received('HELLO').map((e) => e.ns)).size;
    await p.waitFor(() => (hellos() >= 3 ? true : undefined), 10_000, 'three HELLOs from the router');
    await t.verdict();
  });
});
