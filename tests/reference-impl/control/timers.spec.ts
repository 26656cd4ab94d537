// Issue 3, point 4: keepalive (CR 16.4: Hello every interval, peer down after `count`) and
// the idle disconnect timer (CR 16.3: no data sent or received for the configured time).
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { MESSAGE_TYPE } from '../../../reference-impl/l2tpv3/index.ts';
import { renderSyslog, SYSLOG_CATALOGUE } from '../../../reference-impl/syslog/catalogue.ts';
import { A, B, bothUp, makePair, sentMessages, start } from './harness.ts';

const CUT = { loss: 1, duplicate: 0, minDelayMs: 10, maxDelayMs: 10 };

test('keepalive: with the peer silent, teardown starts after interval x count (within one interval) and logs keepalive timer expired', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 }), (seed, intervalS, count) => {
      const keepalive = { use: true, intervalS, count };
      const { sim, a, b } = makePair({ seed, a: { keepalive }, b: { keepalive } });
      start(sim);
      expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
      sim.runFor(3 * intervalS * 1000 + 777); // let keepalive run for a while with a live peer
      expect(a.connectionState(1)).toBe('established');
      // The peer goes silent: nothing from B reaches A any more.
      sim.linkOneWay(B, A, CUT);
      const cutAt = sim.now;
      const ccid = a.localCcid(1);
      const budget = (intervalS * count + 2 * intervalS) * 1000;
      expect(sim.runUntilTrue(() => sim.syslog(A).some((l) => l.id === 'keepaliveTimerExpired'), cutAt + budget)).toBe(true);
      const line = sim.syslog(A).find((l) => l.id === 'keepaliveTimerExpired')!;
      const elapsed = line.t - cutAt;
      expect(elapsed).toBeGreaterThanOrEqual((intervalS * count - intervalS) * 1000);
      expect(elapsed).toBeLessThanOrEqual((intervalS * count + intervalS) * 1000);
      expect(line.text).toBe(renderSyslog('keepaliveTimerExpired', { tunnel: 1, tunnelId: ccid! }));
      expect(line.level).toBe(SYSLOG_CATALOGUE.keepaliveTimerExpired.level);
      // Keepalive is done with Hello messages (CR 16.4).
      const hellos = sentMessages(sim, A).filter((m) => m.type === MESSAGE_TYPE.HELLO && m.t >= cutAt && m.t < line.t);
      expect(hellos.length).toBeGreaterThan(0);
      // Teardown started: the tunnel no longer serves and a StopCCN went out.
      expect(a.connectionState(1)).not.toBe('established');
      expect(sim.syslog(A).some((l) => l.id === 'disconnectingTunnel' && l.t === line.t)).toBe(true);
    }),
    { numRuns: 40 },
  );
});

test('keepalive off: a silent peer is not declared down by keepalive and no Hello is sent', () => {
  const { sim, a, b } = makePair({ seed: 7, a: { keepalive: { use: false, intervalS: 10, count: 6 } }, b: { keepalive: { use: false, intervalS: 10, count: 6 } } });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  sim.linkOneWay(B, A, CUT);
  sim.runFor(600_000);
  expect(sim.syslog(A).some((l) => l.id === 'keepaliveTimerExpired')).toBe(false);
  expect(sentMessages(sim, A).some((m) => m.type === MESSAGE_TYPE.HELLO)).toBe(false);
  expect(a.connectionState(1)).toBe('established');
});

test('disconnect timer: with no data for the configured time the tunnel is torn down and logs disconnect timer expired; data restarts the timer', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), (seed, timeS, frac) => {
      const { sim, a, b } = makePair({ seed, a: { disconnectTimeS: timeS } });
      start(sim);
      expect(sim.runUntilTrue(() => a.connectionState(1) === 'established', 10_000)).toBe(true);
      const upAt = sim.now;
      // Data passes once, part way through: the idle period starts again from there.
      const dataAt = upAt + Math.round(timeS * 1000 * frac);
      sim.at(dataAt, A, { kind: 'dataActivity', tunnel: 1 });
      const ccid = a.localCcid(1)!;
      expect(sim.runUntilTrue(() => sim.syslog(A).some((l) => l.id === 'disconnectTimerExpired'), upAt + 3 * timeS * 1000)).toBe(true);
      const line = sim.syslog(A).find((l) => l.id === 'disconnectTimerExpired')!;
      expect(line.t).toBe(dataAt + timeS * 1000);
      expect(line.text).toBe(renderSyslog('disconnectTimerExpired', { tunnel: 1, tunnelId: ccid }));
      expect(line.level).toBe(SYSLOG_CATALOGUE.disconnectTimerExpired.level);
      expect(sim.syslog(A).some((l) => l.id === 'disconnectingTunnel' && l.t === line.t)).toBe(true);
      // Its peer sees the StopCCN and tears down too.
      sim.runFor(1000);
      expect(b.connectionState(1)).not.toBe('established');
    }),
    { numRuns: 40 },
  );
});

test('disconnect time off: the tunnel stays up without data', () => {
  const { sim, a, b } = makePair({ seed: 3, a: { disconnectTimeS: 'off' } });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 10_000)).toBe(true);
  sim.runFor(3_600_000);
  expect(sim.syslog(A).some((l) => l.id === 'disconnectTimerExpired')).toBe(false);
  expect(a.connectionState(1)).toBe('established');
});
