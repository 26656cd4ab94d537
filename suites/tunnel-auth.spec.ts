// Tunnel authentication (RFC 3931 §4.3, §5.4.3: Challenge / Challenge Response with the shared
// secret; `l2tp tunnel auth on PASSWORD`). The password never appears in syslog or transcripts.
import { test, expect } from './fixtures.ts';
import { deviceCcid } from './support/ids.ts';
import { expectSyslog } from './support/expect-syslog.ts';

const PEER = '127.0.0.2';
const PASSWORD = 'suite-lab-password'; // throwaway lab secret

test.describe('tunnel authentication', { tag: '@auth' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('tunnel-auth');
  });

  test('same password on both ends: the tunnel comes up; the password is never logged', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER, password: PASSWORD }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator', auth: { password: PASSWORD, method: 'challenge' } });
    await p.established();
    await expectSyslog(lab, 'tunnelEstablished', { tunnel: 1, tunnelId: deviceCcid(p) });
    expect(lab.syslog.texts().join('\n')).not.toContain(PASSWORD);
    expect(lab.router?.log ?? '').not.toContain(PASSWORD);
  });

  test('a wrong Challenge Response: authentication error, StopCCN, no session', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER, password: PASSWORD }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator', auth: { password: PASSWORD, method: 'challenge' } }, ['wrong-auth-response']);
    await p.waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? true : undefined), 5000, 'a StopCCN');
    await expectSyslog(lab, 'authenticationError', { tunnel: 1, tunnelId: deviceCcid(p) });
    expect(p.session).toBeUndefined();
  });
});
