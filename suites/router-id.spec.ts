// Router-ID / End-ID: `l2tp remote router-id` against the peer's Router ID AVP, `l2tp remote
// end-id` against the Remote End ID AVP of its ICRQ (RFC 3931 §5.4.3, §5.4.4; seed syslog lines).
import { test, expect } from './fixtures.ts';
import { renderSyslog, type SyslogId } from '../reference-impl/syslog/catalogue.ts';
import type { DeviceLab } from './support/device-lab.ts';

const PEER = '127.0.0.2';

/** Whichever comes first: the refusal line (true), or the session up (false). */
async function refusedOrUp(lab: DeviceLab, misbehaviour: string, refusal: SyslogId): Promise<boolean> {
  const p = await lab.peer(PEER, { role: 'initiator' }, [misbehaviour]);
  return Promise.race([lab.syslog.waitFor(renderSyslog(refusal), 5000).then(() => true), p.established(5000).then(() => false)]);
}

test.describe('router-id and end-id', { tag: '@ids' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('router-id');
  });

  const CASES: { what: string; misbehaviour: string; line: SyslogId }[] = [
    { what: 'a wrong Router ID is refused', misbehaviour: 'wrong-router-id=192.0.2.99', line: 'routerIdMismatched' },
    { what: 'a wrong Remote End ID is refused', misbehaviour: 'wrong-end-id=not-this-site', line: 'remoteEndIdMismatched' },
    { what: 'an ICRQ without Remote End ID is refused', misbehaviour: 'no-end-id', line: 'remoteEndIdNotExist' },
  ];
  for (const c of CASES) {
    test(c.what, async ({ openLab }) => {
      const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }] });
      await lab.startRouter();
      expect(await refusedOrUp(lab, c.misbehaviour, c.line)).toBe(true);
    });
  }

  test('matching Router ID and End ID: the session comes up', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    expect(p.errors).toEqual([]);
  });
});
