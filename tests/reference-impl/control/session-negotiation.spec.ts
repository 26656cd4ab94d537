// Session details: cookie and L2-Specific Sublayer negotiation per direction (3931 §5.4.4,
// facts §1.4, §1.5), refusals with their CDN result codes, StopCCN hold (3931 §3.3.2),
// `connect tunnel N` without always-on, and always-on reconnecting.
import { test, expect } from '@playwright/test';
import { AVP, MESSAGE_TYPE as MT, PW_TYPE, avps as AV, findAvp, type ControlMessage } from '../../../reference-impl/l2tpv3/index.ts';
import { A, B, bothUp, makePair, sentMessages, start } from './harness.ts';
import { ScriptedPeer } from './scripted-peer.ts';

function resultOf(m: ControlMessage | undefined): unknown {
  return m && findAvp(m.avps, AVP.ResultCode)?.value;
}

test('cookies and L2SS are negotiated per direction: each end sends what the other assigned', () => {
  const { sim, a, b } = makePair({ seed: 3, profile: { cookieLength: 8, l2ssOffered: 1 }, profileB: { cookieLength: 4, l2ssOffered: 0 } });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  const la = a.establishedSessions(1)[0];
  const lb = b.establishedSessions(1)[0];
  const icrq = sentMessages(sim, A).find((m) => m.type === MT.ICRQ)!.msg;
  const icrp = sentMessages(sim, B).find((m) => m.type === MT.ICRP)!.msg;
  const cookieA = findAvp(icrq.avps, AVP.AssignedCookie)!.value;
  const cookieB = findAvp(icrp.avps, AVP.AssignedCookie)!.value;
  if (cookieA.kind !== 'octets' || cookieB.kind !== 'octets') throw new Error('cookies missing');
  expect(cookieA.value.length).toBe(8);
  expect(cookieB.value.length).toBe(4);
  // The Assigned Cookie A sent is what B puts on data to A (facts §1.4 direction trap).
  expect(Buffer.from(lb.txCookie)).toEqual(Buffer.from(cookieA.value));
  expect(Buffer.from(la.rxCookie)).toEqual(Buffer.from(cookieA.value));
  expect(Buffer.from(la.txCookie)).toEqual(Buffer.from(cookieB.value));
  expect(la.rxLayout).toEqual({ cookieLength: 8, l2ss: 'default' });
  expect(la.txLayout).toEqual({ cookieLength: 4, l2ss: 'none' });
  expect(lb.rxLayout).toEqual(la.txLayout);
  expect(lb.txLayout).toEqual(la.rxLayout);
  expect(la.pseudowireType).toBe(PW_TYPE.Ethernet);
});

test('an ICRQ for an unsupported pseudowire type is refused with CDN 14; sequencing without an L2SS with CDN 15', () => {
  const p = ScriptedPeer.withNode();
  p.establish();
  const base = (pw: number) => [AV.localSessionId(501), AV.remoteSessionId(0), AV.serialNumber(1), AV.pseudowireType(pw), AV.remoteEndId('pw-1'), AV.circuitStatus(1)];
  const out = p.send(MT.ICRQ, base(PW_TYPE.EthernetVlan));
  expect(resultOf(p.sent(out, MT.CDN))).toMatchObject({ result: 14 });
  const out2 = p.send(MT.ICRQ, [...base(PW_TYPE.Ethernet), AV.l2SpecificSublayer(0), AV.dataSequencing(2)]);
  expect(resultOf(p.sent(out2, MT.CDN))).toMatchObject({ result: 15 });
  const out3 = p.send(MT.ICRQ, [...base(PW_TYPE.Ethernet), AV.l2SpecificSublayer(1), AV.dataSequencing(2)]);
  expect(p.sentTypes(out3)).toContain(MT.ICRP);
});

test('after a StopCCN the node re-acknowledges its retransmission for at least 31 s, then forgets the connection', () => {
  const p = ScriptedPeer.withNode();
  p.establish();
  const stop = [AV.resultCode(1), AV.assignedControlConnectionId(p.localCcid)];
  const ns = p.ns;
  const first = p.send(MT.StopCCN, stop);
  const stopAt = p.now;
  expect(p.sentTypes(first)).toContain(MT.ACK);
  // The same StopCCN again (our ACK "was lost"), 30 s later: still acknowledged.
  p.ns = ns;
  p.now += 30_000;
  const again = p.send(MT.StopCCN, stop);
  expect(p.sentTypes(again)).toContain(MT.ACK);
  expect(p.node.connectionState(1)).toBe('idle');
  // The hold ends no earlier than 31 s after the StopCCN (3931 §3.3.2).
  const hold = p.actions.filter((x) => x.kind === 'setTimer' && x.id.endsWith(':hold')).at(-1);
  if (!hold || hold.kind !== 'setTimer') throw new Error('no hold timer');
  expect(hold.atMs - stopAt).toBeGreaterThanOrEqual(31_000);
  p.now = hold.atMs;
  p.deliver({ kind: 'timer', id: hold.id });
  p.ns = ns;
  const late = p.send(MT.StopCCN, stop);
  expect(p.sentTypes(late)).toEqual([]);
});

test('always-on off: nothing happens until connect tunnel N; disconnect tunnel N stops always-on from reconnecting', () => {
  const { sim, a, b } = makePair({ seed: 4, a: { alwaysOn: false } });
  start(sim);
  sim.runFor(30_000);
  expect(sentMessages(sim, A)).toHaveLength(0);
  sim.inject(A, { kind: 'connect', tunnel: 1 });
  expect(sim.runUntilTrue(() => bothUp(a, b), sim.now + 10_000)).toBe(true);
  sim.inject(A, { kind: 'disconnect', tunnel: 1 });
  sim.runFor(120_000);
  expect(a.connectionState(1)).toBe('idle');
  expect(sentMessages(sim, A).filter((m) => m.type === MT.SCCRQ)).toHaveLength(1);
});

test('always-on: after the peer clears the tunnel, the node connects again', () => {
  const { sim, a, b } = makePair({ seed: 5 });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  sim.inject(B, { kind: 'disconnect', tunnel: 1 });
  sim.runFor(1_000);
  expect(a.connectionState(1)).not.toBe('established');
  expect(sim.runUntilTrue(() => bothUp(a, b), sim.now + 120_000)).toBe(true);
  expect(sentMessages(sim, A).filter((m) => m.type === MT.SCCRQ).length).toBe(2);
});

test('l2tp service off clears every connection with a StopCCN and closes the port: later packets are ignored', () => {
  const { sim, a, b } = makePair({ seed: 6 });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  const out = sim.inject(B, { kind: 'serviceOff' });
  expect(out.some((x) => x.kind === 'send')).toBe(true);
  expect(b.connectionState(1)).toBe('idle');
  sim.runFor(60_000);
  expect(b.connectionState(1)).toBe('idle');
  expect(sim.syslog(B).filter((l) => l.t > sim.now - 59_000)).toEqual([]);
});
