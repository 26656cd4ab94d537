// Traffic hosts in namespaces (issue 8, drivers/hosts): two hosts on a bridge in a wire namespace,
// all made by the harness with a per-test prefix; the real kernel answers ping and ARP, carries
// 802.1Q, and hands out/takes a DHCP lease; frames injected by one host arrive at the other.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  attachToBridge, createBridge, createNetns, deleteNetnsWithPrefix, DhcpServer, hasProgram, listLinks, listNetns, NamespaceHost, vlanSupported,
} from '../../../drivers/hosts/index.ts';
import { shellQuote } from '../../../drivers/hosts/remote-host.ts';

const PREFIX = `l2hst${process.pid}-`;
const WIRE = `${PREFIX}wire`;
const isRoot = process.getuid?.() === 0;

test('remote host commands are quoted for a POSIX shell (no word splitting, no expansion)', () => {
  expect(shellQuote('192.168.100.12')).toBe('192.168.100.12');
  expect(shellQuote('a b')).toBe(`'a b'`);
  expect(shellQuote(`$(rm -rf /)'x`)).toBe(`'$(rm -rf /)'\\''x'`);
});

test.describe('namespace hosts on one bridge', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(!isRoot, 'network namespaces need root');
  test.skip(!hasProgram('ip'), 'iproute2 (ip) is not installed');
  let h1: NamespaceHost;
  let h2: NamespaceHost;
  let work: string;

  test.beforeAll(async () => {
    await deleteNetnsWithPrefix(PREFIX);
    work = mkdtempSync(path.join(tmpdir(), 'l2hst-'));
    await createNetns(WIRE, { ipv6: false });
    await createBridge(WIRE, 'br0');
    h1 = await NamespaceHost.create({ netns: `${PREFIX}h1`, peer: { name: 'p1', netns: WIRE } });
    h2 = await NamespaceHost.create({ netns: `${PREFIX}h2`, peer: { name: 'p2', netns: WIRE } });
    await attachToBridge(WIRE, 'p1', 'br0');
    await attachToBridge(WIRE, 'p2', 'br0');
    await h1.addAddress('192.168.100.11/24');
    await h2.addAddress('192.168.100.12/24');
  });

  test.afterAll(async () => {
    await h1?.destroy();
    await h2?.destroy();
    await deleteNetnsWithPrefix(PREFIX);
    rmSync(work, { recursive: true, force: true });
    // nothing of ours is left: no namespace with our prefix, no link of ours in the root namespace
    expect((await listNetns()).filter((n) => n.startsWith(PREFIX))).toEqual([]);
    expect((await listLinks()).filter((l) => /^p[12]$/.test(l))).toEqual([]);
  });

  test('the hosts live in their own namespaces, none of their links in the root namespace', async () => {
    expect(await listNetns()).toEqual(expect.arrayContaining([`${PREFIX}h1`, `${PREFIX}h2`, WIRE]));
    expect(await listLinks(h1.netns)).toEqual(expect.arrayContaining(['lo', 'eth0']));
    expect(await listLinks()).not.toContain('p1');
  });

  test('ping between the hosts: 3 sent, 3 received', async () => {
    test.skip(!hasProgram('ping'), 'ping (iputils-ping) is not installed');
    const r = await h1.ping('192.168.100.12', { count: 3 });
    expect(r).toMatchObject({ transmitted: 3, received: 3 });
  });

  test('ping to an absent address: 0 received, reported not thrown', async () => {
    test.skip(!hasProgram('ping'), 'ping (iputils-ping) is not installed');
    const r = await h1.ping('192.168.100.99', { count: 1, waitSeconds: 1 });
    expect(r).toMatchObject({ transmitted: 1, received: 0 });
  });

  test('ARP: the other host answers with its own MAC; an absent address gets no answer', async () => {
    expect(await h1.arp('192.168.100.12', { timeoutMs: 2000 })).toBe(await h2.macAddress());
    expect(await h1.arp('192.168.100.98', { timeoutMs: 1000 })).toBeUndefined();
  });

  test('802.1Q: hosts on subinterfaces of VLAN 10 reach each other, and the wire carries the tag', async () => {
    test.skip(!hasProgram('ping'), 'ping (iputils-ping) is not installed');
    const kernel = await vlanSupported(`${PREFIX}vt`);
    const v1 = await h1.addVlan(10);
    const v2 = await h2.addVlan(10);
    expect(v1).toBe('eth0.10');
    // no 8021q module (as on this project's CI kernels): the driver's userspace subinterface
    expect(h1.vlans.get(v1)).toBe(kernel ? 'kernel' : 'userspace');
    test.info().annotations.push({ type: 'subinterface', description: kernel ? 'kernel 8021q' : 'userspace (TAP + vlan-subinterface.py): this kernel has no 8021q module' });
    await h1.addAddress('10.10.0.1/24', v1);
    await h2.addAddress('10.10.0.2/24', v2);
    const cap = await h2.capture({ filter: 'vlan 10' });
    try {
      const r = await h1.ping('10.10.0.2', { count: 2 });
      expect(r.received).toBe(2);
      const tagged = await cap.waitForFrame((f) => f[12] === 0x81 && f[13] === 0x00 && (((f[14] << 8) | f[15]) & 0x0fff) === 10, 3000, { what: 'a frame tagged VLAN 10' });
      expect(tagged.data.length).toBeGreaterThan(18);
    } finally {
      await cap.stop();
      cap.writePcap(test.info().outputPath('h2-vlan10.pcap'));
    }
  });

  test('frame injection from one host arrives at the other host (capture in both namespaces)', async () => {
    const [c1, c2] = await Promise.all([h1.capture(), h2.capture()]);
    try {
      const dst = Buffer.from((await h2.macAddress()).split(':').map((x) => parseInt(x, 16)));
      const src = Buffer.from((await h1.macAddress()).split(':').map((x) => parseInt(x, 16)));
      const frame = Buffer.concat([dst, src, Buffer.from([0x88, 0xb5]), Buffer.from('hosts-injection'.padEnd(46, '.'))]);
      await c1.inject(frame);
      const got = await c2.waitForFrame((f) => Buffer.from(f).includes('hosts-injection'), 5000);
      expect(Buffer.from(got.data).equals(frame)).toBe(true);
    } finally {
      await c1.stop();
      await c2.stop();
      c2.writePcap(test.info().outputPath('h2.pcap'));
    }
  });

  test('DHCP: dnsmasq on one host leases an address from its range to the other host', async () => {
    test.skip(!hasProgram('dnsmasq'), 'dnsmasq is not installed (scripts/install-system-deps.sh installs it)');
    test.skip(!hasProgram('dhclient'), 'dhclient is not installed (isc-dhcp-client; scripts/install-system-deps.sh installs it)');
    const client = await NamespaceHost.create({ netns: `${PREFIX}h3`, peer: { name: 'p3', netns: WIRE } });
    await attachToBridge(WIRE, 'p3', 'br0');
    const server = await DhcpServer.start({ netns: h1.netns, ifname: 'eth0', rangeStart: '192.168.100.150', rangeEnd: '192.168.100.159', netmask: '255.255.255.0', workDir: work });
    try {
      const got = await client.dhcp({ workDir: path.join(work, 'h3'), timeoutMs: 15_000 });
      const last = Number(got.split('.')[3]);
      expect(got.startsWith('192.168.100.')).toBe(true);
      expect(last).toBeGreaterThanOrEqual(150);
      expect(last).toBeLessThanOrEqual(159);
      expect((await client.ping('192.168.100.11', { count: 1 })).received).toBe(1);
    } finally {
      await server.stop();
      await client.destroy();
    }
  });
});
