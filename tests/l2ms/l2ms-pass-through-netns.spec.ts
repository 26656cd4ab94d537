// Issue 18 "What must be shown" 2: `lab up topologies/seed/l2ms-pass-through.yaml --netns` carries
// L2MS frames across unchanged. The real binary (bin/l2tpv3-conformance.mjs `lab up ... --netns`,
// then `lab down`) brings up the seed topology as it is (its own models: endpoints RTX1210
// Rev.14.01.08 and RTX810 Rev.11.01.21 without the L2MS-manager combination, L2MS off on both; the
// manager RTX830 on the HQ LAN). tshark runs on both LANs as its own witness (live capture in the
// hosts' namespaces), while the harness sends the HQ host's L2MS query to the remote host and its
// answer back: both tshark captures hold the same frames, field for field, and the harness's own
// captures hold the same whole bytes.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasProgram, listNetns } from '../../drivers/hosts/index.ts';
import { readLabState, type LabState } from '../../drivers/lab/index.ts';
import { l2msExchange, tsharkL2ms } from '../../suites/support/l2ms-netns.ts';
import { startTshark, type TsharkCapture } from '../../suites/support/l2ms-tshark.ts';
import { cli } from '../support/cli-binary.ts';

const TOPOLOGY = 'topologies/seed/l2ms-pass-through.yaml';

test('`lab up l2ms-pass-through.yaml --netns` (the CLI): L2MS frames cross the pseudowire unchanged both ways; tshark on both LANs shows identical frames', async () => {
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and packet capture in them');
  for (const tool of ['ip', 'tshark']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'l2ms-netns-'));
  const stateFile = path.join(dir, 'lab-state.json');
  const before = new Set(await listNetns());
  const tshark: TsharkCapture[] = [];
  let state: LabState | undefined;
  try {
    const up = await cli(['lab', 'up', TOPOLOGY, '--netns', '--state', stateFile], 60_000);
    await test.info().attach('lab up output.txt', { body: up.out + up.err, contentType: 'text/plain' });
    expect(up.code, up.err).toBe(0);
    state = readLabState(stateFile);
    const r = await l2msExchange(state, {
      dir, hq: 'pc1', remote: 'sw1', ends: [{ router: 'rt1', tunnel: 1 }, { router: 'rt2', tunnel: 1 }],
      // tshark listens on both LANs before the first frame (after the pseudowire is up)
      beforeFrames: async ({ hq, remote }) => {
        tshark.push(await startTshark(hq.netns, hq.iface, path.join(dir, 'tshark-hq.pcapng')));
        tshark.push(await startTshark(remote.netns, remote.iface, path.join(dir, 'tshark-remote.pcapng')));
      },
      evidence: async (name, file, contentType) => void (await test.info().attach(name, { path: file, contentType })),
    });
    for (const t of tshark) await t.stop();
    for (const t of tshark) await test.info().attach(`tshark ${path.basename(t.file)}`, { path: t.file, contentType: 'application/octet-stream' });
    await test.info().attach('timing.json', { body: JSON.stringify(r.timing), contentType: 'application/json' });
    const exchange = [...r.sent.hq, ...r.sent.remote];
    // the harness's captures: whole bytes
    expect(r.captured.hq, 'HQ LAN: the query sent, the answer received, nothing else of L2MS').toEqual(exchange);
    expect(r.captured.remote, 'remote LAN: the same frames, byte for byte').toEqual(exchange);
    // tshark's own captures: the same two frames on both LANs, and they are the frames sent
    const [hqLines, remoteLines] = tshark.map((t) => tsharkL2ms(t.file));
    await test.info().attach('tshark lines.txt', { body: `HQ LAN\n${hqLines.join('\n')}\n\nremote LAN\n${remoteLines.join('\n')}\n`, contentType: 'text/plain' });
    expect(hqLines.length, 'tshark sees both L2MS frames at HQ').toBe(2);
    expect(remoteLines, 'tshark shows identical frames on both LANs').toEqual(hqLines);
    expect(hqLines, 'and they are the frames the harness read with libpcap').toEqual(r.tshark.hq);
    // each tshark line ends with the frame's payload: the one that was sent
    expect(hqLines.map((l) => l.split('\t').at(-1)), 'the payloads the hosts sent').toEqual(exchange.map((h) => h.slice(28)));
  } finally {
    for (const t of tshark) await t.stop();
    if (state || existsSync(stateFile)) {
      const down = await cli(['lab', 'down', '--state', stateFile], 60_000);
      expect(down.code, down.err).toBe(0);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  // this lab's own namespaces (other tests may be running labs of their own meanwhile)
  const prefix = state?.prefix ?? 'l2lab-';
  const left = (await listNetns()).filter((n) => !before.has(n) && n.startsWith(prefix));
  expect(left, 'no lab namespace left behind').toEqual([]);
});
