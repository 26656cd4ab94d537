// Static loop check: the bridges joined by established tunnels must form a forest. The bridge has no
// spanning tree (yamaha-platform-facts.md §4.3), so any cycle makes broadcasts circulate — the seed's
// warning for example 2 (ルーター2とルーター3の間でも構築してしまうとL2フレームがループします).
import type { NetworkTopology } from './topology.ts';

/** Each cycle as the list of bridge keys ("router.bridgeN") around it, first repeated at the end. */
export function findLoopProneCycles(t: NetworkTopology): string[][] {
  const adj = new Map<string, string[]>();
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const bridgeOf = new Map<string, string>();
  for (const r of t.routers) {
    for (const b of r.bridges) {
      const key = `${r.name}.${b.name}`;
      parent.set(key, key);
      adj.set(key, []);
      for (const m of b.members) bridgeOf.set(`${r.name}.${m.name}`, key);
    }
  }
  const cycles: string[][] = [];
  const seenPairs = new Set<string>();
  for (const r of t.routers) {
    for (const b of r.bridges) {
      for (const m of b.members) {
        if (m.kind !== 'tunnel' || !m.established) continue;
        const a = `${r.name}.${b.name}`;
        const z = bridgeOf.get(`${m.peer.router}.${m.peer.tunnel}`);
        if (!z) continue; // validateTopology reports dangling peers
        const pair = [`${r.name}.${m.name}`, `${m.peer.router}.${m.peer.tunnel}`].sort().join('|');
        if (seenPairs.has(pair)) continue;
        seenPairs.add(pair);
        if (a === z || root(a) === root(z)) {
          cycles.push([...pathBetween(adj, z, a), z]);
        } else {
          parent.set(root(a), root(z));
        }
        adj.get(a)!.push(z);
        adj.get(z)!.push(a);
      }
    }
  }
  return cycles;
}

/** Breadth-first path from `from` to `to` in the forest built so far. */
function pathBetween(adj: Map<string, string[]>, from: string, to: string): string[] {
  const prev = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const x = queue.shift()!;
    if (x === to) break;
    for (const y of adj.get(x) ?? []) {
      if (!prev.has(y)) {
        prev.set(y, x);
        queue.push(y);
      }
    }
  }
  const path: string[] = [];
  for (let x: string | null | undefined = to; x != null; x = prev.get(x)) path.unshift(x);
  return path;
}
