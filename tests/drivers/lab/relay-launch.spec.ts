// What lab up makes of a link's `relay` and a router's `map_e` (issue 19), without root: the relay
// runs on the link's bridge with the topology's rules and customers (the rule's BR address is the
// relay's own), and the MAP-E router's --map-e carries that rule and its End-user prefix; the
// router's plan from it gives the CE the topology comment names (192.0.2.5, PSID 0x12).
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { planLab } from '../../../drivers/lab/lab-plan.ts';
import { mapERouterArgs, planRelays, RelayPlanError } from '../../../drivers/lab/relay-launch.ts';
import { loadTopology, type Topology } from '../../../topologies/schema/index.ts';
import { parseMapELabParams } from '../../../reference-impl/router/underlay/underlay-plan.ts';
import { mapECe } from '../../../reference-impl/underlay/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const load = (f: string): Topology => loadTopology(path.join(ROOT, f)).value!;

test('mape-ex1: one relay on the internet6 bridge with the rule and the IPIP customer; rt1 gets --map-e, rt2 none', () => {
  const t = load('topologies/seed/mape-ex1.yaml');
  const plan = planLab(t, { id: 'abc123', mode: 'netns', topologyFile: 'mape-ex1.yaml' });
  const [r, ...more] = planRelays(t, plan);
  expect(more).toEqual([]);
  expect(r.bridge).toBe(plan.bridges.find((b) => b.carries === 'link internet6')!.name);
  expect(r.config).toEqual({
    address: '2001:db8:1::100',
    mapRules: [{ ipv6Prefix: '2001:db8:aa00::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:1::100' }],
    ipip: [{ ipv4Prefix: '203.0.113.2/32', remote: '2001:db8:1::12' }],
  });
  expect(mapERouterArgs(t, 'rt2')).toEqual([]);
  const [flag, json] = mapERouterArgs(t, 'rt1');
  expect(flag).toBe('--map-e');
  const ce = mapECe(parseMapELabParams(json).rule, parseMapELabParams(json).endUserPrefix);
  expect([ce.ipv4, ce.psid]).toEqual(['192.0.2.5', 0x12]);
});

test('a map_e router whose link has no relay rule is a clear error; loopback mode plans no relay bridge', () => {
  const t = load('topologies/seed/mape-ex1.yaml');
  const broken: Topology = { ...t, links: t.links.map((l) => ({ ...l, relay: { ...l.relay!, map_e_rules: [] } })) };
  expect(() => mapERouterArgs(broken, 'rt1')).toThrow(RelayPlanError);
  expect(() => mapERouterArgs(broken, 'rt1')).toThrow(/map_e_rules\[0\]/);
  const loop = planLab(t, { id: 'abc123', mode: 'loopback', topologyFile: 'mape-ex1.yaml' });
  expect(() => planRelays(t, loop)).toThrow(/--netns/);
});
