// Issue 19: L2TPv3/IPsec inside an IPv6-only access service. Seed 設定例4 (L2TPv3/IPsec, fixed
// addresses) with each site's IPv4 reached through an IPIP tunnel (topologies/seed/ipip-ex4-ipsec.yaml),
// brought up by the real binary (`lab up --netns --key-log DIR --capture DIR`). The hosts ping
// across both ways (also with a packet bigger than the tunnel MTU); tshark, an independent
// decoder, reads the internet link as IKE (UDP 500/4500) and ESP in UDP 4500 inside IPv4 inside
// IPv6 (Next Header 4, or the Fragment header with IPv4 behind it), between the tunnel ends and the
// relay only, no cleartext L2TP; with the routers' key log it decrypts the ESP into the L2TPv3
// control connection and the hosts' ICMP. `lab down` leaves no namespace and no process.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { hasProgram, listNetns } from '../../drivers/hosts/index.ts';
import { readLabState, type LabState } from '../../drivers/lab/index.ts';
import { loadTopology } from '../../topologies/schema/index.ts';
import { expectL2tpControlInsideEsp, icvGood, keyArgsFrom, tsharkRows, tsharkSummary } from './ipsec-lab-evidence.ts';
import { cli } from '../support/cli-binary.ts';
import { pingAcross } from './ping-across.ts';
import { expectLabGone, labDownThroughCli } from './lab-teardown.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOPOLOGY = 'topologies/seed/ipip-ex4-ipsec.yaml';
const bare = (a: string) => a.replace(/\/\d+$/, '');

test(`${path.basename(TOPOLOGY)}: L2TPv3/IPsec through IPIP tunnels; IKE and ESP inside IPv4 inside IPv6 on the internet link; lab down leaves nothing`, async () => {
  test.setTimeout(240_000);
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and packet capture in them');
  for (const tool of ['ip', 'tshark', 'dumpcap', 'ping']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  const loaded = loadTopology(path.join(ROOT, TOPOLOGY));
  if (!loaded.value) throw new Error(`${TOPOLOGY} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const relay = loaded.value.links.find((l) => l.relay)!.relay!;
  const dir = mkdtempSync(path.join(tmpdir(), 'underlay-ipsec-'));
  const stateFile = path.join(dir, 'state.json');
  const capDir = path.join(dir, 'capture');
  const keyDir = path.join(dir, 'keys');
  const before = new Set(await listNetns());
  let state: LabState | undefined;
  try {
    const up = await cli(['lab', 'up', TOPOLOGY, '--netns', '--state', stateFile, '--key-log', keyDir, '--capture', capDir], 90_000);
    await test.info().attach('lab up output.txt', { body: up.out + up.err, contentType: 'text/plain' });
    expect(up.code, `lab up: ${up.err}`).toBe(0);
    state = readLabState(stateFile);
    const [h1, h2] = state.hosts;
    for (const [a, b] of [[h1, h2], [h2, h1]] as const) {
      const r = await pingAcross(a.netns!, bare(b.addresses[0]));
      expect(r.code, `${a.name} pings ${b.name}: ${r.out}`).toBe(0);
    }
    // bigger than the tunnel MTU (1400 + 28 octets of IPv4 + ICMP, DF clear): IPv6 fragments
    const big = execFileSync('ip', ['netns', 'exec', h1.netns!, 'ping', '-n', '-s', '1400', '-M', 'dont', '-c', '3', '-w', '30', bare(h2.addresses[0])], { encoding: 'utf8', timeout: 40_000 });
    expect(big).toMatch(/3 received/);
  } finally {
    if (state || existsSync(stateFile)) {
      await labDownThroughCli(stateFile);
    }
  }
  await expectLabGone(state!.prefix, before, [dir]);

  // the evidence, read after lab down stopped the capture (the file is complete)
  const pcap = path.join(capDir, 'internet6.pcapng');
  await test.info().attach('capture summary (not decrypted).txt', { body: tsharkSummary(pcap), contentType: 'text/plain' });
  expect(tsharkRows(pcap, [], 'udp.port == 1701 || l2tp', ['frame.number']), 'no cleartext L2TP on the internet link').toEqual([]);
  const fields = ['ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'frame.protocols'];
  const ike = tsharkRows(pcap, [], 'isakmp', fields);
  const esp = tsharkRows(pcap, [], 'esp', fields);
  expect(ike.length, 'IKE on the internet link').toBeGreaterThan(0);
  expect(esp.length, 'ESP on the internet link').toBeGreaterThan(0);
  for (const r of [...ike, ...esp]) {
    // IPv4 inside IPv6: Next Header 4, or a reassembled datagram's Fragment header (44) with IPv4 behind it
    expect(r[7], 'layers').toMatch(/^eth:ethertype:ipv6:(ipv6\.fraghdr:)?ip:udp:(isakmp|udpencap:(isakmp|esp))/);
    expect(r[2].split('|')[0]).toBe(r[7].includes('ipv6.fraghdr') ? '44' : '4');
    expect([r[0], r[1]].map((a) => a.split('|')[0]), 'between a tunnel end and the relay').toContain(relay.address);
    expect(new Set([r[3], r[4]]), 'between the sites\' fixed IPv4 addresses').toEqual(new Set(['203.0.113.1', '203.0.113.2']));
  }
  for (const r of esp) expect([r[5], r[6]], 'ESP in UDP 4500 (RFC 3948)').toEqual(['4500', '4500']);
  expect(tsharkRows(pcap, [], 'ipv6.fraghdr', ['frame.number']).length, 'the large ping crossed as IPv6 fragments').toBeGreaterThan(0);

  // decrypted with the routers' key log: the L2TPv3 control connection and the hosts' ICMP inside ESP
  const keys = keyArgsFrom(keyDir);
  await test.info().attach('capture summary (decrypted).txt', { body: tsharkSummary(pcap, keys), contentType: 'text/plain' });
  expectL2tpControlInsideEsp(pcap, keys);
  const [a1, a2] = state!.hosts.map((h) => bare(h.addresses[0]));
  const icmp = (src: string, dst: string, type: number) =>
    tsharkRows(pcap, keys, `ipv6 && esp && l2tp && eth && ip.src == ${src} && ip.dst == ${dst} && icmp.type == ${type}`, ['frame.number', 'esp.icv_good']).filter((r) => icvGood(r[1])).length;
  for (const [src, dst] of [[a1, a2], [a2, a1]]) {
    expect(icmp(src, dst, 8), `echo requests ${src} -> ${dst} inside L2TPv3 inside ESP inside IPv4 inside IPv6`).toBeGreaterThanOrEqual(3);
    expect(icmp(dst, src, 0), `echo replies ${dst} -> ${src}`).toBeGreaterThanOrEqual(3);
  }
  rmSync(dir, { recursive: true, force: true });
});
