// Issue 18 "What must be shown" 2: `lab up topologies/seed/l2ms-pass-through.yaml --netns` carries
// L2MS frames across unchanged. The seed topology as it is (its own models: endpoints RTX1210
// Rev.14.01.08 and RTX810 Rev.11.01.21 without the L2MS-manager combination, L2MS off on both; the
// manager RTX830 on the HQ LAN): the HQ host's L2MS query reaches the remote host and the answer
// comes back, the same whole bytes at both LANs, and tshark reads the same frames on both captures.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasProgram, listNetns } from '../../drivers/hosts/index.ts';
import { l2msAcrossNetnsLab } from '../../suites/support/l2ms-netns.ts';

const TOPOLOGY = path.resolve(import.meta.dirname, '../../topologies/seed/l2ms-pass-through.yaml');

test('l2ms-pass-through.yaml in namespaces: L2MS frames cross the pseudowire unchanged both ways; tshark shows identical frames on both LANs', async () => {
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and libpcap in them');
  for (const tool of ['ip', 'tshark']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  test.setTimeout(90_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'l2ms-netns-'));
  const before = new Set(await listNetns());
  try {
    const r = await l2msAcrossNetnsLab(TOPOLOGY, { dir, hq: 'pc1', remote: 'sw1', ends: [{ router: 'rt1', tunnel: 1 }, { router: 'rt2', tunnel: 1 }] });
    for (const e of r.evidence) await test.info().attach(e.name, { path: e.path, contentType: 'application/vnd.tcpdump.pcap' });
    await test.info().attach('timing.json', { body: JSON.stringify(r.timing), contentType: 'application/json' });
    const exchange = [...r.sent.hq, ...r.sent.remote];
    expect(r.captured.hq, 'HQ LAN: the query sent, the answer received, nothing else of L2MS').toEqual(exchange);
    expect(r.captured.remote, 'remote LAN: the same frames, byte for byte').toEqual(exchange);
    expect(r.tshark.hq.length, 'tshark reads both L2MS frames at HQ').toBe(2);
    expect(r.tshark.remote, 'tshark shows identical frames on both LANs').toEqual(r.tshark.hq);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const left = (await listNetns()).filter((n) => !before.has(n) && n.startsWith('l2lab-'));
  expect(left, 'no lab namespace left behind').toEqual([]);
});
