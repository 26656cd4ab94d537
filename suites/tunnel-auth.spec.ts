// Tunnel authentication (RFC 3931 §4.3, §5.4.3: Challenge / Challenge Response with the shared
// secret; `l2tp tunnel auth on PASSWORD`). The password never appears in syslog or transcripts.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): the challenge
// the device sends, its Challenge Response to ours (unhidden with the shared secret, abstracted by
// role), the StopCCN it answers a wrong response with, and its syslog lines, against the oracle's
// prediction for the same stimulus (the misbehaving peer included).
import { test, expect } from './fixtures.ts';
import { deviceCcid } from './support/ids.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { TracedLab } from './support/trace-verdict.ts';

const PEER = '127.0.0.2';
const PASSWORD = 'suite-lab-password'; // throwaway lab secret
const AUTH = { password: PASSWORD, method: 'challenge' } as const;

test.describe('tunnel authentication', { tag: '@auth' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('tunnel-auth');
  });

  test('same password on both ends: the tunnel comes up; the password is never logged', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, password: PASSWORD }] }));
    const lab = t.lab;
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator', auth: AUTH });
    await p.established();
    await expectSyslog(lab, 'tunnelEstablished', { tunnel: 1, tunnelId: deviceCcid(p) });
    expect(lab.syslog.texts().join('\n')).not.toContain(PASSWORD);
    expect(lab.dut.console ?? '').not.toContain(PASSWORD);
    const v = await t.verdict();
    // The challenge/response step is in the verdict, not only its outcome.
    const labels = (f: string) => v.observed.filter((e) => e.fields.some((x) => x.name.startsWith(f))).map((e) => `${e.by ?? 'device'} ${e.label}`);
    expect(labels('Challenge Response'), 'each side answered the other\'s challenge').toEqual(['device SCCRP', 'harness SCCCN']);
  });

  test('a wrong Challenge Response: authentication error, StopCCN, no session', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER, password: PASSWORD }] }));
    const lab = t.lab;
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator', auth: AUTH }, ['wrong-auth-response']);
    await p.waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? true : undefined), 5000, 'a StopCCN');
    await expectSyslog(lab, 'authenticationError', { tunnel: 1, tunnelId: deviceCcid(p) });
    expect(p.session).toBeUndefined();
    await t.verdict();
  });
});
