// Malformed input: headers, lengths, AVPs and session ids a broken or hostile peer sends. The
// router must log the seed's line, refuse what RFC 3931 says to refuse, and never bridge data of an
// unknown session.
// The verdict of each test is the whole trace (suites/support/trace-verdict.ts): every control
// message and syslog line of the device facing each broken peer, against the oracle's prediction
// with the same misbehaviours (the peer's retransmissions of a refused message included); the
// assertions per case are summaries. Data messages are not part of this trace (the data-plane
// channel's business); the ARP replies are checked by the summary.
import { test, expect } from './fixtures.ts';
import { messageTypeName, MESSAGE_TYPE as MT } from '../reference-impl/l2tpv3/message-types.ts';
import type { SyslogArgs, SyslogId } from '../reference-impl/syslog/catalogue.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { groupsWithin } from './support/device-lab.ts';
import { BRIDGE_ADDRESS } from '../drivers/dut/lab-config.ts';
import { arpRequest, isArpReplyFrom } from './support/traffic.ts';
import { TracedLab } from './support/trace-verdict.ts';
import { traceVerdictWithConcurrency } from '../reference-impl/trace/concurrent-order.ts';

const PEER = '127.0.0.2';
/** The broken peers' first retransmission, 8 s virtual after the message (RFC 3931 §4.2 cap). */
const SLOW_RETRANSMISSION = { retransmitInitialMs: 8_000, retransmitCapMs: 8_000 };

const CASES: { what: string; misbehaviour: string; line: SyslogId; args?: SyslogArgs }[] = [
  { what: 'header version 2', misbehaviour: 'wrong-version=2', line: 'wrongVersionHeader', args: { version: 2 } },
  { what: 'truncated SCCRQ (8 octets)', misbehaviour: 'truncated=8', line: 'tooSmallPacket', args: { size: 8 } },
  { what: 'control header without the L bit', misbehaviour: 'no-length-bit', line: 'wrongHeader' },
  { what: 'malformed Router ID AVP', misbehaviour: 'malformed-avp', line: 'avpsCheckError' },
  { what: 'HELLO instead of SCCCN', misbehaviour: 'hello-before-scccn', line: 'tunnelStateMismatch', args: { message: messageTypeName(MT.HELLO) } },
  { what: 'ICCN before ICRP', misbehaviour: 'iccn-before-icrp', line: 'sessionStateMismatch', args: { message: messageTypeName(MT.ICCN) } },
];

test.describe('malformed input', { tag: '@malformed' }, () => {
  test.beforeEach(async ({ feature }) => {
    await feature('malformed-input');
  });

  test('malformed control messages: each logged as the seed says, none makes a session; unknown mandatory AVP: StopCCN 2/8', async ({ openLab, caps }) => {
    // One tunnel per case (peers 127.0.0.2, .3, ...), as many per router as the model allows. The
    // cases of one router run one after the other: each broken peer dials and the device's answer
    // is awaited. A peer the device does not answer then closes its socket: it would otherwise
    // retransmit its broken message for the rest of the test, and the cases' lines would interleave
    // by the harness's scheduling. Its first retransmission is 8 s (virtual) away, so the close
    // comes well before it on the device and in the prediction alike.
    const all = [...CASES.map((c) => ({ ...c, avp: false })), { what: 'unknown mandatory AVP in SCCRQ (RFC 3931 §5.2)', misbehaviour: 'unknown-avp-mandatory', line: 'avpAttrTypeIllegal' as SyslogId, args: undefined, avp: true }];
    const peerOf = (i: number) => `127.0.0.${2 + i}`;
    for (const group of groupsWithin(all, caps.maxL2tpv3Tunnels)) {
      const t = new TracedLab(await openLab({ tunnels: group.map((_, i) => ({ n: i + 1, peer: peerOf(i) })) }));
      const lab = t.lab;
      await t.startRouter();
      for (const [i, c] of group.entries()) {
        await test.step(c.what, async () => {
          const p = await t.peer(peerOf(i), { role: 'initiator', profile: SLOW_RETRANSMISSION }, [c.misbehaviour]);
          if (c.avp) {
            const stop = await p.waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? e : undefined), 5000, 'a StopCCN');
            expect(stop.result).toEqual({ result: 2, error: 8 });
          }
          await expectSyslog(lab, c.line, c.args);
          expect(p.session).toBeUndefined();
          if (p.received().length === 0) await t.closePeer(p);
        });
      }
      // several peers act independently: one case's teardown may still be in flight as the next dials
      await t.verdict({ judge: traceVerdictWithConcurrency });
    }
  });

  test('data for an unknown Session ID is not bridged', async ({ openLab }) => {
    const t = new TracedLab(await openLab({ tunnels: [{ n: 1, peer: PEER }] }));
    await t.startRouter();
    const p = await t.peer(PEER, { role: 'initiator' });
    await p.established();
    const replyTo = (ip: string) => (f: Uint8Array) => isArpReplyFrom(BRIDGE_ADDRESS)(f) && [...f.subarray(38, 42)].join('.') === ip;
    p.dataHooks.push((m) => ({ ...m, sessionId: (m.sessionId ^ 0x5a5a5a5a) >>> 0 }));
    p.sendFrame(arpRequest('02:00:00:00:02:61', '192.168.100.61', BRIDGE_ADDRESS));
    p.dataHooks.length = 0;
    p.sendFrame(arpRequest('02:00:00:00:02:62', '192.168.100.62', BRIDGE_ADDRESS));
    await p.waitFor((e) => (e.kind === 'frame' && replyTo('192.168.100.62')(e.frame) ? true : undefined), 5000, 'ARP reply to .62');
    expect(p.events.some((e) => e.kind === 'frame' && replyTo('192.168.100.61')(e.frame))).toBe(false);
    await t.verdict();
  });
});
