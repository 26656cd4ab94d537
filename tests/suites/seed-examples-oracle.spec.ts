// The helpers of suites/seed-examples.spec.ts in isolation: the device-as-rt1 topology copy, the
// oracle's bring-up and reachability answers for the seed examples, the `show status l2tp` parser.
// Expected values come from the seed: 設定例2 joins three sites through the hub (two tunnels at
// rt1), the support table gives RTX830 one L2TPv3 tunnel, RTX1210 nine.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseShowStatusL2tp, isEstablished } from '../../suites/support/lab-console.ts';
import { ANY_FIRMWARE_PLACEHOLDER, deviceAsRouter, SeedExampleError } from '../../suites/support/seed-example.ts';
import { predictBringUp } from '../../suites/support/seed-pseudowires.ts';
import { networkOf, predictPings } from '../../suites/support/seed-reachability.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seed = (name: string) => path.join(ROOT, 'topologies/seed', `${name}.yaml`);

test('the copy puts the device in rt1\'s role and keeps rt1\'s config; `any` firmware is a placeholder revision in the file only', () => {
  const ex = deviceAsRouter(seed('ex2-three-sites-hub'), 'rt1', { model: 'RTX1300', firmware: 'any' });
  try {
    const rt1 = ex.topology.routers.find((r) => r.name === 'rt1')!;
    expect([rt1.model, rt1.firmware]).toEqual(['RTX1300', ANY_FIRMWARE_PLACEHOLDER]);
    expect(ex.routers.find((r) => r.name === 'rt1')!.firmware).toBe('any');
    expect(ex.routers.find((r) => r.name === 'rt1')!.config).toBe(readFileSync(path.join(ROOT, 'topologies/seed/configs/ex2-three-sites-hub/rt1.conf'), 'utf8'));
    expect(ex.routers.find((r) => r.name === 'rt2')).toMatchObject({ model: 'RTX830', firmware: 'Rev.15.02.22' });
  } finally {
    ex.dispose();
  }
  expect(existsSync(ex.dir)).toBe(false);
  expect(() => deviceAsRouter(seed('ex1-two-sites'), 'hub', { model: 'RTX1210', firmware: 'Rev.14.01.26' })).toThrow(SeedExampleError);
});

test('example 2 with a 9-tunnel hub: both pseudowires up, the spokes reach each other through the hub', () => {
  const ex = deviceAsRouter(seed('ex2-three-sites-hub'), 'rt1', { model: 'RTX1210', firmware: 'Rev.14.01.26' });
  try {
    const up = predictBringUp(ex.topology, ex.routers);
    expect(up.routers.map((r) => r.config.response)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(up.pseudowires.map((p) => [p.name, p.established])).toEqual([['rt1-rt2', true], ['rt1-rt3', true]]);
    const pings = predictPings(ex.topology, networkOf(ex.topology, ex.routers, up));
    expect(pings.map((p) => [p.scenario, p.reachable])).toEqual([['spoke-to-spoke-through-hub', true], ['hub-to-spoke', true]]);
    // the same network with rt1-rt3 down: pc3 is cut off, pc2 still reaches the hub's site
    const down = { ...up, pseudowires: up.pseudowires.map((p) => (p.name === 'rt1-rt3' ? { ...p, established: false } : p)) };
    const cut = predictPings(ex.topology, networkOf(ex.topology, ex.routers, down));
    expect(cut.map((p) => [p.scenario, p.reachable])).toEqual([['spoke-to-spoke-through-hub', false], ['hub-to-spoke', true]]);
  } finally {
    ex.dispose();
  }
});

test('example 2 with a 1-tunnel hub (RTX830): the hub config is refused at its second tunnel, nothing comes up', () => {
  const ex = deviceAsRouter(seed('ex2-three-sites-hub'), 'rt1', { model: 'RTX830', firmware: 'Rev.15.02.22' });
  try {
    const up = predictBringUp(ex.topology, ex.routers);
    const rt1 = up.routers.find((r) => r.name === 'rt1')!;
    expect(rt1.config.response).toBe('refused');
    expect(rt1.config.errors).toEqual([expect.stringMatching(/^config:\d+: Error: .*tunnel 2: RTX830 Rev\.15\.02\.22 runs at most 1 L2TPv3 tunnel/)]);
    expect(up.pseudowires.every((p) => !p.established)).toBe(true);
    expect(predictPings(ex.topology, networkOf(ex.topology, ex.routers, up)).every((p) => !p.reachable)).toBe(true);
  } finally {
    ex.dispose();
  }
});

test('example 3 (IPv6 underlay) comes up on the IPv6 WAN addresses', () => {
  const ex = deviceAsRouter(seed('ex3-ipv6-underlay'), 'rt1', { model: 'RTX1210', firmware: 'Rev.14.01.26' });
  try {
    const up = predictBringUp(ex.topology, ex.routers);
    expect(up.routers.map((r) => r.l2tpAddress)).toEqual(['2001:db8:1::1', '2001:db8:1::2']);
    expect(up.pseudowires.map((p) => p.established)).toEqual([true]);
  } finally {
    ex.dispose();
  }
});

test('show status l2tp: tunnels, their state and their sessions\' states', () => {
  const lines = [
    'L2TP tunnels: 2, sessions: 1',
    'TUNNEL[1]:',
    '  Encapsulation: L2TPv3',
    '  State: established',
    '  Sessions: 1',
    '    Session ID: local 2422768182, remote 1140151765, state established, end-id site1-site2',
    'TUNNEL[2]:',
    '  State: wait-ctl-reply',
    '  Sessions: 0',
  ];
  const s = parseShowStatusL2tp(lines);
  expect(s).toEqual([
    { tunnel: 1, state: 'established', sessionStates: ['established'] },
    { tunnel: 2, state: 'wait-ctl-reply', sessionStates: [] },
  ]);
  expect(s.map(isEstablished)).toEqual([true, false]);
  expect(isEstablished(undefined)).toBe(false);
});
