// The data plane's per-frame path (reference-impl/router/data-plane.ts), pure, without sockets:
// what it sends into a session is exactly encodeDataMessage's data message (RFC 3931 §4.1:
// Session ID, the peer's cookie, the Default L2-Specific Sublayer when negotiated, the frame),
// frame after frame, for every cookie length and sublayer, and with tx-own-session-id our Session
// ID instead; a frame from the tunnel reaches the LAN unchanged.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { parseConfig } from '../../../reference-impl/config/index.ts';
import type { SessionLayout } from '../../../reference-impl/control/node-events.ts';
import { decodeDataMessage, encodeDataMessage, type CookieLength, type L2ssMode } from '../../../reference-impl/l2tpv3/data-message.ts';
import { DataPlane } from '../../../reference-impl/router/data-plane.ts';
import type { DefectName } from '../../../reference-impl/router/defects.ts';
import { FilterStage } from '../../../reference-impl/router/filter-stage.ts';
import { planRouter } from '../../../reference-impl/router/router-config.ts';

const PEER = '192.0.2.2';
// seed example 1's shape: bridge1 = lan1 + tunnel1
const CONFIG = [
  'bridge member bridge1 lan1 tunnel1',
  'tunnel select 1',
  ' tunnel encapsulation l2tpv3-raw',
  ` tunnel endpoint address 192.0.2.1 ${PEER}`,
  ' tunnel enable 1',
  'l2tp service on l2tpv3',
  '',
].join('\n');

function dataPlane(defects: DefectName[] = []) {
  const d = new Set(defects);
  const plan = planRouter(parseConfig(CONFIG), 'RTX1210', '14.01.26', d);
  const sent: { udp: { peer: string; bytes: Uint8Array }[]; lan: { port: string; frame: Uint8Array }[] } = { udp: [], lan: [] };
  const dp = new DataPlane(plan, plan.caps, () => Uint8Array.of(0x00, 0xa0, 0xde, 0, 0, 1), new FilterStage(plan, plan.caps, d, () => {}), d, {
    // kept as sent, not copied: later frames must not overwrite earlier messages (arena views)
    udp: (peer, bytes) => sent.udp.push({ peer, bytes }),
    lan: (port, frame) => sent.lan.push({ port, frame }),
    activity: () => {},
  }, 0);
  return { dp, sent };
}

function layout(cookieLength: CookieLength, l2ss: L2ssMode): SessionLayout {
  const cookie = (seed: number) => Uint8Array.from({ length: cookieLength }, (_, i) => (seed + i * 7) & 0xff);
  return {
    localSessionId: 0x1111, remoteSessionId: 0x2222_0001, rxCookie: cookie(3), txCookie: cookie(0x90),
    rxLayout: { cookieLength, l2ss }, txLayout: { cookieLength, l2ss }, pseudowireType: 5,
  };
}

const frameArb = fc.uint8Array({ minLength: 60, maxLength: 1514 }).map((f) => {
  // an individual source (I/G bit clear, not all zero) so the bridge forwards it
  f[6] = (f[6] & 0xfe) | 0x02;
  f[12] = 0x88;
  f[13] = 0xb5; // untagged, local experimental EtherType
  return f;
});

test('LAN -> tunnel: every frame becomes exactly the data message encodeDataMessage makes', () => {
  fc.assert(
    fc.property(fc.constantFrom<CookieLength>(0, 4, 8), fc.constantFrom<L2ssMode>('none', 'default'), fc.array(frameArb, { minLength: 1, maxLength: 40 }), (cl, l2ss, frames) => {
      const { dp, sent } = dataPlane();
      const l = layout(cl, l2ss);
      dp.sessionUp(1, PEER, l);
      frames.forEach((f, i) => dp.fromLan('lan1', f, i));
      // unknown destinations flood to the tunnel: one data message per frame, in order
      const expected = frames.map((f) => encodeDataMessage({ sessionId: l.remoteSessionId, cookie: l.txCookie, l2ss: l2ss === 'default' ? { sequenced: false, sequence: 0 } : null, payload: f }));
      const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
      // plain comparisons inside the property (fast); fast-check reports the failing case
      return sent.udp.length === frames.length && sent.udp.every((s, i) => s.peer === PEER && hex(s.bytes) === hex(expected[i]));
    }),
    { numRuns: 60 },
  );
});

test('tx-own-session-id: our own Session ID goes out instead of the peer\'s', () => {
  const { dp, sent } = dataPlane(['tx-own-session-id']);
  const l = layout(4, 'default');
  dp.sessionUp(1, PEER, l);
  const f = new Uint8Array(64);
  f.set([0x02, 0, 0, 0, 0, 0x09, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5]);
  dp.fromLan('lan1', f, 0);
  const d = decodeDataMessage(sent.udp[0].bytes, 'udp', l.txLayout);
  expect(d.ok && d.value.sessionId).toBe(l.localSessionId);
});

test('tunnel -> LAN: the frame in a data message with our cookie leaves lan1 unchanged; a wrong cookie is dropped', () => {
  const { dp, sent } = dataPlane();
  const l = layout(8, 'default');
  dp.sessionUp(1, PEER, l);
  const f = new Uint8Array(64).fill(0x5a);
  f.set([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x88, 0xb5]);
  const msg = (cookie: Uint8Array) => encodeDataMessage({ sessionId: l.localSessionId, cookie, l2ss: { sequenced: false, sequence: 0 }, payload: f });
  dp.fromTunnel(PEER, msg(l.rxCookie), 0);
  expect(sent.lan.map((s) => s.port)).toEqual(['lan1']);
  expect([...sent.lan[0].frame]).toEqual([...f]);
  dp.fromTunnel(PEER, msg(l.txCookie), 1); // the peer's own cookie: not the one we assigned (facts §1.4)
  expect(sent.lan).toHaveLength(1);
  expect(dp.counters.dropped).toBe(1);
});

test('cookie-ignored: the peer\'s Assigned Cookie is left out of what we send', () => {
  const { dp, sent } = dataPlane(['cookie-ignored']);
  const l = layout(8, 'none');
  dp.sessionUp(1, PEER, l);
  const f = new Uint8Array(64).fill(0x33);
  f.set([0x02, 0, 0, 0, 0, 0x09, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5]);
  dp.fromLan('lan1', f, 0);
  // 4 octets of UDP data header + 4 of Session ID, then the frame at once: no 8-octet cookie
  expect(sent.udp[0].bytes.length).toBe(8 + f.length);
  const d = decodeDataMessage(sent.udp[0].bytes, 'udp', { cookieLength: 0, l2ss: 'none' });
  expect(d.ok && [...d.value.payload]).toEqual([...f]);
});
