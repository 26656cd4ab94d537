// Finds L2 loops a topology builds: bridges, the LAN segments their member ports sit on, and the
// pseudowires between bridges form an undirected graph; any cycle means frames circulate, since
// the RTX bridge runs no spanning tree (yamaha-platform-facts.md §4.3) and the seed warns that a
// third tunnel between 3 sites loops (seed: 設定例2 ※注意点).
import type { Topology } from './topology-schema.ts';

export interface LoopFinding {
  kind: 'bridge-loop';
  /** the edge that closed the cycle, in words */
  closingEdge: string;
  /** routers whose bridges are on the cycle's component */
  nodes: string[];
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  /** false when a and b were already connected (the edge closes a cycle) */
  union(a: string, b: string): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent.set(ra, rb);
    return true;
  }
}

export function findBridgeLoops(t: Topology): LoopFinding[] {
  const uf = new UnionFind();
  const loops: LoopFinding[] = [];
  const routerOf = new Map<string, string>();
  const edges: { a: string; b: string; what: string }[] = [];
  for (const r of t.routers) {
    for (const l of r.lan) {
      if (!l.bridge) continue;
      const br = `bridge:${r.name}:${l.bridge}`;
      routerOf.set(br, r.name);
      edges.push({ a: br, b: `segment:${l.segment}`, what: `${r.name} ${l.bridge} member ${l.port} on segment ${l.segment}` });
    }
  }
  for (const pw of t.pseudowires) {
    const [x, y] = pw.ends;
    if (!x.bridge || !y.bridge) continue;
    const a = `bridge:${x.node}:${x.bridge}`;
    const b = `bridge:${y.node}:${y.bridge}`;
    routerOf.set(a, x.node);
    routerOf.set(b, y.node);
    edges.push({ a, b, what: `pseudowire ${pw.name} (${x.node} ${x.bridge} - ${y.node} ${y.bridge})` });
  }
  for (const e of edges) {
    if (uf.union(e.a, e.b)) continue;
    const root = uf.find(e.a);
    const nodes = [...new Set([...routerOf].filter(([k]) => uf.find(k) === root).map(([, r]) => r))].sort();
    loops.push({ kind: 'bridge-loop', closingEdge: e.what, nodes });
  }
  return loops;
}
