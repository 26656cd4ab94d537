// Issue 3, point 2: simultaneous open. Exactly one control connection survives, the one the
// tie-breaker rule picks (RFC 3931 §5.4.3: the lower 8-octet Tie Breaker wins, its SCCRQ's
// connection survives), and both ends log `tie breaking tunnel`. The same for sessions
// (§5.4.4) with `tie breaking session`.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { AVP, MESSAGE_TYPE, findAvp, type ControlMessage } from '../../../reference-impl/l2tpv3/index.ts';
import { renderSyslog, SYSLOG_CATALOGUE } from '../../../reference-impl/syslog/catalogue.ts';
import { compareTieBreakers } from '../../../reference-impl/control/tie-breaker.ts';
import { A, B, bothUp, makePair, sentMessages } from './harness.ts';

function octets(m: ControlMessage, t: number): Uint8Array {
  const a = findAvp(m.avps, t);
  if (!a || a.value.kind !== 'octets') throw new Error(`AVP ${t} missing`);
  return a.value.value;
}
function u32(m: ControlMessage, t: number): number {
  const a = findAvp(m.avps, t);
  if (!a || a.value.kind !== 'u32') throw new Error(`AVP ${t} missing`);
  return a.value.value;
}
/** "Lower value wins", read as unsigned big-endian octets (facts §4.2). */
const lower = (x: Uint8Array, y: Uint8Array): boolean => Buffer.compare(Buffer.from(x), Buffer.from(y)) < 0;

const timing = fc.record({ seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), delay: fc.integer({ min: 2, max: 200 }), skewFrac: fc.double({ min: 0, max: 0.9, noNaN: true }) });

test('simultaneous SCCRQs: exactly one control connection survives, the lower tie breaker\'s, and both ends log tie breaking tunnel', () => {
  fc.assert(
    fc.property(timing, ({ seed, delay, skewFrac }) => {
      const { sim, a, b } = makePair({ seed, b: { alwaysOn: true }, channel: { loss: 0, duplicate: 0, minDelayMs: delay, maxDelayMs: delay } });
      // Both routers come up within one delay of each other, so the SCCRQs cross.
      sim.inject(A, { kind: 'serviceOn' });
      sim.at(Math.floor(delay * skewFrac), B, { kind: 'serviceOn' });
      expect(sim.runUntilTrue(() => bothUp(a, b), 60_000)).toBe(true);
      sim.runFor(30_000);
      const sccrqA = sentMessages(sim, A).find((m) => m.type === MESSAGE_TYPE.SCCRQ)!.msg;
      const sccrqB = sentMessages(sim, B).find((m) => m.type === MESSAGE_TYPE.SCCRQ)!.msg;
      const aWins = lower(octets(sccrqA, AVP.TieBreaker), octets(sccrqB, AVP.TieBreaker));
      const [winner, loser] = aWins ? [sccrqA, sccrqB] : [sccrqB, sccrqA];
      const winnerNode = aWins ? a : b;
      const loserNode = aWins ? b : a;
      // The surviving connection is the one the winner's SCCRQ opened.
      expect(winnerNode.localCcid(1)).toBe(u32(winner, AVP.AssignedControlConnectionId));
      expect(loserNode.remoteCcid(1)).toBe(u32(winner, AVP.AssignedControlConnectionId));
      expect(winnerNode.remoteCcid(1)).toBe(loserNode.localCcid(1));
      const loserCcid = u32(loser, AVP.AssignedControlConnectionId);
      for (const node of [A, B]) {
        const lines = sim.syslog(node);
        const ties = lines.filter((l) => l.id === 'tieBreakingTunnel');
        expect(ties.map((l) => l.text), `node ${node}`).toEqual([renderSyslog('tieBreakingTunnel', { tunnelId: loserCcid })]);
        expect(ties[0].level).toBe(SYSLOG_CATALOGUE.tieBreakingTunnel.level);
        // Only one connection ever came up on each side.
        expect(lines.filter((l) => l.id === 'tunnelEstablished')).toHaveLength(1);
      }
      expect(a.connectionState(1)).toBe('established');
      expect(b.connectionState(1)).toBe('established');
    }),
    { numRuns: 60 },
  );
});

test('simultaneous ICRQs: exactly one session survives, the lower session tie breaker\'s, and both ends log tie breaking session', () => {
  fc.assert(
    fc.property(timing, ({ seed, delay }) => {
      const { sim, a, b } = makePair({ seed, profile: { sessionInitiator: 'both' }, channel: { loss: 0, duplicate: 0, minDelayMs: delay, maxDelayMs: delay } });
      sim.inject(B, { kind: 'serviceOn' });
      sim.inject(A, { kind: 'serviceOn' });
      expect(sim.runUntilTrue(() => bothUp(a, b), 60_000)).toBe(true);
      sim.runFor(30_000);
      const icrqA = sentMessages(sim, A).find((m) => m.type === MESSAGE_TYPE.ICRQ)!.msg;
      const icrqB = sentMessages(sim, B).find((m) => m.type === MESSAGE_TYPE.ICRQ)!.msg;
      const aWins = lower(octets(icrqA, AVP.TieBreaker), octets(icrqB, AVP.TieBreaker));
      const [winner, loser] = aWins ? [icrqA, icrqB] : [icrqB, icrqA];
      const winnerNode = aWins ? a : b;
      const loserNode = aWins ? b : a;
      const ws = winnerNode.establishedSessions(1);
      const ls = loserNode.establishedSessions(1);
      expect(ws).toHaveLength(1);
      expect(ls).toHaveLength(1);
      expect(ws[0].localSessionId).toBe(u32(winner, AVP.LocalSessionId));
      expect(ls[0].remoteSessionId).toBe(u32(winner, AVP.LocalSessionId));
      const loserSid = u32(loser, AVP.LocalSessionId);
      for (const node of [A, B]) {
        const ties = sim.syslog(node).filter((l) => l.id === 'tieBreakingSession');
        expect(ties.map((l) => l.text), `node ${node}`).toEqual([renderSyslog('tieBreakingSession', { sessionId: loserSid })]);
        expect(ties[0].level).toBe(SYSLOG_CATALOGUE.tieBreakingSession.level);
      }
      // The winner answered the losing ICRQ with CDN Result 13 (3931 §5.4.4).
      const cdn = sentMessages(sim, aWins ? A : B).find((m) => m.type === MESSAGE_TYPE.CDN)!.msg;
      const rc = findAvp(cdn.avps, AVP.ResultCode)!.value;
      expect(rc.kind === 'resultCode' && rc.result).toBe(13);
      expect(u32(cdn, AVP.RemoteSessionId)).toBe(loserSid);
    }),
    { numRuns: 60 },
  );
});

test('tie-breaker comparison: lower wins, a sender beats a non-sender, equal and absent are told apart', () => {
  const lo = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1);
  const hi = Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 0);
  expect(compareTieBreakers(lo, hi)).toBe('we-win');
  expect(compareTieBreakers(hi, lo)).toBe('we-lose');
  expect(compareTieBreakers(lo, lo.slice())).toBe('equal');
  expect(compareTieBreakers(hi, undefined)).toBe('we-win');
  expect(compareTieBreakers(undefined, hi)).toBe('we-lose');
  expect(compareTieBreakers(undefined, undefined)).toBe('neither');
});
