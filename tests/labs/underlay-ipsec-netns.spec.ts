// Issue 19: L2TPv3/IPsec inside an IPv6-only access service. Seed 設定例4 (L2TPv3/IPsec, fixed
// addresses) with each site's IPv4 reached through an IPIP tunnel (topologies/seed/ipip-ex4-ipsec.yaml),
// brought up by the real binary (`lab up --netns --key-log DIR --capture DIR`). The hosts ping
// across both ways (also with a packet bigger than the tunnel MTU); tshark, an independent
// decoder, reads the internet link as IKE (UDP 500/4500) and ESP in UDP 4500 inside IPv4 inside
// IPv6 (Next Header 4, or the Fragment header with IPv4 behind it), between the tunnel ends and the
// relay only, no cleartext L2TP; with the routers' key log it decrypts the ESP into the L2TPv3
// control connection and the hosts' ICMP. `lab down` leaves no namespace and no process.
import { test, expect } from '@playwright/test';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { hasProgram } from '../../drivers/hosts/index.ts';
import { loadTopology } from '../../topologies/schema/index.ts';
import { expectL2tpControlInsideEsp, keyArgsFrom, tsharkRows, tsharkSummary } from './ipsec-lab-evidence.ts';
import { bare, expectHostsIcmpInsideEsp, ikeAndEspInsideIpv6, runUnderlayIpsecLab } from './underlay-ipsec-lab.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOPOLOGY = 'topologies/seed/ipip-ex4-ipsec.yaml';

test(`${path.basename(TOPOLOGY)}: L2TPv3/IPsec through IPIP tunnels; IKE and ESP inside IPv4 inside IPv6 on the internet link; lab down leaves nothing`, async () => {
  test.setTimeout(240_000);
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and packet capture in them');
  for (const tool of ['ip', 'tshark', 'dumpcap', 'ping']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  const loaded = loadTopology(path.join(ROOT, TOPOLOGY));
  if (!loaded.value) throw new Error(`${TOPOLOGY} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const relay = loaded.value.links.find((l) => l.relay)!.relay!;
  const { state, dir, pcap, keyDir } = await runUnderlayIpsecLab(TOPOLOGY, async (up) => {
    // bigger than the tunnel MTU (1400 + 28 octets of IPv4 + ICMP, DF clear): IPv6 fragments
    const [h1, h2] = up.hosts;
    const big = execFileSync('ip', ['netns', 'exec', h1.netns!, 'ping', '-n', '-s', '1400', '-M', 'dont', '-c', '3', '-w', '30', bare(h2.addresses[0])], { encoding: 'utf8', timeout: 40_000 });
    expect(big).toMatch(/3 received/);
  });

  // the evidence, read after lab down stopped the capture (the file is complete)
  const { ike, esp } = await ikeAndEspInsideIpv6(pcap, relay.address);
  for (const r of [...ike, ...esp]) expect(new Set([r[3], r[4]]), 'between the sites\' fixed IPv4 addresses').toEqual(new Set(['203.0.113.1', '203.0.113.2']));
  for (const r of esp) expect([r[5], r[6]], 'ESP in UDP 4500 (RFC 3948)').toEqual(['4500', '4500']);
  expect(tsharkRows(pcap, [], 'ipv6.fraghdr', ['frame.number']).length, 'the large ping crossed as IPv6 fragments').toBeGreaterThan(0);

  // decrypted with the routers' key log: the L2TPv3 control connection and the hosts' ICMP inside ESP
  const keys = keyArgsFrom(keyDir);
  await test.info().attach('capture summary (decrypted).txt', { body: tsharkSummary(pcap, keys), contentType: 'text/plain' });
  expectL2tpControlInsideEsp(pcap, keys);
  expectHostsIcmpInsideEsp(pcap, keys, state);
  rmSync(dir, { recursive: true, force: true });
});
