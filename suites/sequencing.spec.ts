// Data sequencing (RFC 3931 §4.6, §5.4.4, Appendix C; facts §1.5): a peer that asks for the Default
// L2-Specific Sublayer and Data Sequencing gets every data message numbered from 0 with the S bit;
// the router's own request follows the firmware profile (an ASSUMPTION: RTX has no command for it;
// the default lab's `[sequencing]` variant asks for level 2), and when it asks, data whose number is
// old or a duplicate is dropped.
// The verdict of each test is the whole trace (trace-verdict.ts with the frame channel,
// trace-frame-channel.ts): every data message both ways with its L2SS (S bit and number), and the
// control messages (L2SS and Data Sequencing AVPs) and syslog lines, against the oracle's
// prediction (RFC 3931 App. C with the firmware profile's window); the assertions are summaries
// (soft, so the verdict is reached and reported even when one of them fails).
import { test, expect } from './fixtures.ts';
import { deviceControlProfile } from './support/device-profile.ts';
import { decodeDataMessage, type DataMessage } from '../reference-impl/l2tpv3/data-message.ts';
import { isControl } from '../drivers/peer/raw-message.ts';
import { BRIDGE_ADDRESS } from '../drivers/dut/lab-config.ts';
import { arpRequest, isArpReplyFrom } from './support/traffic.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { FrameChannel } from './support/trace-frame-channel.ts';

const PEER = '127.0.0.2';
const replyTo = (ip: string) => (f: Uint8Array) => isArpReplyFrom(BRIDGE_ADDRESS)(f) && [...f.subarray(38, 42)].join('.') === ip;

test.describe('data sequencing', { tag: '@control' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('control-connection');
  });

  test('the peer asks for Data Sequencing: the router numbers its data from 0 with the S bit (RFC 3931 §4.6, App. C)', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    const frames = FrameChannel.add(t);
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator', l2ss: 1, profile: { dataSequencing: 2 } });
    const layout = await frames.established(p);
    const ips = ['192.168.100.61', '192.168.100.62', '192.168.100.63'];
    for (const ip of ips) {
      frames.peerFrame(p, arpRequest('02:00:00:00:02:61', ip, BRIDGE_ADDRESS));
      await p.waitFor((e) => (e.kind === 'frame' && replyTo(ip)(e.frame) ? true : undefined), 5000, `the ARP reply to ${ip}`);
    }
    // The data messages the router sent, from the conversation (an incoming hook would be a control hook the prediction refuses).
    const data: DataMessage[] = t.lab.conversation.datagrams
      .filter((d) => d.direction === 'in' && !isControl(d.bytes))
      .flatMap((d) => {
        const m = decodeDataMessage(d.bytes, 'udp', layout.rxLayout);
        return m.ok ? [m.value] : [];
      });
    expect.soft(data.length, 'data messages from the router').toBeGreaterThanOrEqual(ips.length);
    expect.soft(data.every((m) => m.l2ss !== null && m.l2ss.sequenced), 'every data message carries the Default L2SS with S=1').toBe(true);
    // a free-running counter from 0, one per sequenced message (App. C: new sessions start at zero)
    expect.soft(data.map((m) => m.l2ss!.sequence)).toEqual(data.map((_, i) => i));
    await t.verdict();
  });

  test("the router's own L2SS and sequencing request follow the firmware profile; old and duplicate numbers are dropped", async ({ openLab, device }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    const frames = FrameChannel.add(t);
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    const layout = await frames.established(p);
    // ASSUMPTION own-l2ss / own-data-sequencing (reference-impl/control/session-profile-assumptions.ts): a hardware run confirms or refutes it here.
    const profile = deviceControlProfile(device);
    expect.soft(layout.txLayout.l2ss, 'L2-Specific Sublayer the router asked for (firmware profile l2ssOffered)').toBe(profile.l2ssOffered === 1 ? 'default' : 'none');
    expect.soft(layout.txSequencing ?? 0, 'Data Sequencing level the router asked for (firmware profile dataSequencing)').toBe(profile.dataSequencing);
    if (profile.dataSequencing === 0) {
      test.info().annotations.push({ type: 'note', description: 'the router asks for no sequencing (profile dataSequencing 0): only the request is checked' });
      await t.verdict();
      return;
    }
    let next = 0;
    p.dataHooks.push((m) => ({ ...m, l2ss: { sequenced: true, sequence: next } }));
    const send = (ip: string, seq: number) => {
      next = seq;
      frames.peerFrame(p, arpRequest('02:00:00:00:02:71', ip, BRIDGE_ADDRESS));
    };
    const reply = (ip: string) => p.waitFor((e) => (e.kind === 'frame' && replyTo(ip)(e.frame) ? true : undefined), 5000, `the ARP reply to ${ip}`);
    send('192.168.100.71', 0);
    await reply('192.168.100.71');
    send('192.168.100.72', 0); // duplicate
    send('192.168.100.73', 5); // new: a gap is fine
    await reply('192.168.100.73');
    send('192.168.100.74', 3); // old: behind the last accepted
    send('192.168.100.75', 6);
    await reply('192.168.100.75');
    const answered = (ip: string) => p.events.some((e) => e.kind === 'frame' && replyTo(ip)(e.frame));
    expect.soft(answered('192.168.100.72'), 'a duplicate sequence number was accepted').toBe(false);
    expect.soft(answered('192.168.100.74'), 'an old sequence number was accepted').toBe(false);
    await t.verdict();
  });
});
