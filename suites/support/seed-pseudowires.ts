// The oracle's answer to "which pseudowires of a topology come up": each router whose config its
// platform accepts (reference-impl/config) becomes a control-plane node (reference-impl/control
// L2tpNode, its tunnels read from the config views), the nodes run in the deterministic simulator
// (reference-impl/sim) on a loss-free underlay, and a pseudowire is established when both of its
// ends hold an established session. Nothing here is typed per model or per example.
import { l2tpService, l2tpTunnels, parseConfig } from '../../reference-impl/config/index.ts';
import { L2tpNode, type TunnelConfig } from '../../reference-impl/control/node.ts';
import type { SessionLayout } from '../../reference-impl/control/node-events.ts';
import { tunnelSettingsFromConfig } from '../../reference-impl/control/tunnel-settings-from-config.ts';
import { Mulberry32 } from '../../reference-impl/sim/prng.ts';
import { PERFECT_CHANNEL, Simulation } from '../../reference-impl/sim/simulator.ts';
import type { Topology } from '../../topologies/schema/index.ts';
import { predictConfig, type ConfigPrediction } from './oracle-config.ts';
import type { ExampleRouter } from './seed-example.ts';

/** Virtual time the simulated routers get to bring their tunnels up (several retransmission rounds). */
const SIMULATED_BRING_UP_MS = 120_000;
const SIMULATION_SEED = 0x5eed;

export interface PredictedEnd {
  readonly router: string;
  readonly tunnel: number;
  readonly bridge?: string;
  /** The session's data-plane layout at this end, when established. */
  readonly layout?: SessionLayout;
}

export interface PredictedPseudowire {
  readonly name: string;
  readonly established: boolean;
  readonly ends: readonly [PredictedEnd, PredictedEnd];
}

export interface RouterVerdict {
  readonly name: string;
  readonly model: string;
  readonly firmware: string;
  readonly config: ConfigPrediction;
  /** The address its L2TP tunnels use (local endpoint), or undefined without L2TPv3 tunnels. */
  readonly l2tpAddress?: string;
}

export interface BringUpPrediction {
  readonly routers: readonly RouterVerdict[];
  readonly pseudowires: readonly PredictedPseudowire[];
}

const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');
const family = (a: string) => (a.includes(':') ? 6 : 4);

/** The router's WAN address of the remote's family (a fixed address of the topology). */
function wanAddressFor(t: Topology, router: string, remote: string): string | undefined {
  const r = t.routers.find((x) => x.name === router);
  for (const w of r?.wan ?? []) {
    for (const a of [w.ipv4, w.ipv6]) if (a !== undefined && a.includes('/') && family(a) === family(remote)) return bare(a);
  }
  return undefined;
}

/** The oracle's tunnel settings from the config view (command reference defaults where unset). */
interface NodeSetup {
  node: L2tpNode;
  address: string;
  serviceOn: boolean;
}

function nodeFor(t: Topology, r: ExampleRouter, random: Mulberry32): NodeSetup | undefined {
  const doc = parseConfig(r.config);
  const views = l2tpTunnels(doc).filter((v) => v.endpointAddress !== undefined);
  if (views.length === 0) return undefined;
  const locals = new Set(views.map((v) => v.endpointAddress!.local ?? wanAddressFor(t, r.name, v.endpointAddress!.remote)));
  if (locals.size !== 1 || locals.has(undefined)) {
    throw new Error(`router ${r.name}: its L2TPv3 tunnels use local addresses ${[...locals].map(String).join(', ')}; the simulation gives a router one address`);
  }
  const tunnels: TunnelConfig[] = views.map((v) => ({ settings: tunnelSettingsFromConfig(v, r.model), remoteAddress: v.endpointAddress!.remote, enabled: v.enabled }));
  const service = l2tpService(doc);
  return {
    node: new L2tpNode({ tunnels, random: random.fork() }),
    address: [...locals][0]!,
    serviceOn: service.enabled && (service.versions.length === 0 || service.versions.includes('l2tpv3')),
  };
}

/**
 * Which routers start (config accepted by their platform) and which pseudowires then establish.
 * A refused router never runs: its pseudowires stay down.
 */
export function predictBringUp(t: Topology, routers: readonly ExampleRouter[]): BringUpPrediction {
  const random = new Mulberry32(SIMULATION_SEED);
  const sim = new Simulation(SIMULATION_SEED);
  const nodes = new Map<string, NodeSetup>();
  const verdicts: RouterVerdict[] = routers.map((r) => {
    const config = predictConfig(r.config, r.model, r.firmware);
    const setup = config.response === 'accepted' ? nodeFor(t, r, random) : undefined;
    if (setup) nodes.set(r.name, setup);
    return { name: r.name, model: r.model, firmware: r.firmware, config, ...(setup ? { l2tpAddress: setup.address } : {}) };
  });
  const all = [...nodes.values()];
  for (const n of all) sim.addNode(n.address, n.node);
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) sim.link(all[i].address, all[j].address, PERFECT_CHANNEL);
  for (const n of all) if (n.serviceOn) sim.inject(n.address, { kind: 'serviceOn' });

  const up = (router: string, tunnel: number | undefined): SessionLayout | undefined => {
    const n = nodes.get(router);
    if (n === undefined || tunnel === undefined || n.node.connectionState(tunnel) !== 'established') return undefined;
    return n.node.establishedSessions(tunnel)[0];
  };
  const allUp = () => t.pseudowires.every((p) => p.ends.every((e) => up(e.node, e.tunnel) !== undefined));
  sim.runUntilTrue(allUp, SIMULATED_BRING_UP_MS);

  const pseudowires = t.pseudowires.map((p): PredictedPseudowire => {
    const end = (e: (typeof p.ends)[number]): PredictedEnd => {
      const layout = up(e.node, e.tunnel);
      return { router: e.node, tunnel: e.tunnel ?? 0, ...(e.bridge ? { bridge: e.bridge } : {}), ...(layout ? { layout } : {}) };
    };
    const ends = [end(p.ends[0]), end(p.ends[1])] as const;
    return { name: p.name, established: ends.every((e) => e.layout !== undefined), ends };
  });
  return { routers: verdicts, pseudowires };
}
