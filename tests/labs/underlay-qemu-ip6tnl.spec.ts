// Issue 19 point 3, an independent check of the IPIP encapsulation: seed example 1 inside IPIP
// (topologies/seed/ipip-ex1.yaml) with the ISP's gateway played by a real Linux kernel instead of
// the lab's userspace relay: Debian 12's kernel in the QEMU guest (tests/interop/qemu), its ip6tnl
// devices in mode ipip6 ending both routers' `tunnel encapsulation ipip` and forwarding the
// L2TPv3 datagrams between them as IPv4 (qemu-ip6tnl-gateway.ts). `labUp(..., { relay: 'none' })`
// leaves the relay's place on the internet link to the guest. Shown: the hosts ping across both
// ways; tshark reads the internet link's capture as L2TPv3 in UDP in IPv4 in IPv6 with the hosts'
// Ethernet/ICMP inside, every datagram between a router's tunnel end and the guest's address,
// the guest's own frames (its MAC) carrying both routers' L2TPv3 re-encapsulated by its kernel,
// with no expert warning; the guest's tunnel counters rise; nothing is left afterwards.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasProgram, listNetns } from '../../drivers/hosts/index.ts';
import { labDown, labUp, planLab, type LabState } from '../../drivers/lab/index.ts';
import { loadTopology } from '../../topologies/schema/index.ts';
import { guestUnavailable, QEMU } from '../interop/qemu/guest-vm.ts';
import { bootIp6tnlGateway, type Ip6tnlGateway } from './qemu-ip6tnl-gateway.ts';
import { processesNaming, tsharkRows } from './ipsec-lab-evidence.ts';
import { pingAcross } from './ping-across.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOPOLOGY = path.join(ROOT, 'topologies/seed/ipip-ex1.yaml');
const bare = (a: string) => a.replace(/\/\d+$/, '');

test('ipip-ex1 with a real kernel\'s ip6tnl as the ISP gateway: hosts ping across, tshark reads IPv6 > IPv4 > UDP > L2TPv3 > Ethernet clean, the guest\'s tunnel counters rise, nothing left', async () => {
  test.setTimeout(300_000);
  const why = guestUnavailable();
  test.skip(why !== null, why ?? '');
  for (const tool of ['ip', 'tshark', 'dumpcap', 'ping']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  const loaded = loadTopology(TOPOLOGY);
  if (!loaded.value) throw new Error(`${TOPOLOGY} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const topo = loaded.value;
  const link = topo.links.find((l) => l.relay?.ipip?.length)!;
  const relay = link.relay!;
  const customers = relay.ipip!.map((c) => ({ ipv4Prefix: c.ipv4_prefix, remote: c.remote }));
  const prefixLen = link.ipv6!.split('/')[1];

  const dir = mkdtempSync(path.join(tmpdir(), 'underlay-qemu-ip6tnl-'));
  const capDir = path.join(dir, 'capture');
  const before = new Set(await listNetns());
  let state: LabState | undefined;
  let gw: Ip6tnlGateway | undefined;
  let guestDir = '';
  let before6: Awaited<ReturnType<Ip6tnlGateway['counters']>> = {};
  let after6: Awaited<ReturnType<Ip6tnlGateway['counters']>> = {};
  try {
    // the guest boots (20-40 s under TCG) while the lab comes up; each start is bounded by its own timeout
    const [g, s] = await Promise.allSettled([
      bootIp6tnlGateway({ address: `${relay.address}/${prefixLen}`, customers, bootTimeoutMs: 150_000 }),
      labUp(TOPOLOGY, { mode: 'netns', stateFile: path.join(dir, 'state.json'), captureDir: capDir, relay: 'none', readyTimeoutMs: 60_000 }),
    ]);
    if (g.status === 'fulfilled') gw = g.value;
    if (s.status === 'fulfilled') state = s.value;
    if (g.status === 'rejected') throw g.reason;
    if (s.status === 'rejected') throw s.reason;
    gw = gw!;
    state = state!;
    guestDir = gw.guest.dir;
    test.info().annotations.push({ type: 'guest', description: `${QEMU} guest booted in ${gw.guest.bootMs} ms` });
    const plan = planLab(topo, { id: state.id, mode: 'netns', topologyFile: TOPOLOGY });
    const bridge = plan.bridges.find((b) => b.carries === `link ${link.name}`)!.name;
    before6 = await gw.counters();
    expect(Object.keys(before6).sort(), 'the guest has one ip6tnl device per customer').toEqual(gw.tunnels.map((t) => t.dev).sort());
    await gw.attach(plan.labNetns!, bridge);

    const hosts = Object.fromEntries(state.hosts.map((h) => [h.name, h]));
    for (const [a, b] of [[hosts.pc1, hosts.pc2], [hosts.pc2, hosts.pc1]] as const) {
      const r = await pingAcross(a.netns!, bare(b.addresses[0]), 90_000);
      expect(r.code, `${a.name} -> ${b.name} through the guest's ip6tnl: ${r.out}`).toBe(0);
    }
    after6 = await gw.counters();
    // the devices' own counters (netlink stats64); `ip -s -6 tunnel show` printed other figures here
    const show = await gw.guest.must(`ip -6 tunnel show; ${gw.tunnels.map((t) => `ip -s link show dev ${t.dev}`).join('; ')}; ip -4 route show`);
    await test.info().attach('guest tunnels.txt', { body: show, contentType: 'text/plain' });
    await test.info().attach('guest counters.json', { body: JSON.stringify({ before: before6, after: after6 }, null, 2), contentType: 'application/json' });
  } finally {
    if (state) await labDown(state, { stateFile: path.join(dir, 'state.json') });
    if (gw) await gw.close();
  }
  // nothing left: the lab's namespaces, the guest's namespace, QEMU and every lab process
  const left = (await listNetns()).filter((n) => !before.has(n) && (n.startsWith(state!.prefix) || n === gw!.netns));
  expect(left, 'no namespace left behind').toEqual([]);
  expect(processesNaming([state!.prefix, guestDir, gw!.netns]), `no lab or ${QEMU} process left behind`).toEqual([]);

  // the guest kernel decapsulated and re-encapsulated both ways: each tunnel received and sent
  for (const t of gw!.tunnels) {
    expect(after6[t.dev].rxPackets, `${t.dev} (to ${t.customer.remote}) received`).toBeGreaterThan(before6[t.dev].rxPackets);
    expect(after6[t.dev].txPackets, `${t.dev} (to ${t.customer.remote}) sent`).toBeGreaterThan(before6[t.dev].txPackets);
  }

  // the evidence, read after lab down stopped the capture (the file is complete)
  const pcap = path.join(capDir, readdirSync(capDir).find((f) => f.startsWith(link.name))!);
  const fields = ['eth.src', 'ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ip.src', 'ip.dst', 'frame.protocols'];
  const rows = tsharkRows(pcap, [], 'l2tp', fields);
  expect(rows.length, 'L2TPv3 on the internet link').toBeGreaterThan(0);
  const first = (v: string) => v.split('|')[0];
  const ends = new Set(customers.map((c) => c.remote));
  for (const r of rows) {
    expect(r[6], 'layers').toMatch(/^eth:ethertype:ipv6:(ipv6\.dstopts:)?ip:udp:l2tp/);
    // the guest's kernel adds Linux's default Destination Options header (the Tunnel Encapsulation
    // Limit, RFC 2473 §4.1.1), which the routers' tunnel exits take; the routers send IPv4 directly
    // behind the IPv6 header (assumption tunnel-exit-destination-options: they send none)
    const fromTheGuest = first(r[1]) === relay.address;
    expect(r[3].split('|')[0], fromTheGuest ? 'guest: a Destination Options header first (Next Header 60)' : 'router: IPv4 directly behind the IPv6 header (Next Header 4)').toBe(fromTheGuest ? '60' : '4');
    const pair = [first(r[1]), first(r[2])];
    expect(pair, 'one tunnel end is the guest').toContain(relay.address);
    expect(pair.some((a) => ends.has(a)), 'the other is a router\'s tunnel end').toBe(true);
  }
  // the guest's kernel sent (its MAC, its address) each customer's traffic into the other's tunnel
  const fromGuest = rows.filter((r) => first(r[0]).toLowerCase() === gw!.mac && first(r[1]) === relay.address);
  for (const c of customers) {
    const forwarded = fromGuest.filter((r) => first(r[2]) === c.remote);
    expect(forwarded.length, `guest encapsulated L2TPv3 to ${c.remote}`).toBeGreaterThan(0);
    for (const r of forwarded) expect(r[5].split('|')[0], 'inner IPv4 destination routed into this tunnel').toBe(bare(c.ipv4Prefix));
  }
  const icmp = rows.filter((r) => /:l2tp:(eth:)?ethertype:ip:icmp/.test(r[6]));
  expect(new Set(icmp.map((r) => r[4].split('|')[1])), 'the hosts\' ICMP inside, both ways').toEqual(new Set(topo.hosts!.map((h) => bare(h.ipv4!))));
  expect(new Set(icmp.filter((r) => first(r[0]).toLowerCase() === gw!.mac).map((r) => r[4].split('|')[1])), 'both ways through the guest').toEqual(new Set(topo.hosts!.map((h) => bare(h.ipv4!))));
  const expert = execFileSync('tshark', ['-r', pcap, '-q', '-z', 'expert,warn', '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-d', 'l2tp.pw_type==0,eth'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(expert, 'tshark expert warnings').not.toMatch(/Warns|Errors/);
  await test.info().attach('l2tp rows.txt', { body: rows.map((r) => r.join('\t')).join('\n'), contentType: 'text/plain' });
  rmSync(dir, { recursive: true, force: true });
});
