// Frames between two pseudowires of one bridge (facts §4.2, §4.3; RFC 4719; RFC 3931 §4.1):
// an 802.1Q-tagged frame comes out of the other tunnel unchanged, and a broadcast is flooded to
// every member but the one it came in on.
import { test, expect } from './fixtures.ts';
import { LearningBridge } from '../reference-impl/bridge/index.ts';
import { buildEthernetFrame } from '../reference-impl/capture/ip.ts';
import { barrier, hasMarker, markedFrame } from './support/bridge-traffic.ts';

const A = '127.0.0.2';
const B = '127.0.0.3';
const HOST_A = { mac: '02:00:00:00:02:0a', ip: '192.168.100.10' };
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** The oracle's bridge for the lab: lan1 and two established tunnels. */
function oracleBridge(caps: { model: string; learningTable: { dynamic: number; static: number } }): LearningBridge {
  return new LearningBridge({
    name: 'bridge1',
    members: [{ name: 'lan1', kind: 'lan' }, { name: 'tunnel1', kind: 'tunnel' }, { name: 'tunnel2', kind: 'tunnel' }],
    establishedTunnels: ['tunnel1', 'tunnel2'],
    dynamicCapacity: caps.learningTable.dynamic, staticCapacity: caps.learningTable.static,
    // facts §4.3: tagged frames pass, except on vRX
    passTaggedFrames: !caps.model.startsWith('vRX'),
  });
}

test.describe('frame forwarding between pseudowires', { tag: '@frames' }, () => {
  test.beforeEach(async ({ feature, caps }) => {
    await feature('frame-kinds');
    test.skip(caps.maxL2tpv3Tunnels < 2, `the model allows ${caps.maxL2tpv3Tunnels} L2TPv3 tunnel(s); this test needs two pseudowires on one bridge`);
  });

  async function twoPeers(openLab: (o: Parameters<import('./fixtures.ts').SuiteTestFixtures['openLab']>[0]) => ReturnType<import('./fixtures.ts').SuiteTestFixtures['openLab']>, misbehaveA: string[] = []) {
    const lab = await openLab({ tunnels: [{ n: 1, peer: A }, { n: 2, peer: B }] });
    await lab.startRouter();
    const pa = await lab.peer(A, { role: 'initiator' }, misbehaveA);
    const pb = await lab.peer(B, { role: 'initiator' });
    await Promise.all([pa.established(), pb.established()]);
    return { lab, pa, pb };
  }

  test('an 802.1Q-tagged frame leaves the other pseudowire as the oracle predicts (tag kept)', async ({ openLab, caps }) => {
    const { pa, pb } = await twoPeers(openLab);
    const marker = 'dot1q-through';
    // 802.1Q: TPID 0x8100, TCI (PCP 3, VID 100), then the inner EtherType and payload.
    const inner = markedFrame(HOST_A.mac, BROADCAST, marker).subarray(12);
    const tagged = buildEthernetFrame({ src: HOST_A.mac, dst: BROADCAST, etherType: 0x8100, payload: Uint8Array.from([0x60, 100, ...inner]) });
    const d = oracleBridge(caps).forward(tagged, 'tunnel1', 0);
    pa.sendFrame(tagged);
    if (d.egress.includes('tunnel2')) {
      const got = await pb.waitFor((e) => (e.kind === 'frame' && hasMarker(marker)(e.frame) ? e.frame : undefined), 5000, 'the tagged frame at the far pseudowire');
      expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(tagged).toString('hex'));
    } else {
      // The oracle drops it (vRX: tagged frames do not pass): the barrier shows nothing came out.
      await barrier(pa, HOST_A);
      expect(pb.events.some((e) => e.kind === 'frame' && hasMarker(marker)(e.frame))).toBe(false);
    }
  });

  test('a broadcast is flooded to the other members, never back out of its ingress', async ({ openLab, caps }) => {
    const { pa, pb } = await twoPeers(openLab);
    const marker = 'flood-check';
    const f = markedFrame(HOST_A.mac, BROADCAST, marker);
    const d = oracleBridge(caps).forward(f, 'tunnel1', 0);
    expect(d.egress).toContain('tunnel2');
    expect(d.egress).not.toContain('tunnel1');
    pa.sendFrame(f);
    await pb.waitFor((e) => (e.kind === 'frame' && hasMarker(marker)(e.frame) ? true : undefined), 5000, 'the broadcast at the other pseudowire');
    // Barrier: the router handles A's frames in order, so an echo would have come before this reply.
    await barrier(pa, HOST_A);
    expect(pa.events.some((e) => e.kind === 'frame' && hasMarker(marker)(e.frame)), 'broadcast sent back to its ingress').toBe(false);
  });
});
