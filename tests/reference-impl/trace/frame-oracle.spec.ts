// The frame oracle (reference-impl/trace/frame-oracle.ts) on its own: what it predicts at which
// port for a config and a stimulus, written from the bridge and filter facts and RFC 3931, so a
// change in it that would make the data-plane verdicts echo something else is caught here.
import { test, expect } from '@playwright/test';
import { buildEthernetFrame } from '../../../reference-impl/capture/ip.ts';
import { DEFAULT_CONTROL_PROFILE } from '../../../reference-impl/control/control-profile.ts';
import { capabilities } from '../../../reference-impl/platform/index.ts';
import { FrameOracle, type OracleSession } from '../../../reference-impl/trace/frame-oracle.ts';
import type { TraceEvent } from '../../../reference-impl/trace/trace-event.ts';

const BASE = ['ip bridge1 address 192.168.100.1/24', 'bridge member bridge1 lan1 tunnel1'];
const DEVICE_MAC = '00:a0:de:00:00:01';
const HOST = '02:00:00:00:01:0a';
const FAR = '02:00:00:00:05:0f';
const SESSION: OracleSession = { at: '127.0.0.2', txCookieLength: 4, txL2ss: true, txSequencing: 2, rxL2ss: true, rxSequencing: 2 };

function oracle(extra: string[] = [], model = 'RTX1210'): FrameOracle {
  const caps = capabilities(model, model === 'RTX1210' ? '14.01.26' : '14.00.26');
  const o = new FrameOracle({
    config: [...BASE, ...extra].join('\n') + '\n', model, caps, sequencing: DEFAULT_CONTROL_PROFILE,
    deviceMac: DEVICE_MAC, watchedLanPorts: ['lan1'], toleranceMs: 4000,
  });
  o.apply(0, { kind: 'sessionUp', member: 'tunnel1', session: SESSION });
  return o;
}

const frame = (src: string, dst: string, tag = 'x') => buildEthernetFrame({ src, dst, etherType: 0x88b5, payload: new TextEncoder().encode(tag.padEnd(46, '.')) });
const value = (e: TraceEvent, name: string) => e.fields.find((f) => f.name === name)?.value;
const at = (events: readonly TraceEvent[]) => events.map((e) => `${e.at} ${e.label}`);

test('a broadcast from lan1 goes to the pseudowire only, with the peer\'s Session ID and cookie and numbered from 0', () => {
  const o = oracle();
  o.apply(10, { kind: 'lanFrame', port: 'lan1', frame: frame(HOST, 'ff:ff:ff:ff:ff:ff', 'a') });
  o.apply(20, { kind: 'lanFrame', port: 'lan1', frame: frame(HOST, 'ff:ff:ff:ff:ff:ff', 'b') });
  expect(at(o.events)).toEqual(['127.0.0.2 data', '127.0.0.2 data']);
  expect(o.events.map((e) => [value(e, 'Session ID'), value(e, 'cookie'), value(e, 'L2SS')])).toEqual([
    ["peer's Local Session ID", "peer's Assigned Cookie (4 octets)", 'S=1 seq=0'],
    ["peer's Local Session ID", "peer's Assigned Cookie (4 octets)", 'S=1 seq=1'],
  ]);
  expect(o.events.map((e) => e.t)).toEqual([10, 20]);
});

test('data with a wrong cookie, an unknown session or an old number reaches no port (RFC 3931 §4.1, App. C)', () => {
  const o = oracle();
  const f = frame(FAR, 'ff:ff:ff:ff:ff:ff');
  o.apply(1, { kind: 'data', member: 'tunnel1', frame: f, sessionIdOk: true, cookieOk: false, l2ss: { sequenced: true, sequence: 0 } });
  o.apply(2, { kind: 'data', member: 'tunnel1', frame: f, sessionIdOk: false, cookieOk: true, l2ss: { sequenced: true, sequence: 0 } });
  o.apply(3, { kind: 'data', member: 'tunnel1', frame: f, sessionIdOk: true, cookieOk: true, l2ss: { sequenced: true, sequence: 5 } });
  o.apply(4, { kind: 'data', member: 'tunnel1', frame: f, sessionIdOk: true, cookieOk: true, l2ss: { sequenced: true, sequence: 5 } });
  o.apply(5, { kind: 'data', member: 'tunnel1', frame: f, sessionIdOk: true, cookieOk: true, l2ss: { sequenced: true, sequence: 3 } });
  o.apply(6, { kind: 'data', member: 'tunnel1', frame: f, sessionIdOk: true, cookieOk: true, l2ss: { sequenced: true, sequence: 6 } });
  expect(o.events.map((e) => `${e.t} ${e.at}`)).toEqual(['3 lan1', '6 lan1']);
});

test('after the session goes down nothing goes toward the peer, and its data is not bridged', () => {
  const o = oracle();
  o.apply(5, { kind: 'sessionDown', member: 'tunnel1' });
  o.apply(6, { kind: 'lanFrame', port: 'lan1', frame: frame(HOST, 'ff:ff:ff:ff:ff:ff') });
  o.apply(7, { kind: 'data', member: 'tunnel1', frame: frame(FAR, 'ff:ff:ff:ff:ff:ff'), sessionIdOk: true, cookieOk: true, l2ss: null });
  expect(o.events).toEqual([]);
});

test('the learning table listing: learned entries, `clear` keeps the static ones, a listing at the ageing boundary is undecidable', () => {
  const o = oracle(['bridge learning bridge1 timer 30', 'bridge learning bridge1 static 02:00:00:00:aa:01 lan1']);
  o.apply(1000, { kind: 'data', member: 'tunnel1', frame: frame(FAR, 'ff:ff:ff:ff:ff:ff'), sessionIdOk: true, cookieOk: true, l2ss: { sequenced: true, sequence: 0 } });
  o.apply(2000, { kind: 'show', command: 'show bridge learning bridge1', bridge: 'bridge1', poll: 1 });
  o.apply(29_000, { kind: 'show', command: 'show bridge learning bridge1', bridge: 'bridge1', poll: 2 });
  o.apply(40_000, { kind: 'show', command: 'show bridge learning bridge1', bridge: 'bridge1', poll: 3 });
  o.apply(41_000, { kind: 'clear', bridge: 'bridge1' });
  o.apply(42_000, { kind: 'show', command: 'show bridge learning bridge1', bridge: 'bridge1', poll: 4 });
  const listings = o.events.filter((e) => e.source === 'cli').map((e) => e.fields.map((f) => f.value));
  expect(listings[0]).toEqual(['#1, 2 entries', `${FAR} tunnel1 dynamic`, '02:00:00:00:aa:01 lan1 static']);
  expect(listings[2]).toEqual(['#3, 1 entries', '02:00:00:00:aa:01 lan1 static']);
  expect(listings[3]).toEqual(['#4, 1 entries', '02:00:00:00:aa:01 lan1 static']);
  expect([...o.undecidable]).toEqual([2]); // 29 s is within 4 s of the entry's ageing out at 31 s
});

test('an Ethernet filter list on lan1: first match decides, no match drops; a -log filter that matches predicts its log line', () => {
  const o = oracle(['ethernet filter 1 reject-nolog 02:00:00:00:01:0a *', 'ethernet filter 2 pass-log 02:00:00:00:01:* *', 'ethernet lan1 filter in 1 2']);
  o.apply(1, { kind: 'lanFrame', port: 'lan1', frame: frame('02:00:00:00:01:0a', 'ff:ff:ff:ff:ff:ff') });
  o.apply(2, { kind: 'lanFrame', port: 'lan1', frame: frame('02:00:00:00:01:0b', 'ff:ff:ff:ff:ff:ff') });
  o.apply(3, { kind: 'lanFrame', port: 'lan1', frame: frame('02:00:00:00:02:0c', 'ff:ff:ff:ff:ff:ff') });
  expect(o.events.map((e) => `${e.t} ${e.source}@${e.at}`)).toEqual(['2 syslog@collector', '2 frame@127.0.0.2']);
  expect(value(o.events[0], 'text')).toBe('[ETHERNET] lan1 Passed at IN(2) filter: 02:00:00:00:01:0b > ff:ff:ff:ff:ff:ff');
});

test('an ARP request for the bridge address is answered by the device, unpadded, from its MAC', () => {
  const o = oracle();
  const arp = buildEthernetFrame({
    src: HOST, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x0806,
    payload: Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 1, 0x0a, 192, 168, 100, 10, 0, 0, 0, 0, 0, 0, 192, 168, 100, 1]),
  });
  o.apply(1, { kind: 'lanFrame', port: 'lan1', frame: arp });
  const reply = o.events.find((e) => e.at === 'lan1');
  expect(reply && [value(reply, 'dst'), value(reply, 'src'), value(reply, 'ethertype'), value(reply, 'length')]).toEqual([HOST, DEVICE_MAC, '0x0806', '42']);
  // ASSUMPTION answer-before-learning: the host is not learned yet, so the reply is flooded to the
  // pseudowire too; then the request itself (a broadcast) is flooded there
  expect(at(o.events)).toEqual(['lan1 frame', '127.0.0.2 data', '127.0.0.2 data']);
});
