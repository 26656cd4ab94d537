// What `lab up --netns` plans for the seed's dynamic WANs and site DHCP servers (pure: no root):
// 設定例5/6 `ipv4: dhcp` WANs lease from a DHCP server on the link's bridge, 設定例7 `ipv6: ra`
// WANs take the prefix the link's bridge advertises, 設定例8 sites get a DHCP stand-in serving the
// router's pool. The expected values are read from the topology files, not retyped from the planner.
import { test, expect } from '@playwright/test';
import { planLab } from '../../drivers/lab/index.ts';
import { loadTopology, type Topology } from '../../topologies/schema/index.ts';

const load = (f: string): Topology => {
  const t = loadTopology(f);
  if (!t.value) throw new Error(`${f} does not load`);
  return t.value;
};
const plan = (f: string, mode: 'netns' | 'loopback' = 'netns') => planLab(load(f), { id: 'abc123', mode, topologyFile: f });

test('設定例5: the dynamic side leases from a DHCP server on the internet bridge, which answers on the fixed side\'s gateway address', () => {
  const f = 'topologies/seed/ex5-ipsec-fixed-dynamic.yaml';
  const t = load(f);
  const p = plan(f);
  const link = t.links.find((l) => l.name === 'internet')!;
  const bridge = p.bridges.find((b) => b.carries === 'link internet')!;
  const [first, last] = link.dhcp_pool!.split('-');
  expect(bridge.dhcp).toEqual({ rangeStart: first, rangeEnd: last, netmask: '255.255.255.0', address: `${t.routers[0].wan[0].gateway4}/24` });
  const rt2 = p.routers.find((r) => r.name === 'rt2')!;
  expect(rt2.wan[0].dhcp4).toBe(true);
  expect(rt2.wanAddresses, 'known only once leased').toEqual([]);
  expect(p.routers.find((r) => r.name === 'rt1')!.wan[0].dhcp4).toBeUndefined();
});

test('設定例6: with no gateway on the link, the DHCP (and DNS) server takes the subnet\'s last host address', () => {
  const p = plan('topologies/seed/ex6-ipsec-netvolante.yaml');
  const bridge = p.bridges.find((b) => b.carries === 'link internet')!;
  expect(bridge.dhcp?.address).toBe('198.51.100.254/24');
  expect(bridge.addresses).toEqual(['198.51.100.254/24']);
  expect(p.routers.every((r) => r.wan[0].dhcp4 === true)).toBe(true);
});

test('設定例7: the ngn bridge advertises the link prefix from ::fffe, and both routers take their WAN from RA', () => {
  const f = 'topologies/seed/ex7-ipsec-ngn-v6-name.yaml';
  const p = plan(f);
  const link = load(f).links[0];
  const bridge = p.bridges.find((b) => b.carries === `link ${link.name}`)!;
  expect(bridge.ra).toEqual({ prefix: link.ipv6, address: link.ipv6!.replace('::/64', '::fffe/64') });
  expect(p.routers.every((r) => r.wan[0].ra6 === true && r.wanAddresses.length === 0)).toBe(true);
});

test('設定例8: one DHCP stand-in per site, in its own namespace, serving that router\'s pool; the DHCP hosts are leased by lab up', () => {
  const f = 'topologies/seed/ex8-ipsec-dhcp-both-sites.yaml';
  const t = load(f);
  const p = plan(f);
  const pools = t.routers.map((r) => ({ router: r.name, segment: r.lan[0].segment, pool: r.lan[0].dhcp_server!.pool, gateway: r.lan[0].ipv4!.replace(/\/\d+$/, '') }));
  expect(p.dhcpStandins.map((d) => ({ router: d.router, segment: d.segment, pool: `${d.rangeStart}-${d.rangeEnd}`, gateway: d.gateway }))).toEqual(pools);
  expect(p.dhcpStandins.map((d) => d.netns)).toEqual(['l2lab-abc123-rt1-dhcp', 'l2lab-abc123-rt2-dhcp']);
  // two stand-ins on one subnet, different addresses, neither a router's nor in a pool
  expect(new Set(p.dhcpStandins.map((d) => d.address)).size).toBe(2);
  const n = (a: string) => a.replace(/\/\d+$/, '').split('.').reduce((v, o) => v * 256 + Number(o), 0);
  for (const d of p.dhcpStandins) {
    expect(pools.map((x) => x.gateway)).not.toContain(d.address.replace(/\/\d+$/, ''));
    for (const x of pools) {
      const [lo, hi] = x.pool.split('-').map(n);
      expect(n(d.address) < lo || n(d.address) > hi, `${d.address} outside ${x.pool}`).toBe(true);
    }
  }
  expect(p.hosts.every((h) => h.dhcp4 === true)).toBe(true);
});

test('loopback mode plans no DHCP, RA or stand-ins (the WAN addresses are loopback ones)', () => {
  for (const f of ['topologies/seed/ex5-ipsec-fixed-dynamic.yaml', 'topologies/seed/ex8-ipsec-dhcp-both-sites.yaml']) {
    const p = plan(f, 'loopback');
    expect(p.bridges).toEqual([]);
    expect(p.dhcpStandins).toEqual([]);
    expect(p.routers.flatMap((r) => r.wan).some((w) => w.dhcp4 || w.ra6)).toBe(false);
  }
});

test('tagged site DHCP scopes (tagvlan1) get no stand-in: their hosts stay unleased, as the note says', () => {
  const p = plan('topologies/seed/tagvlan1-gateway-vlans.yaml');
  expect(p.dhcpStandins).toEqual([]);
  const dhcpHosts = p.hosts.filter((h) => h.notes.some((n) => n.startsWith('ipv4 dhcp')));
  expect(dhcpHosts.length).toBeGreaterThan(0);
  expect(dhcpHosts.every((h) => h.dhcp4 === undefined && h.notes.some((n) => n.includes('not requested')))).toBe(true);
});
