// The @ipsec verdict's pure parts: the oracle's simulation of a peer and a device (two IKE nodes
// back to back), the ISAKMP events read from its datagrams with its keys, the device's [IKE] lines,
// and the divergences the verdict must see: a device whose answer differs in a payload, a message
// the peer sent again (not an event), a device that never answers (its events missing).
import { test, expect } from '@playwright/test';
import { Mulberry32 } from '../../../reference-impl/sim/prng.ts';
import type { IkeGatewayConfig } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import { DEFAULT_ESP, DEFAULT_PHASE1 } from '../../../reference-impl/ipsec/ike/profile.ts';
import { deviceIkeLog } from '../../../reference-impl/trace/ipsec-device-log.ts';
import { IPSEC_ROLE_RULES, isakmpEvents, type IpsecDatagram } from '../../../reference-impl/trace/ipsec-events.ts';
import { simulateIke, type IkeSimulationResult } from '../../../reference-impl/trace/ipsec-simulation.ts';
import { traceVerdict } from '../../../reference-impl/trace/verdict.ts';
import type { TraceEvent } from '../../../reference-impl/trace/trace-event.ts';

const DEVICE = '192.0.2.1';
const PEER = '192.0.2.2';
const PSK = Uint8Array.from(Buffer.from('unit-test-psk'));

function gateway(local: string, remote: string, psk = PSK): IkeGatewayConfig {
  return {
    gateway: 1, psk, local, remote, exchange: 'main', phase1: [DEFAULT_PHASE1], esp: DEFAULT_ESP,
    natTraversal: { on: true, force: true, keepaliveS: 'off' }, keepalive: { method: 'off', intervalS: 10, count: 6 },
    autoRefresh: false, transport: { protocol: 17, port: 1701 },
  };
}

function run(seed: number, peerPsk = PSK): IkeSimulationResult {
  const r = new Mulberry32(seed);
  return simulateIke({
    device: { address: DEVICE, gateways: [gateway(DEVICE, PEER)], random: r.fork() },
    peers: [{ address: PEER, gateway: { ...gateway(PEER, DEVICE, peerPsk), autoRefresh: true }, startMs: 100, initiator: true, random: r.fork() }],
    horizonMs: 5_000,
  });
}

function events(sim: IkeSimulationResult): TraceEvent[] {
  const d: IpsecDatagram[] = sim.datagrams.map((x) => ({ t: x.t, by: x.fromDevice ? 'device' : 'harness', at: `ike:${x.peer}`, port: x.port, bytes: x.bytes }));
  return isakmpEvents(d, sim.keys);
}

const judge = (predicted: TraceEvent[], observed: TraceEvent[]) =>
  traceVerdict({ predicted, observed, filters: [], roles: { fields: [...IPSEC_ROLE_RULES.fields!], texts: [...IPSEC_ROLE_RULES.texts!] }, tolerance: { ms: 100, formula: 'unit' }, horizonMs: 10_000 });

test('main mode and quick mode: six phase-1 and three quick-mode messages, every encrypted one read with the simulation\'s keys', () => {
  const e = events(run(1));
  expect(e.map((x) => `${x.by ?? 'device'} ${x.label}`)).toEqual([
    'harness ISAKMP Main Mode 1', 'device ISAKMP Main Mode 1', 'harness ISAKMP Main Mode 2', 'device ISAKMP Main Mode 2',
    'harness ISAKMP Main Mode 3', 'device ISAKMP Main Mode 3', 'harness ISAKMP Quick Mode 1', 'device ISAKMP Quick Mode 1', 'harness ISAKMP Quick Mode 2',
  ]);
  expect(e.flatMap((x) => x.fields).filter((f) => f.name === 'payloads')).toEqual([]);
  // the main-mode identities are the addresses (RFC 2409 §5: ID_IPV4_ADDR)
  expect(e.flatMap((x) => x.fields).filter((f) => f.name === 'ID').map((f) => f.value)).toEqual(expect.arrayContaining([expect.stringContaining(PEER), expect.stringContaining(DEVICE)]));
});

test('two runs with other random draws agree once cookies, message IDs and SPIs are named by role', () => {
  const v = judge(events(run(1)), events(run(2)));
  expect(v.comparison.divergence).toBeUndefined();
});

test('a device that answers with another payload diverges on that field', () => {
  const observed = events(run(2)).map((e) => (e.by === undefined && e.label === 'ISAKMP Quick Mode 1' ? { ...e, fields: e.fields.map((f) => (f.name === 'ID' ? { ...f, value: `${f.value}x` } : f)) } : e));
  const d = judge(events(run(1)), observed).comparison.divergence;
  expect(d?.kind).toBe('value');
  expect(d?.field).toBe('ID');
});

test('a retransmitted copy is no event; a device that goes silent after main mode 2 leaves its messages missing', () => {
  const sim = run(3);
  const d: IpsecDatagram[] = sim.datagrams.map((x) => ({ t: x.t, by: x.fromDevice ? 'device' : 'harness', at: 'ike:p', port: x.port, bytes: x.bytes }));
  expect(isakmpEvents([...d, { ...d[0], t: d[0].t + 1000 }], sim.keys)).toHaveLength(isakmpEvents(d, sim.keys).length);
  const cut = d.findIndex((x, i) => x.by === 'device' && i > 2);
  const v = judge(isakmpEvents(d, sim.keys), isakmpEvents(d.slice(0, cut), sim.keys));
  expect(v.comparison.divergence?.kind).toBe('missing');
});

test('a wrong pre-shared key: the device drops main mode 5 and logs it; no IPsec SA, no IP Tunnel Up', () => {
  const sim = run(4, Uint8Array.from(Buffer.from('not-the-psk')));
  const lines = deviceIkeLog(sim.deviceActions, { gateways: [gateway(DEVICE, PEER)], tunnels: [{ tunnel: 1, gateway: 1 }] }).map((l) => l.text);
  expect(lines[0]).toBe(`[IKE] respond ISAKMP phase to ${PEER}`);
  expect(lines.some((l) => l.startsWith(`[IKE] message from ${PEER} dropped`))).toBe(true);
  expect(lines).not.toContain('IP Tunnel[1] Up');
  expect(lines.join('\n')).not.toContain('unit-test-psk');
});

test('the peer\'s messages go at the times the real peer sent them (the stimulus), the device answers each then', () => {
  const r = new Mulberry32(5);
  const sendTimes = [100, 900, 1700, 2500];
  const sim = simulateIke({
    device: { address: DEVICE, gateways: [gateway(DEVICE, PEER)], random: r.fork() },
    peers: [{ address: PEER, gateway: gateway(PEER, DEVICE), startMs: 100, initiator: true, random: r.fork(), sendTimes }],
    horizonMs: 5_000,
  });
  const harness = sim.datagrams.filter((d) => !d.fromDevice).map((d) => d.t);
  expect(harness.slice(0, 4)).toEqual(sendTimes);
  const device = sim.datagrams.filter((d) => d.fromDevice).map((d) => d.t);
  expect(device.slice(0, 3)).toEqual([100, 900, 1700]);
});
