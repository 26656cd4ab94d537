// Properties of whole-topology prediction over random site graphs: a tree of tunnels (like the seed's
// hub, 設定例2) delivers a broadcast to every other site exactly once; one extra tunnel closing a
// cycle (like the full mesh) is reported as loop-prone and the broadcast as a forwarding loop.
// Plus ageing across the topology (facts §1.3 default 300 s).
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { predict, type MemberSpec, type NetworkTopology } from '../../../reference-impl/network/index.ts';
import { BROADCAST, ethFrame, hostMac } from '../bridge/frames.ts';
import { PC, example1 } from './seed-topologies.ts';

function sites(n: number, edges: [number, number][]): NetworkTopology {
  const members: MemberSpec[][] = Array.from({ length: n }, () => [{ kind: 'lan', name: 'lan1' }]);
  edges.forEach(([a, z], k) => {
    const ta = `tunnel${members[a].length}`;
    const tz = `tunnel${members[z].length}`;
    members[a].push({ kind: 'tunnel', name: ta, peer: { router: `r${z}`, tunnel: tz }, established: true, localSessionId: 1000 + 2 * k });
    members[z].push({ kind: 'tunnel', name: tz, peer: { router: `r${a}`, tunnel: ta }, established: true, localSessionId: 1001 + 2 * k });
  });
  return {
    routers: members.map((m, i) => ({
      name: `r${i}`,
      wanAddress: `192.0.2.${i + 1}`,
      bridges: [{ name: 'bridge1', members: m, dynamicCapacity: 256, staticCapacity: 32 }],
    })),
    hosts: members.map((_, i) => ({ name: `h${i}`, mac: hostMac(0x100 + i), router: `r${i}`, port: 'lan1' })),
  };
}

const tree = fc.integer({ min: 2, max: 7 }).chain((n) =>
  fc.tuple(
    fc.constant(n),
    fc.tuple(...Array.from({ length: n - 1 }, (_, i) => fc.integer({ min: 0, max: i }))),
    fc.integer({ min: 0, max: n - 1 }),
  ),
);

test('a tree of tunnels delivers a broadcast to every other site exactly once, without findings', () => {
  fc.assert(
    fc.property(tree, ([n, parents, from]) => {
      const edges = parents.map((p, i): [number, number] => [i + 1, p]);
      const p = predict(sites(n, edges), [{ fromHost: `h${from}`, frame: ethFrame(BROADCAST, hostMac(0x100 + from)) }]);
      const got = p.observations.filter((o) => o.kind === 'host').map((o) => (o.kind === 'host' ? o.host : '')).sort();
      const want = Array.from({ length: n }, (_, i) => `h${i}`).filter((h) => h !== `h${from}`).sort();
      expect(got).toEqual(want);
      expect(p.observations.filter((o) => o.kind === 'wan')).toHaveLength(n - 1);
      expect(p.findings).toEqual([]);
    }),
    { numRuns: 200 },
  );
});

test('one more tunnel closing a cycle is loop-prone, and a broadcast loops', () => {
  fc.assert(
    fc.property(tree, fc.nat(), ([n, parents, from], pick) => {
      const edges = parents.map((p, i): [number, number] => [i + 1, p]);
      const linked = new Set(edges.map(([a, z]) => `${Math.min(a, z)}-${Math.max(a, z)}`));
      const free: [number, number][] = [];
      for (let a = 0; a < n; a++) for (let z = a + 1; z < n; z++) if (!linked.has(`${a}-${z}`)) free.push([a, z]);
      fc.pre(free.length > 0);
      edges.push(free[pick % free.length]);
      const p = predict(sites(n, edges), [{ fromHost: `h${from}`, frame: ethFrame(BROADCAST, hostMac(0x100 + from)) }]);
      expect(p.findings.filter((f) => f.kind === 'loop-prone-topology')).toHaveLength(1);
      expect(p.findings.some((f) => f.kind === 'forwarding-loop')).toBe(true);
      expect(p.unreliableFromStimulus).toBe(0);
    }),
    { numRuns: 200 },
  );
});

test('learned entries age across the topology: 300 s after pc2 went quiet, pc1 floods again', () => {
  const frames = [
    { fromHost: 'pc2', frame: ethFrame(BROADCAST, PC.pc2), atMs: 0 },
    { fromHost: 'pc1', frame: ethFrame(PC.pc2, PC.pc1), atMs: 299_999 },
    { fromHost: 'pc1', frame: ethFrame(PC.pc2, PC.pc1), atMs: 300_000 },
  ];
  const p = predict(example1(), frames);
  const reasons = (i: number) => p.decisions.filter((d) => d.stimulus === i && d.router === 'rt1').map((d) => d.reason);
  expect(reasons(1)).toEqual(['known-unicast']);
  expect(reasons(2)).toEqual(['flood-unknown-unicast']);
  // at the end rt2 knows pc1 (just refreshed) and has forgotten pc2, silent for 300 s
  expect(p.tables['rt2.bridge1'].rows.map((r) => r.mac)).toEqual([PC.pc1]);
});
