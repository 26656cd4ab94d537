// The syslog catalogue: exact text (spelling included) and severity of the seed's lines, the
// tunnel number in TUNNEL[XX], and `syslog debug off` silencing DEBUG lines. Other areas' specs
// check the lines of their own events; this one checks the catalogue's properties.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): every line with
// its severity, in order, and the control messages around them, against the oracle's prediction
// (which applies the config's `syslog info|debug` switches); the assertions are summaries.
import { test, expect } from './fixtures.ts';
import { renderSyslog } from '../reference-impl/syslog/catalogue.ts';
import { deviceCcid, deviceSessionId } from './support/ids.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { TracedLab } from './support/trace-verdict.ts';

const PEER = '127.0.0.3';
/** A peer no tunnel of the lab points at (the router cannot find its tunnel). */
const STRANGER = '127.0.0.2';
/** The stranger's first retransmission, 8 s virtual after its SCCRQ (RFC 3931 §4.2 cap): it closes before. */
const SLOW_RETRANSMISSION = { retransmitInitialMs: 8_000, retransmitCapMs: 8_000 };

test.describe('syslog catalogue', { tag: '@syslog' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('syslog');
  });

  test('INFO lines of a bring-up on tunnel 3: exact text and severity informational', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 3, peer: PEER }] }));
    const lab = t.lab;
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    const T = { tunnel: 3 };
    await expectSyslog(lab, 'connectedFrom', { ...T, address: lab.peerAddress(PEER) }, true);
    await expectSyslog(lab, 'tunnelEstablished', { ...T, tunnelId: deviceCcid(p) }, true);
    await expectSyslog(lab, 'sessionEstablished', { ...T, sessionId: deviceSessionId(p) }, true);
    await t.verdict();
  });

  test('a DEBUG line has severity debug', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    await t.startRouter();
    const stranger = await t.peer(STRANGER, { role: 'initiator', profile: SLOW_RETRANSMISSION });
    await expectSyslog(t.lab, 'cantFindTunnel', {}, true);
    await t.closePeer(stranger);
    await t.verdict();
  });

  test('syslog debug off: no DEBUG line reaches the collector', async ({ openLab }) => {
    const tunnels = [{ n: 1, peer: PEER }];
    const t = new TracedLab(await openLab({ tunnels, config: (_port, build) => build(tunnels).replace('syslog debug on', 'syslog debug off') }));
    const lab = t.lab;
    await t.startRouter();
    const stranger = await t.peer(STRANGER, { role: 'initiator', profile: SLOW_RETRANSMISSION }); // would log the DEBUG line cantFindTunnel
    await lab.syslog.waitFor(renderSyslog('portOpened'), 5000);
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    await expectSyslog(lab, 'sessionEstablished', { tunnel: 1, sessionId: deviceSessionId(p) });
    expect(lab.syslog.texts()).not.toContain(renderSyslog('cantFindTunnel'));
    await t.closePeer(stranger);
    await t.verdict();
  });
});
