// Issue 3, point 3: every message of the seed's syslog catalogue (SYSLOGメッセージ一覧) is
// produced by the event it describes, with the exact text, TUNNEL[XX] number and level.
// The last test fails if a catalogue entry was provoked by none of the tests above it.
import { test, expect } from '@playwright/test';
import { SYSLOG_CATALOGUE, renderSyslog, type SyslogArgs, type SyslogId } from '../../../reference-impl/syslog/catalogue.ts';
import { NOT_PRODUCED_BY_CONTROL_PLANE } from '../../../reference-impl/control/syslog-gate.ts';
import type { NodeAction } from '../../../reference-impl/control/node-events.ts';
import { AVP, MESSAGE_TYPE as MT, avps as AV, findAvp, type ControlMessage } from '../../../reference-impl/l2tpv3/index.ts';
import type { Simulation } from '../../../reference-impl/sim/simulator.ts';
import { A, B, bothUp, makePair, sentMessages, start } from './harness.ts';
import { ScriptedPeer } from './scripted-peer.ts';

test.describe.configure({ mode: 'serial' });

const provoked = new Set<SyslogId>();

/** Asserts that `id` was logged with exactly the catalogue text for `args` and its level. */
function expectSyslog(lines: readonly { id: string; level: string; text: string }[], id: SyslogId, args: SyslogArgs = {}): void {
  const hit = lines.filter((l) => l.id === id);
  expect(hit.length, `expected a ${id} line`).toBeGreaterThan(0);
  expect(hit.map((l) => l.text)).toContain(renderSyslog(id, args));
  expect(hit[0].level).toBe(SYSLOG_CATALOGUE[id].level);
  provoked.add(id);
}
const linesOf = (actions: readonly NodeAction[]) => actions.flatMap((a) => (a.kind === 'syslog' ? [a] : []));
const simLines = (sim: Simulation, node: string) => sim.syslog(node);
function u32(m: ControlMessage | undefined, t: number): number {
  const a = m && findAvp(m.avps, t);
  if (!a || a.value.kind !== 'u32') throw new Error(`AVP ${t} missing`);
  return a.value.value;
}
/** The node's own CCID as it announced it on the wire. */
function announcedCcid(sim: Simulation, node: string): number {
  return u32(sentMessages(sim, node).find((m) => m.type === MT.SCCRQ || m.type === MT.SCCRP)?.msg, AVP.AssignedControlConnectionId);
}
function announcedSid(sim: Simulation, node: string): number {
  return u32(sentMessages(sim, node).find((m) => m.type === MT.ICRQ || m.type === MT.ICRP)?.msg, AVP.LocalSessionId);
}

test('l2tp service on / off: opend port 1701/udp, closed port 1701/udp', () => {
  const p = ScriptedPeer.withNode();
  expectSyslog(linesOf(p.actions), 'portOpened');
  expectSyslog(linesOf(p.deliver({ kind: 'serviceOff' })), 'portClosed');
});

test('a normal bring-up: connect to, connected from, tunnel N established, session N established', () => {
  const { sim, a, b } = makePair({ seed: 21 });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  expectSyslog(simLines(sim, A), 'connectTo', { tunnel: 1, address: B });
  expectSyslog(simLines(sim, B), 'connectedFrom', { tunnel: 1, address: A });
  for (const n of [A, B]) {
    expectSyslog(simLines(sim, n), 'tunnelEstablished', { tunnel: 1, tunnelId: announcedCcid(sim, n) });
    expectSyslog(simLines(sim, n), 'sessionEstablished', { tunnel: 1, sessionId: announcedSid(sim, n) });
  }
});

test('TUNNEL[XX] is the tunnel interface number, whatever the CCID', () => {
  const { sim, a, b } = makePair({ seed: 22, a: { tunnel: 7 }, b: { tunnel: 12 } });
  start(sim);
  expect(sim.runUntilTrue(() => a.connectionState(7) === 'established' && b.connectionState(12) === 'established', 10_000)).toBe(true);
  expectSyslog(simLines(sim, A), 'connectTo', { tunnel: 7, address: B });
  expectSyslog(simLines(sim, B), 'connectedFrom', { tunnel: 12, address: A });
});

test('disconnect tunnel N: disconnecting tunnel, disconnect session complete, disconnect tunnel complete on both ends', () => {
  const { sim, a, b } = makePair({ seed: 23 });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  sim.inject(A, { kind: 'disconnect', tunnel: 1 });
  sim.runFor(5_000);
  for (const n of [A, B]) {
    const ccid = announcedCcid(sim, n);
    expectSyslog(simLines(sim, n), 'disconnectingTunnel', { tunnel: 1, tunnelId: ccid });
    expectSyslog(simLines(sim, n), 'sessionDisconnectComplete', { tunnel: 1, sessionId: announcedSid(sim, n) });
    expectSyslog(simLines(sim, n), 'tunnelDisconnectComplete', { tunnel: 1, tunnelId: ccid });
  }
  expect(a.connectionState(1)).toBe('idle');
  expect(b.connectionState(1)).toBe('idle');
});

test('no reply to the SCCRQ: state timer for waiting SCCRP expired', () => {
  const { sim } = makePair({ seed: 24, channel: { loss: 1, duplicate: 0, minDelayMs: 5, maxDelayMs: 5 } });
  start(sim);
  sim.runFor(120_000);
  expectSyslog(simLines(sim, A), 'stateTimerExpired', { tunnel: 1, message: 'SCCRP' });
});

test('idle tunnel: disconnect timer expired; silent peer: keepalive timer expired', () => {
  const idle = makePair({ seed: 25, a: { disconnectTimeS: 30 } });
  start(idle.sim);
  idle.sim.runFor(40_000);
  expectSyslog(simLines(idle.sim, A), 'disconnectTimerExpired', { tunnel: 1, tunnelId: announcedCcid(idle.sim, A) });
  const silent = makePair({ seed: 26 });
  start(silent.sim);
  silent.sim.runFor(1_000);
  silent.sim.linkOneWay(B, A, { loss: 1, duplicate: 0, minDelayMs: 5, maxDelayMs: 5 });
  silent.sim.runFor(120_000);
  expectSyslog(simLines(silent.sim, A), 'keepaliveTimerExpired', { tunnel: 1, tunnelId: announcedCcid(silent.sim, A) });
});

test('wrong tunnel password (digest): authentication error', () => {
  const { sim } = makePair({ seed: 27, a: { auth: { enabled: true, password: 'one' } }, b: { auth: { enabled: true, password: 'two' } }, profile: { tunnelAuthMethod: 'digest' } });
  start(sim);
  sim.runFor(3_000);
  const stop = sentMessages(sim, B).find((m) => m.type === MT.StopCCN)?.msg;
  expectSyslog(simLines(sim, B), 'authenticationError', { tunnel: 1, tunnelId: u32(stop, AVP.AssignedControlConnectionId) });
});

test('SCCRQ from an address no tunnel points at: can\'t find tunnel number', () => {
  const p = ScriptedPeer.withNode();
  const stranger = new ScriptedPeer(p.node, '198.18.0.99');
  const out = stranger.send(MT.SCCRQ, stranger.sccrqAvps(), 0);
  expectSyslog(linesOf(out), 'cantFindTunnel');
  expect(p.sentTypes(out)).toEqual([]);
});

test('router-id and end-id problems: router-id mismatched tunnel, remote end-id not exist, remote end-id mismatched', () => {
  const rid = makePair({ seed: 28, b: { remoteRouterId: '10.1.1.1' } });
  start(rid.sim);
  rid.sim.runFor(3_000);
  expectSyslog(simLines(rid.sim, B), 'routerIdMismatched');
  const missing = makePair({ seed: 29, a: { remoteEndId: undefined } });
  start(missing.sim);
  missing.sim.runFor(3_000);
  expectSyslog(simLines(missing.sim, B), 'remoteEndIdNotExist');
  const wrong = makePair({ seed: 30, a: { remoteEndId: 'x' }, b: { remoteEndId: 'y' } });
  start(wrong.sim);
  wrong.sim.runFor(3_000);
  expectSyslog(simLines(wrong.sim, B), 'remoteEndIdMismatched');
});

test('out-of-sequence messages: tunnel state mismatch SCCRP, session state mismatch ICCN', () => {
  const p = ScriptedPeer.withNode();
  p.send(MT.SCCRQ, p.sccrqAvps(), 0);
  // An SCCRP where the node (a responder in wait-ctl-conn) expects an SCCCN.
  const out = p.send(MT.SCCRP, p.sccrqAvps());
  expectSyslog(linesOf(out), 'tunnelStateMismatch', { message: 'SCCRP' });
  expect(p.sentTypes(out)).toContain(MT.StopCCN);

  const q = ScriptedPeer.withNode(2);
  q.establish();
  // An ICCN for a session the node never heard of.
  const out2 = q.send(MT.ICCN, [AV.localSessionId(77), AV.remoteSessionId(12345)]);
  expectSyslog(linesOf(out2), 'sessionStateMismatch', { message: 'ICCN' });
});

test('simultaneous open: tie breaking tunnel and tie breaking session', () => {
  const { sim, a, b } = makePair({ seed: 31, b: { alwaysOn: true }, profile: { sessionInitiator: 'both' } });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  sim.runFor(2_000);
  const lines = [...simLines(sim, A), ...simLines(sim, B)];
  const tunnelTie = lines.find((l) => l.id === 'tieBreakingTunnel');
  const sessionTie = lines.find((l) => l.id === 'tieBreakingSession');
  // The number is the losing attempt's ID, one of the two SCCRQ / ICRQ IDs on the wire.
  const sccrqIds = [A, B].map((n) => u32(sentMessages(sim, n).find((m) => m.type === MT.SCCRQ)?.msg, AVP.AssignedControlConnectionId));
  const icrqIds = [A, B].map((n) => u32(sentMessages(sim, n).find((m) => m.type === MT.ICRQ)?.msg, AVP.LocalSessionId));
  const tunnelId = sccrqIds.find((id) => tunnelTie?.text === renderSyslog('tieBreakingTunnel', { tunnelId: id }));
  const sessionId = icrqIds.find((id) => sessionTie?.text === renderSyslog('tieBreakingSession', { sessionId: id }));
  expect(tunnelId).toBeDefined();
  expect(sessionId).toBeDefined();
  expectSyslog(lines, 'tieBreakingTunnel', { tunnelId: tunnelId! });
  expectSyslog(lines, 'tieBreakingSession', { sessionId: sessionId! });
});

test('unknown mandatory AVP: AVP attr type illegal, answered by StopCCN 2/8', () => {
  const p = ScriptedPeer.withNode();
  const unknown = { mandatory: true, hidden: false, vendorId: 0, attributeType: 250, value: { kind: 'opaque' as const, value: Uint8Array.of(1, 2), reason: 'unknown-type' as const } };
  const out = p.send(MT.SCCRQ, p.sccrqAvps([unknown]), 0);
  expectSyslog(linesOf(out), 'avpAttrTypeIllegal');
  const stop = p.sent(out, MT.StopCCN);
  const rc = stop && findAvp(stop.avps, AVP.ResultCode)?.value;
  expect(rc).toMatchObject({ kind: 'resultCode', result: 2, error: 8 }); // 3931 §5.2
});

test('bad bytes: receive wrong header, wrong version header, too small packet, AVPs check error', () => {
  const p = ScriptedPeer.withNode();
  // T set but L and S clear: not a valid v3 control header (3931 §3.2.1).
  expectSyslog(linesOf(p.raw(Uint8Array.of(0x80, 0x03, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0))), 'wrongHeader');
  // An L2TPv2 control header (Ver = 2).
  expectSyslog(linesOf(p.raw(Uint8Array.of(0xc8, 0x02, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0))), 'wrongVersionHeader', { version: 2 });
  // Six octets: fewer than the 12-octet control header.
  expectSyslog(linesOf(p.raw(Uint8Array.of(0xc8, 0x03, 0, 12, 0, 0))), 'tooSmallPacket', { size: 6 });
  // An AVP whose length field (3) is below the 6-octet AVP header.
  expectSyslog(linesOf(p.raw(Uint8Array.of(0xc8, 0x03, 0, 18, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x03, 0, 0, 0, 0))), 'avpsCheckError');
});

test('DEBUG lines stay quiet without l2tp syslog; INFO lines do not', () => {
  const { sim } = makePair({ seed: 32, a: { syslog: false }, b: { syslog: false, remoteRouterId: '10.1.1.1' } });
  start(sim);
  sim.runFor(3_000);
  expect(simLines(sim, B).filter((l) => l.level === 'DEBUG')).toEqual([]);
  expect(simLines(sim, B).some((l) => l.id === 'connectedFrom')).toBe(true);
});

test('every catalogue entry is provoked by a test above (or listed as not produced by the control plane, with a reason)', () => {
  const missing = (Object.keys(SYSLOG_CATALOGUE) as SyslogId[]).filter((id) => !provoked.has(id) && !NOT_PRODUCED_BY_CONTROL_PLANE[id]);
  expect(missing).toEqual([]);
  for (const [id, reason] of Object.entries(NOT_PRODUCED_BY_CONTROL_PLANE)) expect(reason, id).toMatch(/\w{10,}/);
});
