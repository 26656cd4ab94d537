// The tester peer as the trace prediction plays it (drivers/trace/simulated-peer.ts): the named
// misbehaviours of the live peer, installed from the same definitions, bend what the oracle peer
// sends; what the prediction cannot play (a real-time hold, a hook pushed by hand) is refused.
import { test, expect } from '@playwright/test';
import { misbehave } from '../../../drivers/peer/misbehaviours.ts';
import { PeerTunnel } from '../../../drivers/peer/peer-tunnel.ts';
import { rawMessageType } from '../../../drivers/peer/raw-message.ts';
import { SimulatedPeer, UnmodelledPeer } from '../../../drivers/trace/simulated-peer.ts';
import { MESSAGE_TYPE as MT } from '../../../reference-impl/l2tpv3/message-types.ts';

const DEVICE = '127.0.0.1';
const livePeer = (misbehaviours: string[]) => {
  const p = new PeerTunnel({ local: { host: '127.0.0.2', port: 0 }, device: { host: DEVICE, port: 1701 }, role: 'initiator' });
  for (const m of misbehaviours) misbehave(p, m);
  return p;
};
const sent = (actions: ReturnType<SimulatedPeer['handle']>) => actions.flatMap((a) => (a.kind === 'send' ? [a.bytes] : []));

test('a misbehaviour of the live peer is played by the predicted peer: its SCCRQ goes out with header version 2', () => {
  const live = livePeer(['wrong-version=2']);
  const sim = new SimulatedPeer(live, DEVICE, ['wrong-version=2'], 7, live.outgoingHooks.length + live.incomingHooks.length);
  sim.handle({ kind: 'serviceOn' }, 0);
  const [sccrq] = sent(sim.handle({ kind: 'connect', tunnel: 1 }, 0));
  expect(sccrq[1] & 0x0f).toBe(2);
  const plain = new SimulatedPeer(livePeer([]), DEVICE, [], 7, 0);
  plain.handle({ kind: 'serviceOn' }, 0);
  const [ok] = sent(plain.handle({ kind: 'connect', tunnel: 1 }, 0));
  expect(ok[1] & 0x0f).toBe(3);
  expect(rawMessageType(ok)).toBe(MT.SCCRQ);
});

test('the predicted peer closes silently: nothing in or out after the close', () => {
  const sim = new SimulatedPeer(livePeer([]), DEVICE, [], 7, 0);
  sim.closedAtMs = 10;
  sim.handle({ kind: 'serviceOn' }, 0);
  expect(sent(sim.handle({ kind: 'connect', tunnel: 1 }, 10))).toEqual([]);
});

test('what the prediction cannot play is refused: a real-time misbehaviour, a hook pushed by hand', () => {
  expect(() => new SimulatedPeer(livePeer(['reorder']), DEVICE, ['reorder'], 7, 1)).toThrow(UnmodelledPeer);
  const live = livePeer([]);
  live.outgoingHooks.push(() => undefined);
  expect(() => new SimulatedPeer(live, DEVICE, [], 7, 1)).toThrow(/control hooks other than named misbehaviours/);
});
