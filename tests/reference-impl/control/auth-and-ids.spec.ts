// Issue 3, point 5: `l2tp tunnel auth` with both wire methods (facts §3.7, §3.8); router-id
// (CR 16.9/16.10) and end-id (CR 16.11) checks with their seed DEBUG lines.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { AVP, MESSAGE_TYPE, findAvp, verifyControlMessage, challengeResponse } from '../../../reference-impl/l2tpv3/index.ts';
import { renderSyslog, SYSLOG_CATALOGUE, type SyslogId } from '../../../reference-impl/syslog/catalogue.ts';
import { A, B, bothUp, makePair, sentMessages, start, MODEL } from './harness.ts';
import type { Simulation } from '../../../reference-impl/sim/simulator.ts';

const password = fc.string({ minLength: 1, maxLength: 32, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_!') });
const METHODS = ['challenge', 'digest'] as const;

function expectLine(sim: Simulation, node: string, id: SyslogId, args: Record<string, string | number> = {}): void {
  const lines = sim.syslog(node).filter((l) => l.id === id);
  expect(lines.length, `${node} logs ${id}`).toBeGreaterThan(0);
  expect(lines[0].text).toBe(renderSyslog(id, args));
  expect(lines[0].level).toBe(SYSLOG_CATALOGUE[id].level);
}

for (const method of METHODS) {
  test(`auth (${method}): matching passwords establish tunnel and session`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), password, (seed, pw) => {
        const auth = { enabled: true, password: pw };
        const { sim, a, b } = makePair({ seed, a: { auth }, b: { auth }, profile: { tunnelAuthMethod: method } });
        start(sim);
        expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
        const msgs = sentMessages(sim, A);
        if (method === 'digest') {
          // Every message carries a digest that verifies with the shared secret (3931 §4.3).
          const sccrq = msgs.find((m) => m.type === MESSAGE_TYPE.SCCRQ)!;
          expect(verifyControlMessage(sccrq.bytes, 'udp', pw)).toBe('valid');
          expect(msgs.every((m) => findAvp(m.msg.avps, AVP.MessageDigest))).toBe(true);
          expect(msgs.some((m) => m.msg.avps.length === 0)).toBe(false); // no ZLB with authentication (3931 §6.15)
        } else {
          // The SCCCN answers B's challenge with MD5(3 | secret | challenge) (RFC 2661 §4.4.3).
          const sccrp = sentMessages(sim, B).find((m) => m.type === MESSAGE_TYPE.SCCRP)!.msg;
          const ch = findAvp(sccrp.avps, AVP.Challenge)!.value;
          const resp = findAvp(msgs.find((m) => m.type === MESSAGE_TYPE.SCCCN)!.msg.avps, AVP.ChallengeResponse)!.value;
          if (ch.kind !== 'octets' || resp.kind !== 'octets') throw new Error('challenge AVPs missing');
          expect(Buffer.from(resp.value)).toEqual(Buffer.from(challengeResponse(3, pw, ch.value)));
        }
        // The password never appears in a log line.
        for (const n of [A, B]) for (const l of sim.syslog(n)) expect(l.text.includes(pw) && pw.length > 3).toBe(false);
      }),
      { numRuns: 30 },
    );
  });

  test(`auth (${method}): mismatched passwords log authentication error and tear down`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), password, password, (seed, pa, pb) => {
        fc.pre(pa !== pb);
        const { sim, a, b } = makePair({ seed, a: { auth: { enabled: true, password: pa } }, b: { auth: { enabled: true, password: pb } }, profile: { tunnelAuthMethod: method } });
        start(sim);
        sim.runFor(5_000);
        expect(a.connectionState(1)).not.toBe('established');
        expect(b.connectionState(1)).not.toBe('established');
        for (const n of [A, B]) expect(sim.syslog(n).some((l) => l.id === 'tunnelEstablished'), n).toBe(false);
        // The side that detects the mismatch logs it with its own tunnel ID.
        const detector = method === 'digest' ? B : A;
        // ... and clears the connection with a StopCCN (Result 4, not authorised), which names
        // the detector's own CCID in its Assigned CCID AVP (3931 §6.4).
        const stop = sentMessages(sim, detector).find((m) => m.type === MESSAGE_TYPE.StopCCN)!.msg;
        const own = findAvp(stop.avps, AVP.AssignedControlConnectionId)!.value;
        const rc = findAvp(stop.avps, AVP.ResultCode)!.value;
        expect(rc.kind === 'resultCode' && rc.result).toBe(4);
        expectLine(sim, detector, 'authenticationError', { tunnel: 1, tunnelId: own.kind === 'u32' ? own.value : -1 });
      }),
      { numRuns: 30 },
    );
  });
}

test('auth on one side only: the tunnel is refused with authentication error', () => {
  const { sim, a, b } = makePair({ seed: 11, a: { auth: { enabled: true, password: MODEL } } });
  start(sim);
  sim.runFor(5_000);
  expect(a.connectionState(1)).not.toBe('established');
  expect(b.connectionState(1)).not.toBe('established');
  expect(sim.syslog(B).some((l) => l.id === 'authenticationError') || sim.syslog(A).some((l) => l.id === 'authenticationError')).toBe(true);
});

test('router-id mismatch: the responder logs router-id mismatched tunnel and refuses the tunnel', () => {
  const { sim, a, b } = makePair({ seed: 5, a: { localRouterId: '10.0.0.1', remoteRouterId: '10.0.0.2' }, b: { localRouterId: '10.0.0.2', remoteRouterId: '10.9.9.9' } });
  start(sim);
  sim.runFor(5_000);
  expectLine(sim, B, 'routerIdMismatched');
  expect(a.connectionState(1)).not.toBe('established');
  expect(b.connectionState(1)).not.toBe('established');
  expect(sentMessages(sim, B).some((m) => m.type === MESSAGE_TYPE.StopCCN)).toBe(true);
});

test('router-ids that match each other establish', () => {
  const { sim, a, b } = makePair({ seed: 5, a: { localRouterId: '10.0.0.1', remoteRouterId: '10.0.0.2' }, b: { localRouterId: '10.0.0.2', remoteRouterId: '10.0.0.1' } });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
});

test('end-id mismatch: the ICRQ recipient logs remote end-id mismatched and refuses the session with a CDN', () => {
  const { sim, a, b } = makePair({ seed: 9, a: { remoteEndId: 'site-a' }, b: { remoteEndId: 'site-b' } });
  start(sim);
  sim.runFor(5_000);
  expectLine(sim, B, 'remoteEndIdMismatched');
  expect(a.connectionState(1)).toBe('established'); // the tunnel stays; the session is refused
  expect(a.establishedSessions(1)).toHaveLength(0);
  expect(b.establishedSessions(1)).toHaveLength(0);
  expect(sentMessages(sim, B).some((m) => m.type === MESSAGE_TYPE.CDN)).toBe(true);
});

test('end-id missing from the ICRQ: the recipient logs remote end-id not exist and refuses the session', () => {
  const { sim, a, b } = makePair({ seed: 9, a: { remoteEndId: undefined } });
  start(sim);
  sim.runFor(5_000);
  expectLine(sim, B, 'remoteEndIdNotExist');
  expect(b.establishedSessions(1)).toHaveLength(0);
  expect(a.establishedSessions(1)).toHaveLength(0);
});
