// Observed traces from what the harness saw: a peer's conversation (both directions), syslog
// lines and CLI outputs become trace events on the virtual clock of the run, and the stimulus log
// stamps steps with an injected clock.
import { test, expect } from '@playwright/test';
import type { RecordedDatagram } from '../../../drivers/peer/conversation.ts';
import { cliEventsFrom, controlEventsFrom, syslogEventsFrom } from '../../../drivers/trace/observed-trace.ts';
import { StimulusLog } from '../../../drivers/trace/stimulus-log.ts';
import { toRealMs, toVirtualMs } from '../../../drivers/trace/trace-clock.ts';
import { encodeControlMessage, MESSAGE_TYPE, AVP } from '../../../reference-impl/l2tpv3/index.ts';

const DEVICE = { host: '127.0.0.1', port: 1701 };
const PEER = { host: '127.0.0.9', port: 1701 };
const clock = { originMs: 1_000_000, timeScale: 10 };

const hello = (ccid: number) => encodeControlMessage({ ccid, ns: 3, nr: 4, avps: [{ mandatory: true, hidden: false, vendorId: 0, attributeType: AVP.MessageType, value: { kind: 'u16', value: MESSAGE_TYPE.HELLO } }] });

test('control messages both ways: device-sent at the receiving peer, harness-sent marked as such, times scaled from the origin', () => {
  const datagrams: RecordedDatagram[] = [
    { direction: 'out', atUs: 1_000_010_000, src: PEER, dst: DEVICE, bytes: hello(11) },
    { direction: 'in', atUs: 1_000_012_500, src: DEVICE, dst: PEER, bytes: hello(22) },
    { direction: 'in', atUs: 1_000_013_000, src: DEVICE, dst: PEER, bytes: Uint8Array.from([0x00, 0x03, 0, 0, 0, 0, 0, 1]) }, // data: not a control event
  ];
  const events = controlEventsFrom(datagrams, clock, { nameOf: (h) => (h === PEER.host ? 'peer-a' : h) });
  expect(events.map((e) => [e.by ?? 'device', e.at, e.label, e.t])).toEqual([
    ['harness', 'peer-a', 'HELLO', 100],
    ['device', 'peer-a', 'HELLO', 125],
  ]);
  expect(events[1].fields.slice(0, 3)).toEqual([{ name: 'CCID', value: '22' }, { name: 'Ns', value: '3' }, { name: 'Nr', value: '4' }]);
});

test('syslog lines keep their severity and text; a line without PRI says so', () => {
  const events = syslogEventsFrom([{ pri: 14, text: 'a', atMs: 1_000_001 }, { pri: -1, text: 'b', atMs: 1_000_002 }], clock);
  expect(events.map((e) => [e.t, e.fields.map((f) => f.value)])).toEqual([[10, ['info(6)', 'a']], [20, ['missing', 'b']]]);
});

test('a CLI output is one event per command, one field per line (a trailing newline is not a line)', () => {
  const [e] = cliEventsFrom([{ command: 'show status l2tp', output: 'TUNNEL[1]:\r\n  state: established\n', atMs: 1_000_000 }], clock);
  expect([e.label, e.fields]).toEqual(['show status l2tp', [{ name: 'line 1', value: 'TUNNEL[1]:' }, { name: 'line 2', value: '  state: established' }]]);
});

test('the stimulus log stamps steps with its clock; the origin is the first step', () => {
  let now = 500;
  const log = new StimulusLog(() => now);
  log.record({ kind: 'deviceStart' });
  now = 530;
  log.record({ kind: 'peerStart', peer: '127.0.0.2', role: 'initiator' });
  const c = log.clock(10);
  expect(c.originMs).toBe(500);
  expect(log.steps.map((s) => toVirtualMs(c, s.atMs))).toEqual([0, 300]);
  expect(toRealMs(c, 300)).toBe(530);
});
