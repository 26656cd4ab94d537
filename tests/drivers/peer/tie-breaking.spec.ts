// Issue 7 point 2: tie breaking both ways against the emulated router. The peer answers the
// router's SCCRQ (or ICRQ) with its own, carrying a chosen Tie Breaker: all zero makes the router
// lose, all 0xff makes it win (RFC 3931 §5.4.3 / §5.4.4: the lower value wins; facts §4.2). The
// surviving control connection / session must be the winner's, and the router must log the
// seed's "tie breaking" line naming the loser.
import { test, expect } from '@playwright/test';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { deviceCcid, deviceSessionId, peerCcid, peerSessionId } from './helpers/ids.ts';
import { openPeerLab } from './helpers/open-lab.ts';

import { distinctMessages } from './helpers/distinct-messages.ts';

const PEER = '127.0.0.2';

async function tieLab(misbehaviour: string) {
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: PEER, alwaysOn: true }] });
  const peer = await lab.peer(PEER, { role: 'responder' }, [misbehaviour]);
  await lab.startRouter();
  const layout = await peer.established();
  expect(peer.errors).toEqual([]); // the steered tie breaker went out as chosen
  return { lab, peer, layout };
}

test('simultaneous SCCRQ, the router wins (our tie breaker is all 0xff): its connection survives, ours is refused', async () => {
  const { lab, peer } = await tieLab('simultaneous-sccrq=high');
  try {
    const ours = peerCcid(peer);
    const theirs = deviceCcid(peer);
    await lab.syslog.waitFor(renderSyslog('tieBreakingTunnel', { tunnelId: ours }));
    // The winner answers the losing SCCRQ with a StopCCN addressed to it (3931 §5.4.3).
    expect(peer.received('StopCCN').some((e) => e.ccid === ours)).toBe(true);
    // The survivor is the router's connection: we answered its SCCRQ with an SCCRP from a new CCID.
    expect(peer.remoteCcid).toBe(theirs);
    expect(peer.localCcid).not.toBe(ours);
    expect(peer.events.some((e) => e.kind === 'sent' && e.name === 'SCCRP')).toBe(true);
    expect(peer.received('SCCRP')).toHaveLength(0);
    await lab.syslog.waitFor(renderSyslog('tunnelEstablished', { tunnel: 1, tunnelId: theirs }));
  } finally {
    await lab.close(test.info());
  }
});

test('simultaneous SCCRQ, the router loses (our tie breaker is all zero): our connection survives, its own is discarded', async () => {
  const { lab, peer } = await tieLab('simultaneous-sccrq=low');
  try {
    const ours = peerCcid(peer);
    const theirs = deviceCcid(peer);
    // The loser discards its own attempt and logs it (seed: tie breaking tunnel <its CCID>).
    await lab.syslog.waitFor(renderSyslog('tieBreakingTunnel', { tunnelId: theirs }));
    // The survivor is ours: the router answered our SCCRQ with an SCCRP to our CCID.
    expect(peer.localCcid).toBe(ours);
    expect(peer.received('SCCRP').every((e) => e.ccid === ours)).toBe(true);
    expect(distinctMessages(peer.received('SCCRP')), 'one SCCRP, however often it was retransmitted').toBe(1);
    expect(peer.remoteCcid).not.toBe(theirs);
    // We, the winner, refused its SCCRQ with a StopCCN to its CCID.
    expect(peer.events.some((e) => e.kind === 'sent' && e.name === 'StopCCN' && e.ccid === theirs)).toBe(true);
    await lab.syslog.waitFor(renderSyslog('tunnelEstablished', { tunnel: 1, tunnelId: peer.remoteCcid! }));
  } finally {
    await lab.close(test.info());
  }
});

test('simultaneous ICRQ, the router wins: its session survives, ours gets a CDN', async () => {
  const { lab, peer, layout } = await tieLab('simultaneous-icrq=high');
  try {
    const ours = peerSessionId(peer);
    const theirs = deviceSessionId(peer);
    await lab.syslog.waitFor(renderSyslog('tieBreakingSession', { sessionId: ours }));
    // 3931 §5.4.4: the loser's ICRQ is answered with a CDN (Result Code 13 "lost tie breaker").
    expect(peer.received('CDN').some((e) => e.result?.result === 13)).toBe(true);
    expect(layout.remoteSessionId).toBe(theirs);
    expect(layout.localSessionId).not.toBe(ours);
    await lab.syslog.waitFor(renderSyslog('sessionEstablished', { tunnel: 1, sessionId: theirs }));
  } finally {
    await lab.close(test.info());
  }
});

test('simultaneous ICRQ, the router loses: our session survives, it answers with an ICRP', async () => {
  const { lab, peer, layout } = await tieLab('simultaneous-icrq=low');
  try {
    const ours = peerSessionId(peer);
    const theirs = deviceSessionId(peer);
    await lab.syslog.waitFor(renderSyslog('tieBreakingSession', { sessionId: theirs }));
    expect(layout.localSessionId).toBe(ours);
    expect(distinctMessages(peer.received('ICRP')), 'one ICRP, however often it was retransmitted').toBe(1);
    // We, the winner, sent the CDN 13 for its ICRQ.
    expect(peer.events.some((e) => e.kind === 'sent' && e.name === 'CDN' && e.result?.result === 13)).toBe(true);
    await lab.syslog.waitFor(renderSyslog('sessionEstablished', { tunnel: 1, sessionId: layout.remoteSessionId }));
  } finally {
    await lab.close(test.info());
  }
});
