// Tie-breaking (RFC 3931 §5.4.3 / §5.4.4: the lower Tie Breaker wins). The peer answers the router's
// SCCRQ (or ICRQ) with its own, carrying an all-zero (router loses) or all-0xff (router wins) value.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): the crossing
// messages, which connection or session the device keeps, the StopCCN/CDN it sends and its syslog
// lines, against the oracle's prediction with the same misbehaving peer; the assertions are summaries.
import { test, expect } from './fixtures.ts';
import { deviceCcid, deviceSessionId, peerCcid, peerSessionId } from './support/ids.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import type { DeviceLab } from './support/device-lab.ts';
import { TracedLab } from './support/trace-verdict.ts';
import type { PeerTunnel } from '../drivers/peer/peer-tunnel.ts';

const PEER = '127.0.0.2';

async function tie(openLab: (o: { tunnels: { n: number; peer: string; alwaysOn: boolean }[] }) => Promise<DeviceLab>, misbehaviour: string): Promise<{ t: TracedLab; lab: DeviceLab; peer: PeerTunnel }> {
  const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, alwaysOn: true }] }));
  const peer = await t.peer(PEER, { role: 'responder' }, [misbehaviour]);
  await t.startRouter();
  await peer.established();
  expect(peer.errors, 'the steered tie breaker went out as chosen').toEqual([]);
  return { t, lab: t.lab, peer };
}

test.describe('tie-breaking', { tag: '@tie-break' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('tie-breaking');
  });

  test('simultaneous SCCRQ, the router wins: its connection survives, ours is refused', async ({ openLab }) => {
    const { t, lab, peer } = await tie(openLab, 'simultaneous-sccrq=high');
    const ours = peerCcid(peer);
    await expectSyslog(lab, 'tieBreakingTunnel', { tunnelId: ours });
    expect(peer.received('StopCCN').some((e) => e.ccid === ours)).toBe(true);
    expect(peer.remoteCcid).toBe(deviceCcid(peer));
    await t.verdict();
  });

  test('simultaneous SCCRQ, the router loses: our connection survives, its own is discarded', async ({ openLab }) => {
    const { t, lab, peer } = await tie(openLab, 'simultaneous-sccrq=low');
    await expectSyslog(lab, 'tieBreakingTunnel', { tunnelId: deviceCcid(peer) });
    expect(peer.localCcid).toBe(peerCcid(peer));
    expect(peer.received('SCCRP')).toHaveLength(1);
    await t.verdict();
  });

  test('simultaneous ICRQ, the router wins: its session survives, ours gets CDN 13', async ({ openLab }) => {
    const { t, lab, peer } = await tie(openLab, 'simultaneous-icrq=high');
    await expectSyslog(lab, 'tieBreakingSession', { sessionId: peerSessionId(peer) });
    expect(peer.received('CDN').some((e) => e.result?.result === 13)).toBe(true);
    expect(peer.session?.remoteSessionId).toBe(deviceSessionId(peer));
    await t.verdict();
  });

  test('simultaneous ICRQ, the router loses: our session survives', async ({ openLab }) => {
    const { t, lab, peer } = await tie(openLab, 'simultaneous-icrq=low');
    await expectSyslog(lab, 'tieBreakingSession', { sessionId: deviceSessionId(peer) });
    expect(peer.session?.localSessionId).toBe(peerSessionId(peer));
    expect(peer.received('ICRP')).toHaveLength(1);
    await t.verdict();
  });
});
