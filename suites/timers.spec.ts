// Keepalive and disconnect timers (`l2tp keepalive use on INTERVAL COUNT`, `l2tp tunnel disconnect
// time`; seed syslog lines). The router runs at the project's time scale, so seconds are short.
import { test, expect } from './fixtures.ts';
import { deviceCcid } from './support/ids.ts';
import { expectSyslog, SYSLOG_WAIT_MS } from './support/expect-syslog.ts';
import { markedFrame } from './support/bridge-traffic.ts';
import { renderSyslog } from '../reference-impl/syslog/catalogue.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { FrameChannel } from './support/trace-frame-channel.ts';
import type { PeerTunnel } from '../drivers/peer/peer-tunnel.ts';
import type { PeerEvent } from '../drivers/peer/peer-events.ts';

const PEER = '127.0.0.2';
const HOST_MAC = '02:00:00:00:02:0a';
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** Each Hello the peer's own keepalive sends (a new Ns; retransmissions keep theirs) becomes a peerHello step as it goes out. */
function recordPeerHellos(t: TracedLab, p: PeerTunnel): void {
  const seen = new Set<number>();
  p.on('event', (e: PeerEvent) => {
    if (e.kind !== 'sent' || e.name !== 'HELLO' || e.ns === undefined || seen.has(e.ns)) return;
    seen.add(e.ns);
    t.record({ kind: 'peerHello', peer: p.local.host });
  });
}

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

  // The peer's Hellos are the stimulus: its keepalive runs on the harness's real timers (1 s is 100
  // real ms at scale 10, and under load that timer drifts a whole interval), so each Hello is a
  // peerHello step at the moment it went out, and the prediction's peer sends its Hellos then
  // (trace-control-prediction.ts). The device's answers (an ACK per Hello) are judged against them.
  test('the peer\'s HELLOs are answered: its keepalive keeps the tunnel up', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, keepalive: 'off' }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator', keepalive: { use: true, intervalS: 1, count: 2 } });
    recordPeerHellos(t, p);
    await p.established();
    // Three distinct HELLOs (by Ns), each acknowledged: a later message from the router carries
    // Nr past the third one's Ns (RFC 3931 §4.2: a ZLB or any message acknowledges).
    const helloNs = () => [...new Set(p.events.flatMap((e) => (e.kind === 'sent' && e.name === 'HELLO' && e.ns !== undefined ? [e.ns] : [])))];
    const acked = (ns: number) => p.received().some((r) => r.nr !== undefined && ((r.nr - ns - 1) & 0xffff) < 0x8000);
    await p.waitFor(() => (helloNs().length >= 3 && acked(helloNs()[2]) ? true : undefined), 5000, 'three HELLOs acknowledged');
    expect.soft(p.state).toBe('established');
    await t.verdict();
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
    // lab's time scale, with a frame every tenth of it for three timer periods. Each frame is a
    // stimulus step at its real send time (the frame channel's data step, and peerData for the
    // control prediction), so the oracle places the expiry, the syslog line and the StopCCN.
    const disconnectS = 6;
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, disconnectTime: disconnectS }] }));
    const frames = FrameChannel.add(t);
    const periodMs = (disconnectS * 1000) / t.lab.timeScale; // a physical device runs at scale 1
    test.setTimeout(30_000 + 5 * periodMs);
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await frames.established(p);
    const count = 30;
    const sentAll = await new Promise<number>((resolve) => {
      let n = 0;
      const timer = setInterval(() => {
        frames.peerFrame(p, markedFrame(HOST_MAC, BROADCAST, `keep-busy-${n}`));
        t.record({ kind: 'peerData', peer: p.local.host });
        if (++n === count) {
          clearInterval(timer);
          resolve(Date.now());
        }
      }, periodMs / 10);
    });
    const line = await t.lab.syslog.waitFor(renderSyslog('disconnectTimerExpired', { tunnel: 1, tunnelId: deviceCcid(p) }), 2 * periodMs + 5000);
    const at = t.lab.syslog.arrivals.get(line) ?? 0;
    expect.soft(at, `the disconnect timer expired ${sentAll - at} ms before the last data frame was sent`).toBeGreaterThanOrEqual(sentAll);
    await t.verdict();
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
