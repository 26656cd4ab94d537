// Malformed input: headers, lengths, AVPs and session ids a broken or hostile peer sends. The
// router must log the seed's line, refuse what RFC 3931 says to refuse, and never bridge data of an
// unknown session.
import { test, expect } from './fixtures.ts';
import { messageTypeName, MESSAGE_TYPE as MT } from '../reference-impl/l2tpv3/message-types.ts';
import type { SyslogArgs, SyslogId } from '../reference-impl/syslog/catalogue.ts';
import { expectSyslog } from './support/expect-syslog.ts';
import { BRIDGE_ADDRESS, groupsWithin } from './support/device-lab.ts';
import { arpRequest, isArpReplyFrom } from './support/traffic.ts';

const PEER = '127.0.0.2';

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
    // One tunnel per case (peers 127.0.0.2, .3, ...), as many per router as the model allows, the
    // cases of one router at once: each case's line is distinct, so each is attributable.
    const all = [...CASES.map((c) => ({ ...c, avp: false })), { what: 'unknown mandatory AVP in SCCRQ (RFC 3931 §5.2)', misbehaviour: 'unknown-avp-mandatory', line: 'avpAttrTypeIllegal' as SyslogId, args: undefined, avp: true }];
    const peerOf = (i: number) => `127.0.0.${2 + i}`;
    for (const group of groupsWithin(all, caps.maxL2tpv3Tunnels)) {
      const lab = await openLab({ tunnels: group.map((_, i) => ({ n: i + 1, peer: peerOf(i) })) });
      await lab.startRouter();
      const peers = await Promise.all(group.map((c, i) => lab.peer(peerOf(i), { role: 'initiator' }, [c.misbehaviour])));
      for (const [i, c] of group.entries()) {
        await test.step(c.what, async () => {
          if (c.avp) {
            const stop = await peers[i].waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? e : undefined), 5000, 'a StopCCN');
            expect(stop.result).toEqual({ result: 2, error: 8 });
          }
          await expectSyslog(lab, c.line, c.args);
          expect(peers[i].session).toBeUndefined();
        });
      }
    }
  });

  test('data for an unknown Session ID is not bridged', async ({ openLab }) => {
    const lab = await openLab({ tunnels: [{ n: 1, peer: PEER }] });
    await lab.startRouter();
    const p = await lab.peer(PEER, { role: 'initiator' });
    await p.established();
    const replyTo = (ip: string) => (f: Uint8Array) => isArpReplyFrom(BRIDGE_ADDRESS)(f) && [...f.subarray(38, 42)].join('.') === ip;
    p.dataHooks.push((m) => ({ ...m, sessionId: (m.sessionId ^ 0x5a5a5a5a) >>> 0 }));
    p.sendFrame(arpRequest('02:00:00:00:02:61', '192.168.100.61', BRIDGE_ADDRESS));
    p.dataHooks.length = 0;
    p.sendFrame(arpRequest('02:00:00:00:02:62', '192.168.100.62', BRIDGE_ADDRESS));
    await p.waitFor((e) => (e.kind === 'frame' && replyTo('192.168.100.62')(e.frame) ? true : undefined), 5000, 'ARP reply to .62');
    expect(p.events.some((e) => e.kind === 'frame' && replyTo('192.168.100.61')(e.frame))).toBe(false);
  });
});
