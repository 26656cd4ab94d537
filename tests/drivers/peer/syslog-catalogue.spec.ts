// Issue 7 point 1: every DEBUG and INFO line of the seed's syslog catalogue that an outside peer
// can cause is provoked by the tester peer against the emulated router (its own process, over
// loopback UDP) and observed, with the exact text, in the syslog the router sends over UDP.
// Lines no peer can cause are listed with the reason; a meta-test checks the two tables cover
// the catalogue exactly.
import { test, expect } from '@playwright/test';
import { NOT_CAUSED_BY_A_PEER } from '../../../drivers/peer/syslog-reach.ts';
import { messageTypeName, MESSAGE_TYPE as MT } from '../../../reference-impl/l2tpv3/message-types.ts';
import { renderSyslog, SYSLOG_CATALOGUE, type SyslogArgs, type SyslogId } from '../../../reference-impl/syslog/catalogue.ts';
import { deviceCcid, deviceSessionId, peerCcid, peerSessionId } from './helpers/ids.ts';
import { openPeerLab } from './helpers/open-lab.ts';
import type { DeviceLab } from '../../../drivers/dut/device-lab.ts';
import type { RouterTunnelSpec } from '../../../drivers/dut/lab-config.ts';

const PASSWORD = 'peer-lab-password'; // throwaway lab secret
const PEER = '127.0.0.2';

interface Scenario {
  name: string;
  /** The catalogue lines it provokes (run() returns their exact arguments). */
  lines: SyslogId[];
  /** The router starts before run() (default); false: run() starts it after binding a listening peer. */
  routerFirst?: boolean;
  /** Router-side settings of tunnel 1 (its peer is 127.0.0.2). */
  tunnel?: Partial<RouterTunnelSpec>;
  /** Runs the peer; returns the exact arguments of each line it must make the router log. */
  run(lab: DeviceLab): Promise<Partial<Record<SyslogId, SyslogArgs>>>;
}

const T = { tunnel: 1 };

const SCENARIOS: Scenario[] = [
  {
    name: 'bring-up, then a StopCCN from the peer',
    lines: ['connectedFrom', 'tunnelEstablished', 'sessionEstablished', 'disconnectingTunnel', 'sessionDisconnectComplete', 'tunnelDisconnectComplete'],
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' });
      await p.established();
      const sid = deviceSessionId(p);
      p.disconnect();
      await p.waitFor((e) => (e.kind === 'received' && e.name === 'ACK' ? true : undefined), 5000, 'the ACK of our StopCCN');
      const tid = { ...T, tunnelId: deviceCcid(p) };
      return {
        connectedFrom: { ...T, address: PEER }, tunnelEstablished: tid, sessionEstablished: { ...T, sessionId: sid },
        disconnectingTunnel: tid, sessionDisconnectComplete: { ...T, sessionId: sid }, tunnelDisconnectComplete: tid,
      };
    },
  },
  {
    name: 'the router dials the listening peer (always-on)',
    lines: ['connectTo'],
    tunnel: { alwaysOn: true },
    routerFirst: false,
    async run(lab) {
      await lab.peer(PEER, { role: 'responder' });
      await lab.startRouter();
      return { connectTo: { ...T, address: PEER } };
    },
  },
  {
    name: 'silence after our SCCRQ: the router gives up waiting for the SCCCN',
    lines: ['stateTimerExpired'],
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' }, ['silence']);
      await p.waitFor((e) => (e.kind === 'received' && e.name === 'SCCRP' ? true : undefined), 5000, 'an SCCRP');
      return { stateTimerExpired: { ...T, message: 'SCCCN' } };
    },
  },
  {
    name: 'no data: the disconnect timer expires',
    lines: ['disconnectTimerExpired'],
    tunnel: { disconnectTime: 2 },
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' });
      await p.established();
      return { disconnectTimerExpired: { ...T, tunnelId: deviceCcid(p) } };
    },
  },
  {
    name: 'HELLOs ignored: keepalive declares the peer down',
    lines: ['keepaliveTimerExpired'],
    tunnel: { keepalive: 'on 1 2' },
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' }, ['ignore-hello']);
      await p.established();
      return { keepaliveTimerExpired: { ...T, tunnelId: deviceCcid(p) } };
    },
  },
  {
    name: 'wrong Challenge Response in our SCCCN',
    lines: ['authenticationError'],
    tunnel: { password: PASSWORD },
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator', auth: { password: PASSWORD, method: 'challenge' } }, ['wrong-auth-response']);
      await p.waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? true : undefined), 5000, 'a StopCCN');
      return { authenticationError: { ...T, tunnelId: deviceCcid(p) } };
    },
  },
  {
    name: 'SCCRQ from an address no tunnel points at',
    lines: ['cantFindTunnel'],
    async run(lab) {
      await lab.peer('127.0.0.9', { role: 'initiator' });
      return { cantFindTunnel: {} };
    },
  },
  {
    name: 'header version 2',
    lines: ['wrongVersionHeader'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['wrong-version=2']);
      return { wrongVersionHeader: { version: 2 } };
    },
  },
  {
    name: 'truncated SCCRQ (8 octets)',
    lines: ['tooSmallPacket'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['truncated=8']);
      return { tooSmallPacket: { size: 8 } };
    },
  },
  {
    name: 'control header without the L bit',
    lines: ['wrongHeader'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['no-length-bit']);
      return { wrongHeader: {} };
    },
  },
  {
    name: 'malformed Router ID AVP',
    lines: ['avpsCheckError'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['malformed-avp']);
      return { avpsCheckError: {} };
    },
  },
  {
    name: 'wrong Router ID',
    lines: ['routerIdMismatched'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['wrong-router-id=192.0.2.99']);
      return { routerIdMismatched: {} };
    },
  },
  {
    name: 'ICRQ without Remote End ID',
    lines: ['remoteEndIdNotExist'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['no-end-id']);
      return { remoteEndIdNotExist: {} };
    },
  },
  {
    name: 'ICRQ with a wrong Remote End ID',
    lines: ['remoteEndIdMismatched'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['wrong-end-id=not-this-site']);
      return { remoteEndIdMismatched: {} };
    },
  },
  {
    name: 'HELLO instead of SCCCN (control message out of state)',
    lines: ['tunnelStateMismatch'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['hello-before-scccn']);
      return { tunnelStateMismatch: { message: messageTypeName(MT.HELLO) } };
    },
  },
  {
    name: 'ICCN before ICRP (session message out of state)',
    lines: ['sessionStateMismatch'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['iccn-before-icrp']);
      return { sessionStateMismatch: { message: messageTypeName(MT.ICCN) } };
    },
  },
  {
    name: 'unknown AVP with the M bit in SCCRQ',
    lines: ['avpAttrTypeIllegal'],
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' }, ['unknown-avp-mandatory']);
      // RFC 3931 §5.2: the connection is refused (StopCCN, General Error 8 "unknown mandatory AVP").
      const stop = await p.waitFor((e) => (e.kind === 'received' && e.name === 'StopCCN' ? e : undefined), 5000, 'a StopCCN');
      expect(stop.result).toEqual({ result: 2, error: 8 });
      return { avpAttrTypeIllegal: {} };
    },
  },
  {
    name: 'simultaneous SCCRQ that the router wins: it names our (losing) connection',
    lines: ['tieBreakingTunnel'],
    tunnel: { alwaysOn: true },
    routerFirst: false,
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'responder' }, ['simultaneous-sccrq=high']);
      await lab.startRouter();
      await p.established();
      expect(p.errors).toEqual([]);
      return { tieBreakingTunnel: { tunnelId: peerCcid(p) } };
    },
  },
  {
    name: 'simultaneous ICRQ that the router wins: it names our (losing) session',
    lines: ['tieBreakingSession'],
    tunnel: { alwaysOn: true },
    routerFirst: false,
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'responder' }, ['simultaneous-icrq=high']);
      await lab.startRouter();
      await p.established();
      expect(p.errors).toEqual([]);
      return { tieBreakingSession: { sessionId: peerSessionId(p) } };
    },
  },
  {
    name: 'Assigned CCID hidden with a secret the router does not have',
    lines: ['avpsCheckError'],
    async run(lab) {
      await lab.peer(PEER, { role: 'initiator' }, ['hidden-avp-no-secret']);
      return { avpsCheckError: {} };
    },
  },
  {
    name: 'SCCRQ whose Length claims 16 octets more than sent',
    lines: ['tooSmallPacket'],
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' }, ['length-lie=16']);
      const sent = await p.waitFor((e) => (e.kind === 'sent' ? e.bytes : undefined), 2000, 'our SCCRQ');
      return { tooSmallPacket: { size: sent.length } };
    },
  },
  {
    name: 'messages after the SCCRQ carry a CCID the router never assigned',
    lines: ['wrongHeader'],
    async run(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' }, ['unknown-ccid']);
      await p.waitFor((e) => (e.kind === 'received' && e.name === 'SCCRP' ? true : undefined), 5000, 'an SCCRP');
      return { wrongHeader: {} };
    },
  },
];

const provokedBy = new Map<SyslogId, string>();

for (const s of SCENARIOS) {
  test(`syslog via the peer: ${s.name}`, async () => {
    const lab = await openPeerLab({ tunnels: [{ n: 1, peer: PEER, ...s.tunnel }] });
    try {
      if (s.routerFirst !== false) await lab.startRouter();
      const expected = await s.run(lab);
      expect(Object.keys(expected).sort()).toEqual([...s.lines].sort());
      for (const [id, args] of Object.entries(expected) as [SyslogId, SyslogArgs][]) {
        const line = await lab.syslog.waitFor(renderSyslog(id, args), 15_000);
        // RFC 5424 severities: informational 6, debug 7.
        expect(line.pri % 8, `severity of ${id}`).toBe(SYSLOG_CATALOGUE[id].level === 'DEBUG' ? 7 : 6);
      }
      for (const p of lab.peers) expect(p.errors).toEqual([]);
    } finally {
      await lab.close(test.info());
    }
  });
}

test('the scenarios and the not-caused table cover the catalogue exactly', async () => {
  for (const sc of SCENARIOS) for (const id of sc.lines) provokedBy.set(id, sc.name);
  const all = Object.keys(SYSLOG_CATALOGUE).sort();
  const notCaused = Object.keys(NOT_CAUSED_BY_A_PEER);
  expect([...provokedBy.keys(), ...notCaused].sort()).toEqual(all);
  for (const id of notCaused) expect(provokedBy.has(id as SyslogId), `${id} is in both tables`).toBe(false);
});
