// The observed data-plane trace (drivers/trace/frame-observed.ts): data messages in a conversation
// decoded with the session's layout, their Session ID and cookie written relative to who chose
// them, the L2SS number kept; control messages left to the control channel; LAN frames both ways.
import { test, expect } from '@playwright/test';
import { Conversation } from '../../../drivers/peer/conversation.ts';
import { dataEventsFrom, lanEventsFrom } from '../../../drivers/trace/frame-observed.ts';
import { buildEthernetFrame } from '../../../reference-impl/capture/ip.ts';
import type { SessionLayout } from '../../../reference-impl/control/node-events.ts';
import { encodeDataMessage } from '../../../reference-impl/l2tpv3/data-message.ts';
import type { TraceEvent } from '../../../reference-impl/trace/trace-event.ts';

const PEER = { host: '127.0.0.2', port: 1701 };
const DEVICE = { host: '127.0.0.1', port: 1701 };
const layout: SessionLayout = {
  localSessionId: 1111, remoteSessionId: 2222,
  rxCookie: Uint8Array.of(1, 2, 3, 4), txCookie: Uint8Array.of(9, 9, 9, 9, 9, 9, 9, 9),
  rxLayout: { cookieLength: 4, l2ss: 'default' }, txLayout: { cookieLength: 8, l2ss: 'none' },
  pseudowireType: 5, rxSequencing: 2,
};
const frame = buildEthernetFrame({ src: '02:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x88b5, payload: new Uint8Array(46) });
const fields = (e: TraceEvent) => e.fields.slice(0, 3).map((f) => `${f.name}=${f.value}`);
const clock = { originMs: 0, timeScale: 10 };

test('data messages both ways, decoded with the layout; wrong values written raw; control messages left out', () => {
  const c = new Conversation();
  c.record('in', DEVICE, PEER, encodeDataMessage({ sessionId: 1111, cookie: layout.rxCookie, l2ss: { sequenced: true, sequence: 7 }, payload: frame }));
  c.record('in', DEVICE, PEER, encodeDataMessage({ sessionId: 3333, cookie: Uint8Array.of(0xde, 0xad, 0xbe, 0xef), l2ss: { sequenced: false, sequence: 0 }, payload: frame }));
  c.record('out', PEER, DEVICE, encodeDataMessage({ sessionId: 2222, cookie: layout.txCookie, l2ss: null, payload: frame }));
  c.record('out', PEER, DEVICE, Uint8Array.of(0xc8, 0x03, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0)); // a ZLB: the control channel's
  const events = dataEventsFrom(c.datagrams, clock, { nameOf: (h) => `peer ${h}`, layoutOf: () => layout });
  expect(events.map(fields)).toEqual([
    ["Session ID=peer's Local Session ID", "cookie=peer's Assigned Cookie (4 octets)", 'L2SS=S=1 seq=7'],
    ['Session ID=other: 3333', 'cookie=other: deadbeef', 'L2SS=S=0'],
    ["Session ID=device's Local Session ID", "cookie=device's Assigned Cookie (8 octets)", 'L2SS=none'],
  ]);
  expect(events.map((e) => [e.by ?? 'device', e.at, e.label])).toEqual([['device', 'peer 127.0.0.2', 'data'], ['device', 'peer 127.0.0.2', 'data'], ['harness', 'peer 127.0.0.2', 'data']]);
  expect(events[0].fields.find((f) => f.name === 'dst')?.value).toBe('ff:ff:ff:ff:ff:ff');
});

test('data before any session, or too short for the layout, is an undecodable event with its octets', () => {
  const c = new Conversation();
  c.record('in', DEVICE, PEER, Uint8Array.of(0, 3, 0, 0, 0, 0, 4, 87));
  const none = dataEventsFrom(c.datagrams, clock, { nameOf: (h) => h, layoutOf: () => undefined });
  expect(none[0].fields[0]).toEqual({ name: 'error', value: 'no session was up at this peer' });
  const short = dataEventsFrom(c.datagrams, clock, { nameOf: (h) => h, layoutOf: () => layout });
  expect(short[0].fields[0].name).toBe('error');
  expect(short[0].fields[1]).toEqual({ name: 'octets', value: '0003000000000457' });
});

test('LAN frames: received from the device and sent by the harness, on the trace clock', () => {
  const events = lanEventsFrom('lan1', [{ frame, atMs: 100 }], [{ frame, atMs: 50 }], clock);
  expect(events.map((e) => [e.by ?? 'device', e.at, e.t])).toEqual([['device', 'lan1', 1000], ['harness', 'lan1', 500]]);
});
