// Cookies (RFC 3931 §4.1, §4.5, §5.4.4; facts §1.4): the Assigned Cookie a peer sends in its ICRQ /
// ICRP is what the router must put in every data message to that peer; the router's own Assigned
// Cookie follows the firmware profile (an ASSUMPTION: RTX has no cookie command; the default lab's
// `[cookie8]` variant assigns one), and data whose cookie differs from it must be dropped.
// The verdict of each test is the whole trace (trace-verdict.ts with the frame channel,
// trace-frame-channel.ts): every data message both ways with its Session ID, cookie and L2SS, and
// the control messages (the Assigned Cookie AVPs) and syslog lines, against the oracle's
// prediction; the assertions are readable summaries
// (soft, so the verdict is reached and reported even when one of them fails).
import { test, expect } from './fixtures.ts';
import { deviceControlProfile } from './support/device-profile.ts';
import type { CookieLength } from '../reference-impl/l2tpv3/data-message.ts';
import { BRIDGE_ADDRESS } from '../drivers/dut/lab-config.ts';
import { arpRequest, isArpReplyFrom } from './support/traffic.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { FrameChannel } from './support/trace-frame-channel.ts';

const PEER = '127.0.0.2';
const replyTo = (ip: string) => (f: Uint8Array) => isArpReplyFrom(BRIDGE_ADDRESS)(f) && [...f.subarray(38, 42)].join('.') === ip;

test.describe('cookies', { tag: '@control' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('control-connection');
  });

  for (const cookieLength of [0, 4, 8] as const satisfies readonly CookieLength[]) {
    test(`the peer assigns a ${cookieLength}-octet cookie: the router's data carries it (RFC 3931 §4.1)`, async ({ openLab }) => {
      const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
      const frames = FrameChannel.add(t);
      await t.startRouter();
      const p = await t.peer(PEER, { role: 'initiator', cookieLength });
      const layout = await frames.established(p);
      expect.soft(layout.rxCookie.length).toBe(cookieLength); // what we assigned, i.e. what the router must send
      frames.peerFrame(p, arpRequest('02:00:00:00:02:71', '192.168.100.71', BRIDGE_ADDRESS));
      // The peer drops data whose cookie is not the one it assigned (a `dataDropped` event), so the
      // reply arrives only when the router sent the right cookie.
      const outcome = await p.waitFor(
        (e) => (e.kind === 'frame' && replyTo('192.168.100.71')(e.frame) ? 'reply' : e.kind === 'dataDropped' ? `dropped: ${e.why}` : undefined),
        5000, 'the ARP reply (or a dropped data message)',
      );
      expect.soft(outcome).toBe('reply');
      await t.verdict();
    });
  }

  test("the router's Assigned Cookie follows the firmware profile; data with a wrong cookie is not bridged", async ({ openLab, device }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    const frames = FrameChannel.add(t);
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    const layout = await frames.established(p);
    // ASSUMPTION own-cookie-length (reference-impl/control/session-profile-assumptions.ts): a hardware run confirms or refutes it here.
    const profile = deviceControlProfile(device);
    expect.soft(layout.txCookie.length, 'length of the Assigned Cookie the router sent (firmware profile cookieLength)').toBe(profile.cookieLength);
    if (layout.txCookie.length === 0) {
      test.info().annotations.push({ type: 'note', description: 'the router assigns no cookie (profile cookieLength 0): a wrong cookie cannot be told from payload, so only the length is checked' });
      await t.verdict();
      return;
    }
    p.dataHooks.push((m) => ({ ...m, cookie: m.cookie.map((x) => x ^ 0xff) }));
    frames.peerFrame(p, arpRequest('02:00:00:00:02:72', '192.168.100.72', BRIDGE_ADDRESS));
    p.dataHooks.length = 0;
    frames.peerFrame(p, arpRequest('02:00:00:00:02:73', '192.168.100.73', BRIDGE_ADDRESS));
    await p.waitFor((e) => (e.kind === 'frame' && replyTo('192.168.100.73')(e.frame) ? true : undefined), 5000, 'ARP reply to .73');
    expect.soft(p.events.some((e) => e.kind === 'frame' && replyTo('192.168.100.72')(e.frame)), 'a frame with a wrong cookie was bridged').toBe(false);
    await t.verdict();
  });
});
