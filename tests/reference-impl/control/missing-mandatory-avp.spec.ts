// A control message missing an AVP RFC 3931 §6 lists as MUST (facts §2 table): one firmware-profile
// parameter, missingMandatoryAvp, decides for every message type alike (RFC 3931 §7.1 default:
// log, clear the control connection). Each message type the router can receive is sent once
// complete (it must pass) and once without one mandatory AVP, under each value of the parameter.
import { test, expect } from '@playwright/test';
import type { ControlProfile } from '../../../reference-impl/control/control-profile.ts';
import { L2tpNode } from '../../../reference-impl/control/node.ts';
import type { NodeAction } from '../../../reference-impl/control/node-events.ts';
import { SESSION_PROFILE_ASSUMPTIONS } from '../../../reference-impl/control/session-profile-assumptions.ts';
import { avps as AV, findAvp, AVP, type Avp, type ControlMessage } from '../../../reference-impl/l2tpv3/index.ts';
import { MESSAGE_TYPE as MT, messageTypeInfo } from '../../../reference-impl/l2tpv3/message-types.ts';
import { Mulberry32 } from '../../../reference-impl/sim/prng.ts';
import { settings, syslogOf } from './harness.ts';
import { PEER, ScriptedPeer } from './scripted-peer.ts';

const PEER_SID = 0x5001;

function peerWith(profile: Partial<ControlProfile>): ScriptedPeer {
  const node = new L2tpNode({ tunnels: [{ settings: settings({ alwaysOn: false }), remoteAddress: PEER, enabled: true }], random: new Mulberry32(7), profile });
  const p = new ScriptedPeer(node);
  p.deliver({ kind: 'serviceOn' });
  return p;
}

const u32Avp = (m: ControlMessage | undefined, t: number): number => {
  const a = m && findAvp(m.avps, t);
  if (!a || a.value.kind !== 'u32') throw new Error(`no u32 AVP ${t}`);
  return a.value.value;
};

const icrqAvps = (): Avp[] => [AV.localSessionId(PEER_SID), AV.remoteSessionId(0), AV.serialNumber(1), AV.pseudowireType(5), AV.remoteEndId('pw-1'), AV.circuitStatus(1)];

/** The node is the responder of an established connection, and with `session` has an established session from our ICRQ. */
function established(p: ScriptedPeer, session: boolean): number {
  p.establish();
  if (!session) return 0;
  const nodeSid = u32Avp(p.sent(p.send(MT.ICRQ, icrqAvps()), MT.ICRP), AVP.LocalSessionId);
  p.send(MT.ICCN, [AV.localSessionId(PEER_SID), AV.remoteSessionId(nodeSid)]);
  return nodeSid;
}

/** The node dialled (connect tunnel 1); with `icrq` it also got our SCCRP and sent its ICRQ: its Session ID. */
function initiator(p: ScriptedPeer, icrq: boolean): number {
  p.deliver({ kind: 'connect', tunnel: 1 });
  if (!icrq) return 0;
  return u32Avp(p.sent(p.send(MT.SCCRP, p.sccrqAvps()), MT.ICRQ), AVP.LocalSessionId);
}

interface Case {
  type: number;
  /** The mandatory AVP left out. */
  drop: number;
  /** Brings the node to where it expects this message; returns the complete message's AVPs (after Message Type) and its CCID. */
  setUp: (p: ScriptedPeer) => { avps: Avp[]; ccid?: number };
  /** The syslog line the seed gives for it. */
  line: 'avpsCheckError' | 'remoteEndIdNotExist';
}

const CASES: Case[] = [
  { type: MT.SCCRQ, drop: AVP.HostName, line: 'avpsCheckError', setUp: (p) => ({ avps: p.sccrqAvps(), ccid: 0 }) },
  { type: MT.SCCRP, drop: AVP.PseudowireCapabilities, line: 'avpsCheckError', setUp: (p) => (initiator(p, false), { avps: p.sccrqAvps() }) },
  { type: MT.StopCCN, drop: AVP.ResultCode, line: 'avpsCheckError', setUp: (p) => (established(p, false), { avps: [AV.resultCode(1), AV.assignedControlConnectionId(p.localCcid)] }) },
  { type: MT.ICRQ, drop: AVP.SerialNumber, line: 'avpsCheckError', setUp: (p) => (established(p, false), { avps: icrqAvps() }) },
  { type: MT.ICRQ, drop: AVP.RemoteEndId, line: 'remoteEndIdNotExist', setUp: (p) => (established(p, false), { avps: icrqAvps() }) },
  { type: MT.ICRP, drop: AVP.CircuitStatus, line: 'avpsCheckError', setUp: (p) => ({ avps: [AV.localSessionId(0x6001), AV.remoteSessionId(initiator(p, true)), AV.circuitStatus(1)] }) },
  {
    type: MT.ICCN, drop: AVP.RemoteSessionId, line: 'avpsCheckError',
    setUp: (p) => {
      established(p, false);
      const nodeSid = u32Avp(p.sent(p.send(MT.ICRQ, icrqAvps()), MT.ICRP), AVP.LocalSessionId);
      return { avps: [AV.localSessionId(PEER_SID), AV.remoteSessionId(nodeSid)] };
    },
  },
  { type: MT.CDN, drop: AVP.ResultCode, line: 'avpsCheckError', setUp: (p) => ({ avps: [AV.resultCode(1), AV.localSessionId(PEER_SID), AV.remoteSessionId(established(p, true))] }) },
  { type: MT.SLI, drop: AVP.LocalSessionId, line: 'avpsCheckError', setUp: (p) => ({ avps: [AV.localSessionId(PEER_SID), AV.remoteSessionId(established(p, true)), AV.circuitStatus(1)] }) },
  { type: MT.WEN, drop: AVP.CircuitErrors, line: 'avpsCheckError', setUp: (p) => ({ avps: [AV.localSessionId(PEER_SID), AV.remoteSessionId(established(p, true)), AV.circuitErrors([0, 0, 0, 0, 0, 0])] }) },
];

const name = (t: number) => messageTypeInfo(t)?.name ?? String(t);

function run(c: Case, profile: Partial<ControlProfile>, complete: boolean) {
  const p = peerWith(profile);
  const { avps, ccid } = c.setUp(p);
  const out: NodeAction[] = p.send(c.type, complete ? avps : avps.filter((a) => a.attributeType !== c.drop), ccid);
  const stop = p.sent(out, MT.StopCCN);
  const cdn = p.sent(out, MT.CDN);
  const result = (m: ControlMessage | undefined) => {
    const a = m && findAvp(m.avps, AVP.ResultCode);
    return a && a.value.kind === 'resultCode' ? [a.value.result, a.value.error] : undefined;
  };
  return { p, out, lines: syslogOf(out).map((l) => l.id), stop: result(stop), cdn: result(cdn), state: p.node.connectionState(1), sessions: p.node.establishedSessions(1).length };
}

test('every message type with mandatory AVPs beyond Message Type is covered (RFC 3931 §6; HELLO, SCCCN and ACK have none to miss)', () => {
  const covered = new Set(CASES.map((c) => c.type));
  for (const t of [MT.SCCRQ, MT.SCCRP, MT.StopCCN, MT.ICRQ, MT.ICRP, MT.ICCN, MT.CDN, MT.WEN, MT.SLI]) expect(covered.has(t), name(t)).toBe(true);
  for (const t of [MT.HELLO, MT.SCCCN, MT.ACK]) expect(messageTypeInfo(t)!.mandatory.filter((a) => a !== AVP.MessageType)).toEqual([]);
  expect(SESSION_PROFILE_ASSUMPTIONS.missingMandatoryAvp.value, 'the default is RFC 3931 §7.1 (clear the control connection)').toBe('clear-connection');
});

for (const c of CASES) {
  const what = `${name(c.type)} without ${c.drop === AVP.HostName ? 'Host Name' : `AVP ${c.drop}`}`;

  test(`${what}: complete it passes; missing, the default clears the control connection (RFC 3931 §7.1)`, () => {
    const ok = run(c, {}, true);
    expect(ok.stop, `the complete ${name(c.type)} was refused`).toBeUndefined();
    expect(ok.lines).not.toContain(c.line);
    const bad = run(c, {}, false);
    expect(bad.lines).toContain(c.line);
    if (c.type === MT.StopCCN) {
      expect(bad.stop, 'a StopCCN is not answered with a StopCCN').toBeUndefined();
      expect(['hold', 'idle']).toContain(bad.state);
    } else {
      expect(bad.stop, 'StopCCN Result 2 / Error 3').toEqual([2, 3]);
      expect(bad.cdn).toBeUndefined();
      expect(bad.state, 'the connection no longer serves the tunnel').toBe('idle');
    }
  });

  test(`${what}: refuse-owner ends only the session a session message belongs to`, () => {
    const bad = run(c, { missingMandatoryAvp: 'refuse-owner' }, false);
    expect(bad.lines).toContain(c.line);
    const scope = messageTypeInfo(c.type)!.scope;
    if (c.type === MT.StopCCN) expect(['hold', 'idle']).toContain(bad.state);
    else if (scope === 'connection') expect(bad.stop).toEqual([2, 3]);
    else {
      expect(bad.stop, 'no StopCCN for a session message').toBeUndefined();
      expect(bad.state).toBe('established');
      expect(bad.sessions).toBe(0);
      // a CDN answers anything but a CDN (that one only ends its session)
      if (c.type === MT.CDN) expect(bad.cdn).toBeUndefined();
      else expect(bad.cdn).toEqual(c.drop === AVP.RemoteEndId ? [2, 6] : [2, 3]);
    }
  });

  test(`${what}: accept processes it as if complete`, () => {
    const ok = run(c, { missingMandatoryAvp: 'accept' }, true);
    const bad = run(c, { missingMandatoryAvp: 'accept' }, false);
    if (c.drop === AVP.RemoteEndId) {
      // the `l2tp remote end-id` check still needs the value: the seed's line and a CDN (session.ts icrqProblem)
      expect(bad.lines).toContain('remoteEndIdNotExist');
      expect(bad.stop).toBeUndefined();
      return;
    }
    expect(bad.lines).not.toContain(c.line);
    expect(bad.stop).toEqual(ok.stop);
    expect(bad.state).toBe(ok.state);
    expect(bad.p.sentTypes(bad.out)).toEqual(ok.p.sentTypes(ok.out));
  });
}
