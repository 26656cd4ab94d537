// A suite proves itself by catching bugs (DESIGN.md): each check below, driven by the tester
// peer, passes against the faithful emulated router and fails against the router with the
// named injected defect (`router --list-defects`).
import { test, expect } from '@playwright/test';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { deviceCcid } from './helpers/ids.ts';
import { openPeerLab } from './helpers/open-lab.ts';
import type { DeviceLab } from '../../../drivers/dut/device-lab.ts';
import { BRIDGE_ADDRESS, type RouterTunnelSpec } from '../../../drivers/dut/lab-config.ts';
import { arpRequest, isArpReplyFrom } from './helpers/traffic.ts';

const PEER = '127.0.0.2';

interface Check {
  defect: string;
  what: string;
  tunnel?: Partial<RouterTunnelSpec>;
  /** true: the router behaved as the spec says. */
  conforms(lab: DeviceLab): Promise<boolean>;
}

/** Resolves with whichever comes first: the refusal line, or the session up. */
async function refusedOrUp(lab: DeviceLab, misbehaviour: string, refusal: string): Promise<boolean> {
  const p = await lab.peer(PEER, { role: 'initiator' }, [misbehaviour]);
  return Promise.race([lab.syslog.waitFor(refusal).then(() => true), p.established().then(() => false)]);
}

const CHECKS: Check[] = [
  {
    defect: 'router-id-not-checked', what: 'a wrong Router ID is refused',
    conforms: (lab) => refusedOrUp(lab, 'wrong-router-id', renderSyslog('routerIdMismatched')),
  },
  {
    defect: 'end-id-not-checked', what: 'a wrong Remote End ID is refused',
    conforms: (lab) => refusedOrUp(lab, 'wrong-end-id', renderSyslog('remoteEndIdMismatched')),
  },
  {
    defect: 'tie-break-inverted', what: 'with our tie breaker all zero, the router loses the SCCRQ tie',
    tunnel: { alwaysOn: true },
    async conforms(lab) {
      const p = await lab.peer(PEER, { role: 'responder' }, ['simultaneous-sccrq=low']);
      await lab.startRouter();
      const line = await lab.syslog.waitFor(/^\[L2TPv3\] tie breaking tunnel \d+$/);
      return line.text === renderSyslog('tieBreakingTunnel', { tunnelId: deviceCcid(p) });
    },
  },
  {
    defect: 'session-id-not-checked', what: 'data for an unknown Session ID is not bridged',
    async conforms(lab) {
      const p = await lab.peer(PEER, { role: 'initiator' }, []);
      await p.established();
      const replyTo = (ip: string) => (f: Uint8Array) => isArpReplyFrom(BRIDGE_ADDRESS)(f) && [...f.subarray(38, 42)].join('.') === ip;
      p.dataHooks.push((m) => ({ ...m, sessionId: (m.sessionId ^ 0x5a5a5a5a) >>> 0 }));
      p.sendFrame(arpRequest('02:00:00:00:02:61', '192.168.100.61', BRIDGE_ADDRESS));
      p.dataHooks.length = 0;
      p.sendFrame(arpRequest('02:00:00:00:02:62', '192.168.100.62', BRIDGE_ADDRESS));
      await p.waitFor((e) => (e.kind === 'frame' && replyTo('192.168.100.62')(e.frame) ? true : undefined), 5000, 'ARP reply to .62');
      return !p.events.some((e) => e.kind === 'frame' && replyTo('192.168.100.61')(e.frame));
    },
  },
  {
    defect: 'syslog-wrong-level', what: 'INFO lines go out with severity informational (6)',
    async conforms(lab) {
      await lab.peer(PEER, { role: 'initiator' });
      const line = await lab.syslog.waitFor(renderSyslog('connectedFrom', { tunnel: 1, address: PEER }));
      return line.pri % 8 === 6;
    },
  },
];

for (const c of CHECKS) {
  for (const defective of [false, true]) {
    test(`${c.what}: ${defective ? `fails with defect ${c.defect}` : 'holds on the faithful router'}`, async () => {
      const lab = await openPeerLab({ tunnels: [{ n: 1, peer: PEER, ...c.tunnel }], defects: defective ? [c.defect] : [] });
      try {
        if (!c.tunnel?.alwaysOn) await lab.startRouter();
        expect(await c.conforms(lab)).toBe(!defective);
      } finally {
        await lab.close(test.info());
      }
    });
  }
}
