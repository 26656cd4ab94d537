// Router-ID / End-ID: `l2tp remote router-id` against the peer's Router ID AVP, `l2tp remote
// end-id` against the Remote End ID AVP of its ICRQ (RFC 3931 §5.4.3, §5.4.4; seed syslog lines).
// The verdict is the whole trace (suites/support/trace-verdict.ts): what the device answers each
// peer (StopCCN, CDN or the session), with every AVP, and its lines, against the oracle's
// prediction with the same misbehaving peers; the per-case outcomes are summaries.
import { test, expect } from './fixtures.ts';
import { renderSyslog, type SyslogId } from '../reference-impl/syslog/catalogue.ts';
import { groupsWithin } from './support/device-lab.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { traceVerdictWithConcurrency } from '../reference-impl/trace/concurrent-order.ts';

/** Whichever comes first: the refusal line (true), or the session up (false). */
async function refusedOrUp(t: TracedLab, address: string, misbehaviour: string, refusal: SyslogId): Promise<boolean> {
  const p = await t.peer(address, { role: 'initiator' }, [misbehaviour]);
  return Promise.race([t.lab.syslog.waitFor(renderSyslog(refusal), 5000).then(() => true), p.established(5000).then(() => false)]);
}

test.describe('router-id and end-id', { tag: '@ids' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('router-id');
  });

  test('wrong Router ID, wrong or missing End ID are refused; matching ones come up', async ({ openLab, caps }) => {
    const CASES: { what: string; misbehaviour: string; line: SyslogId }[] = [
      { what: 'a wrong Router ID is refused', misbehaviour: 'wrong-router-id=192.0.2.99', line: 'routerIdMismatched' },
      { what: 'a wrong Remote End ID is refused', misbehaviour: 'wrong-end-id=not-this-site', line: 'remoteEndIdMismatched' },
      { what: 'an ICRQ without Remote End ID is refused', misbehaviour: 'no-end-id', line: 'remoteEndIdNotExist' },
    ];
    // One tunnel per case plus a well-behaved peer, as many per router as the model allows; the
    // cases of one router one after the other (each outcome awaited), so their lines do not
    // interleave by the harness's scheduling.
    const all = [...CASES, undefined];
    const peerOf = (i: number) => `127.0.0.${2 + i}`;
    for (const group of groupsWithin(all, caps.maxL2tpv3Tunnels)) {
      const t = new TracedLab(await openLab({ tunnels: group.map((_, i) => ({ n: i + 1, peer: peerOf(i) })) }));
      await t.startRouter();
      for (const [i, c] of group.entries()) {
        await test.step(c?.what ?? 'matching Router ID and End ID: the session comes up', async () => {
          const ok = c ? await refusedOrUp(t, peerOf(i), c.misbehaviour, c.line) : await t.peer(peerOf(i), { role: 'initiator' }).then((p) => p.established().then(() => p.errors.length === 0));
          expect(ok).toBe(true);
        });
      }
      // several peers act independently: one case's teardown may still be in flight as the next dials
      await t.verdict({ judge: traceVerdictWithConcurrency });
    }
  });
});
