// The lab plan (pure): what `lab up` will make for a topology, before anything is made. Names come
// from the topology (seed example 1: rt1/rt2 WAN lan2 on link `internet`, LAN lan1, hosts pc1/pc2).
import { test, expect } from '@playwright/test';
import { loadTopology } from '../../../topologies/schema/index.ts';
import { labPrefix, planLab } from '../../../drivers/lab/index.ts';

const EX1 = 'topologies/seed/ex1-two-sites.yaml';
const ex1 = () => {
  const t = loadTopology(EX1).value;
  if (!t) throw new Error('seed example 1 does not load');
  return t;
};

test('netns plan of seed example 1: every namespace carries the lab prefix; routers and hosts wired to the bridges of their link/segment', () => {
  const p = planLab(ex1(), { id: 'a1b2c3', mode: 'netns', topologyFile: EX1 });
  expect(p.prefix).toBe('l2lab-a1b2c3-');
  const namespaces = [p.labNetns!, ...p.routers.map((r) => r.netns!), ...p.hosts.map((h) => h.netns)];
  expect(namespaces).toEqual(['l2lab-a1b2c3-lab', 'l2lab-a1b2c3-rt1', 'l2lab-a1b2c3-rt2', 'l2lab-a1b2c3-pc1', 'l2lab-a1b2c3-pc2']);
  const internet = p.bridges.find((b) => b.carries === 'link internet')!;
  const rt1 = p.routers.find((r) => r.name === 'rt1')!;
  expect(rt1.wan).toEqual([expect.objectContaining({ rtxInterface: 'lan2', ifname: 'lan2', cidrs: ['198.51.100.1/24'], bridge: internet.name })]);
  expect(rt1.wanAddresses).toEqual(['198.51.100.1']);
  // the two sites' LANs are different wires: only the tunnel joins them
  const seg1 = p.bridges.find((b) => b.carries === 'segment site1-lan')!;
  const seg2 = p.bridges.find((b) => b.carries === 'segment site2-lan')!;
  expect(rt1.lan).toEqual([expect.objectContaining({ port: 'lan1', ifname: 'lan1', bridge: seg1.name })]);
  expect(p.hosts.map((h) => [h.name, h.bridge, h.ipv4])).toEqual([['pc1', seg1.name, '192.168.100.11/24'], ['pc2', seg2.name, '192.168.100.12/24']]);
  // the gateway 198.51.100.254 of both routers is answered by the internet bridge
  expect(internet.addresses).toEqual(['198.51.100.254/24']);
  // Linux interface names fit in 15 octets
  for (const n of [...p.bridges.map((b) => b.name), ...p.routers.flatMap((r) => [...r.wan, ...r.lan].flatMap((x) => [x.ifname, x.labEnd])), ...p.hosts.map((h) => h.labEnd)]) expect(n.length).toBeLessThanOrEqual(15);
});

test('loopback plan: no namespaces, no hosts, the routers still get their config WAN addresses', () => {
  const p = planLab(ex1(), { id: '00ff00', mode: 'loopback', topologyFile: EX1 });
  expect(p.labNetns).toBeUndefined();
  expect(p.routers.every((r) => r.netns === undefined)).toBe(true);
  expect(p.hosts).toEqual([]);
  expect(p.routers.map((r) => r.wanAddresses)).toEqual([['198.51.100.1'], ['198.51.100.2']]);
});

test('a dhcpv6-pd WAN cannot be wired in netns mode yet: a clear error naming the topology, router and interface', () => {
  // DHCP and RA WANs are planned now (tests/labs/lab-plan-dynamic-wan.spec.ts); DHCPv6-PD is not
  const file = 'topologies/seed/ex1-two-sites.yaml';
  const t = loadTopology(file).value!;
  t.routers[0].wan[0] = { ...t.routers[0].wan[0], ipv4: undefined, ipv6: 'dhcpv6-pd' };
  expect(() => planLab(t, { id: 'abcdef', mode: 'netns', topologyFile: file })).toThrow(/^topology topologies\/seed\/ex1-two-sites\.yaml: router rt1 lan2: lab up --netns needs a fixed address/);
});

test('lab ids are 6 hex digits (the prefix is what lab down deletes by)', () => {
  expect(labPrefix('0a0b0c')).toBe('l2lab-0a0b0c-');
  expect(() => labPrefix('')).toThrow(/not 6 hex digits/);
  expect(() => labPrefix('../../x')).toThrow(/not 6 hex digits/);
});
