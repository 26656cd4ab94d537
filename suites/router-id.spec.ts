// Router-ID / End-ID: `l2tp remote router-id` against the peer's Router ID AVP, `l2tp remote
// end-id` against the Remote End ID AVP of its ICRQ (RFC 3931 §5.4.3, §5.4.4; seed syslog lines).
import { test, expect } from './fixtures.ts';
import { renderSyslog, type SyslogId } from '../reference-impl/syslog/catalogue.ts';
import { groupsWithin, type DeviceLab } from './support/device-lab.ts';

/** Whichever comes first: the refusal line (true), or the session up (false). */
async function refusedOrUp(lab: DeviceLab, address: string, misbehaviour: string, refusal: SyslogId): Promise<boolean> {
  const p = await lab.peer(address, { role: 'initiator' }, [misbehaviour]);
  return Promise.race([lab.syslog.waitFor(renderSyslog(refusal), 5000).then(() => true), p.established(5000).then(() => false)]);
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
    // One tunnel per case plus a well-behaved peer, as many per router as the model allows.
    const all = [...CASES, undefined];
    const peerOf = (i: number) => `127.0.0.${2 + i}`;
    for (const group of groupsWithin(all, caps.maxL2tpv3Tunnels)) {
      const lab = await openLab({ tunnels: group.map((_, i) => ({ n: i + 1, peer: peerOf(i) })) });
      await lab.startRouter();
      const verdicts = group.map((c, i) => (c ? refusedOrUp(lab, peerOf(i), c.misbehaviour, c.line) : lab.peer(peerOf(i), { role: 'initiator' }).then((p) => p.established().then(() => p.errors.length === 0))));
      for (const [i, c] of group.entries()) {
        await test.step(c?.what ?? 'matching Router ID and End ID: the session comes up', async () => expect(await verdicts[i]).toBe(true));
      }
    }
  });
});
