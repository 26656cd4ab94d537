// L2MS frames (reference-impl/l2ms/frame.ts): identified by the assumed EtherType alone; the
// discovery query and answer round-trip; the answer goes back to the querying manager.
import { test, expect } from '@playwright/test';
import { buildEthernetFrame } from '../../../reference-impl/capture/ip.ts';
import { decodeL2ms, discoveryAnswer, discoveryQuery, isL2msFrame, l2msAssumption, L2MS_ASSUMPTIONS, L2MS_WIRE, macText } from '../../../reference-impl/l2ms/index.ts';

const MANAGER = '02:00:00:00:00:01';
const AGENT = { mac: '02:00:00:00:00:02', model: 'SWX2310P' };

test('a query goes from the manager to the L2MS group address, carries its transaction, and is at least the Ethernet minimum', () => {
  const q = discoveryQuery(MANAGER, 0xbeef);
  expect(macText(q, 0)).toBe(L2MS_WIRE.groupAddress);
  expect(macText(q, 6)).toBe(MANAGER);
  expect((q[12] << 8) | q[13]).toBe(L2MS_WIRE.etherType);
  expect(q.length).toBeGreaterThanOrEqual(60);
  expect(decodeL2ms(q)).toEqual({ kind: 'query', transaction: 0xbeef });
});

test('the answer goes back to the querying manager from the agent, with the same transaction, its MAC and model', () => {
  const a = discoveryAnswer(discoveryQuery(MANAGER, 7), AGENT);
  expect(macText(a, 0)).toBe(MANAGER);
  expect(macText(a, 6)).toBe(AGENT.mac);
  expect(decodeL2ms(a)).toEqual({ kind: 'answer', transaction: 7, agentMac: AGENT.mac, model: AGENT.model });
  expect(() => discoveryAnswer(a, AGENT)).toThrow(/not an L2MS discovery query/);
});

test('a frame is an L2MS frame by its EtherType alone; other payloads of that EtherType are L2MS frames of another kind', () => {
  const other = buildEthernetFrame({ src: MANAGER, dst: AGENT.mac, etherType: L2MS_WIRE.etherType, payload: new Uint8Array(46).fill(0x5a) });
  expect(isL2msFrame(other)).toBe(true);
  expect(decodeL2ms(other)).toEqual({ kind: 'other' });
  const ipv4 = buildEthernetFrame({ src: MANAGER, dst: AGENT.mac, etherType: 0x0800, payload: new Uint8Array(46) });
  expect(isL2msFrame(ipv4)).toBe(false);
  expect(decodeL2ms(ipv4)).toBeUndefined();
  expect(isL2msFrame(new Uint8Array(13))).toBe(false);
});

test('every wire fact is a named assumption with its reasoning', () => {
  for (const a of L2MS_ASSUMPTIONS) {
    expect(a.reasoning.length, a.id).toBeGreaterThan(40);
    expect(l2msAssumption(a.id)).toBe(a);
  }
  expect(l2msAssumption('l2ms-wire-identity').confidence).toBe('weak');
});
