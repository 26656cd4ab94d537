// The syslog catalogue: exact text (spelling included) and severity of the seed's lines, the
// tunnel number in TUNNEL[XX], and `syslog debug off` silencing DEBUG lines. Other areas' specs
// check the lines of their own events; this one checks the catalogue's properties.
import { test, expect } from './fixtures.ts';
import { renderSyslog } from '../reference-impl/syslog/catalogue.ts';
import { deviceCcid, deviceSessionId } from './support/ids.ts';
import { expectSyslog } from './support/expect-syslog.ts';

const PEER = '127.0.0.3';
/** A peer no tunnel of the lab points at (the router cannot find its tunnel). */
const STRANGER = '127.0.0.2';

test.describe('syslog catalogue', { tag: '@syslog' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('syslog');
  });

  test('INFO lines of a bring-up on tunnel 3: exact text and severity informational', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 3, peer: PEER }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    const T = { tunnel: 3 };
    await expectSyslog(lab, 'connectedFrom', { ...T, address: lab.peerAddress(PEER) }, true);
    await expectSyslog(lab, 'tunnelEstablished', { ...T, tunnelId: deviceCcid(p) }, true);
    await expectSyslog(lab, 'sessionEstablished', { ...T, sessionId: deviceSessionId(p) }, true);
  });

  test('a DEBUG line has severity debug', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }] });
    await lab.startRouter();
    await lab.peer(STRANGER, { role: 'initiator' });
    await expectSyslog(lab, 'cantFindTunnel', {}, true);
  });

  test('syslog debug off: no DEBUG line reaches the collector', async ({ openLab }) => {
    const tunnels = [{ n: 1, peer: PEER }];
    const lab = await openLab({ tunnels, config: (_port, build) => build(tunnels).replace('syslog debug on', 'syslog debug off') });
    await lab.startRouter();
    await lab.peer(STRANGER, { role: 'initiator' }); // would log the DEBUG line cantFindTunnel
    await lab.syslog.waitFor(renderSyslog('portOpened'), 5000);
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    await expectSyslog(lab, 'sessionEstablished', { tunnel: 1, sessionId: deviceSessionId(p) });
    expect(lab.syslog.texts()).not.toContain(renderSyslog('cantFindTunnel'));
  });
});
