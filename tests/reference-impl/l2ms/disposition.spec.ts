// What a router does with an L2MS frame per mode (seed: L2TPv3とL2MS; CR §48.1.1-48.1.2;
// reference-impl/l2ms/disposition.ts), and which state a bridge or LAN runs (l2msStateAt).
import { test, expect } from '@playwright/test';
import { buildEthernetFrame } from '../../../reference-impl/capture/ip.ts';
import { discoveryAnswer, discoveryQuery, l2msDisposition, l2msStateAt, L2MS_WIRE, type L2msMode } from '../../../reference-impl/l2ms/index.ts';

const SELF = { mac: '00:a0:de:00:00:01', model: 'RTX1220' };
const MANAGER = '02:00:00:00:00:01';
const query = discoveryQuery(MANAGER, 1);
const answer = discoveryAnswer(query, { mac: '02:00:00:00:00:02', model: 'SWX2210' });
const control = buildEthernetFrame({ src: MANAGER, dst: '02:00:00:00:00:02', etherType: L2MS_WIRE.etherType, payload: new Uint8Array(46).fill(0x5a) }); // no version 1: kind 'other'
const ipv4 = buildEthernetFrame({ src: MANAGER, dst: '02:00:00:00:00:02', etherType: 0x0800, payload: new Uint8Array(46) });

test('L2MS off, or `use` off on the interface: every frame is bridged, nothing answered (CR §48.1.2)', () => {
  for (const mode of ['manager', 'agent', 'off'] as L2msMode[]) {
    for (const use of mode === 'off' ? [true, false] : [false]) {
      for (const f of [query, answer, control, ipv4]) {
        const d = l2msDisposition(f, { mode, use }, SELF);
        expect(d.bridged, `${mode} use=${use}`).toBe(true);
        expect(d.answers).toEqual([]);
      }
    }
  }
});

test('a manager consumes every L2MS frame and answers none; other frames pass (ASSUMPTION l2ms-manager-consumes)', () => {
  for (const f of [query, answer, control]) expect(l2msDisposition(f, { mode: 'manager', use: true }, SELF)).toMatchObject({ bridged: false, answers: [] });
  expect(l2msDisposition(ipv4, { mode: 'manager', use: true }, SELF).bridged).toBe(true);
});

test('an agent answers a discovery query with its own identity and bridges it on; other L2MS frames pass', () => {
  const d = l2msDisposition(query, { mode: 'agent', use: true }, SELF);
  expect(d.bridged).toBe(true);
  expect(d.answers.map((a) => Buffer.from(a).toString('hex'))).toEqual([Buffer.from(discoveryAnswer(query, SELF)).toString('hex')]);
  for (const f of [answer, control]) expect(l2msDisposition(f, { mode: 'agent', use: true }, SELF)).toMatchObject({ bridged: true, answers: [] });
});

test('a bridge runs L2MS by its own `use`, else when a LAN member has `use on`; a LAN port by its own (ASSUMPTION l2ms-bridge-use)', () => {
  const bridges = [{ bridge: 'bridge1', members: ['lan1', 'tunnel1'] }];
  const view = (use: [string, boolean][]) => ({ mode: 'manager' as const, use: new Map(use), bridges });
  expect(l2msStateAt(view([]), 'bridge1').use).toBe(false);
  expect(l2msStateAt(view([['lan1', true]]), 'bridge1').use).toBe(true);
  expect(l2msStateAt(view([['lan1', true], ['bridge1', false]]), 'bridge1').use).toBe(false);
  expect(l2msStateAt(view([['lan1', false], ['bridge1', true]]), 'bridge1').use).toBe(true);
  expect(l2msStateAt(view([['lan2', true]]), 'lan2')).toEqual({ mode: 'manager', use: true });
  expect(l2msStateAt(view([]), 'lan2').use).toBe(false);
});
