// Whole-topology prediction: given routers, bridges, tunnels, hosts and a sequence of frames sent by
// hosts, where does every frame show up — at router ports, at hosts, on the WAN (as L2TPv3 data
// messages) — what do the learning tables hold at the end, and is there a forwarding loop (the
// seed's warning for a 3-site full mesh, 設定例2 ※注意点). Pure: virtual time only.
import { LearningBridge, type BridgeTableView, type ForwardReason } from '../bridge/learning-bridge.ts';
import { encodeDataMessage, type DefaultL2ss } from '../l2tpv3/data-message.ts';
import { fromHex } from '../l2tpv3/wire.ts';
import { DEFAULT_NETWORK_ASSUMPTIONS, L2TPV3_UDP_PORT, type NetworkAssumptions } from './facts.ts';
import { findLoopProneCycles } from './loops.ts';
import { findTunnel, validateTopology, type HostSpec, type NetworkTopology, type StimulusFrame, type TunnelMemberSpec } from './topology.ts';

export interface PortObservation {
  kind: 'port';
  stimulus: number;
  atMs: number;
  router: string;
  port: string;
  /** 'in': the frame entered the router at this port; 'out': the router sent it out of the port. */
  direction: 'in' | 'out';
  frame: Uint8Array;
}

export interface HostObservation {
  kind: 'host';
  stimulus: number;
  atMs: number;
  host: string;
  frame: Uint8Array;
}

export interface OuterHeader {
  family: 4 | 6;
  src: string;
  dst: string;
  protocol: 'udp';
  srcPort: number;
  dstPort: number;
}

export interface WanObservation {
  kind: 'wan';
  stimulus: number;
  atMs: number;
  from: { router: string; tunnel: string };
  to: { router: string; tunnel: string };
  outer: OuterHeader;
  /** The receiver's Session ID and cookie (hex) as they appear in the data message. */
  sessionId: number;
  cookie: string;
  l2ss: DefaultL2ss | null;
  /** The UDP payload: the whole L2TPv3 data message. */
  l2tp: Uint8Array;
  inner: Uint8Array;
}

export type Observation = PortObservation | HostObservation | WanObservation;

export interface BridgeDecision {
  stimulus: number;
  atMs: number;
  router: string;
  bridge: string;
  ingress: string;
  reason: ForwardReason;
  egress: string[];
}

export type Finding =
  | { kind: 'loop-prone-topology'; cycle: string[]; message: string }
  | { kind: 'forwarding-loop'; stimulus: number; bridge: string; path: string[]; message: string }
  | { kind: 'hop-limit'; stimulus: number; message: string }
  | { kind: 'not-bridged'; stimulus: number; router: string; port: string; message: string };

export interface Prediction {
  observations: Observation[];
  decisions: BridgeDecision[];
  findings: Finding[];
  /** Final learning tables, keyed "router.bridgeN", at the last stimulus time (or endMs). */
  tables: Record<string, BridgeTableView>;
  /**
   * The first stimulus that looped, or null. From there on the prediction shows only the first round
   * of the loop: real bridges keep circulating the frame and their learning entries flap, so later
   * observations and the final tables are not a reliable expectation.
   */
  unreliableFromStimulus: number | null;
}

export interface PredictOptions {
  /** Time for the final tables; default the last stimulus time. */
  endMs?: number;
  assumptions?: Partial<NetworkAssumptions>;
}

interface Copy {
  router: string;
  bridgeKey: string;
  ingress: string;
  frame: Uint8Array;
  path: string[];
}

export function predict(topology: NetworkTopology, stimuli: StimulusFrame[], opts: PredictOptions = {}): Prediction {
  validateTopology(topology);
  const a: NetworkAssumptions = { ...DEFAULT_NETWORK_ASSUMPTIONS, ...opts.assumptions };
  const routers = new Map(topology.routers.map((r) => [r.name, r]));
  const hosts = new Map(topology.hosts.map((h) => [h.name, h]));
  const bridges = new Map<string, LearningBridge>();
  const memberBridge = new Map<string, string>(); // "router.member" -> "router.bridgeN"
  for (const r of topology.routers) {
    for (const b of r.bridges) {
      const key = `${r.name}.${b.name}`;
      const br = new LearningBridge({
        name: b.name,
        members: b.members.map((m) => ({ name: m.name, kind: m.kind })),
        dynamicCapacity: b.dynamicCapacity,
        staticCapacity: b.staticCapacity,
        ageingMs: b.ageingMs,
        learning: b.learning,
        passTaggedFrames: b.passTaggedFrames,
        establishedTunnels: b.members.filter((m) => m.kind === 'tunnel' && m.established).map((m) => m.name),
        assumptions: b.assumptions,
      });
      for (const s of b.statics ?? []) {
        const res = br.addStatic(s.mac, s.member);
        if (!res.ok) throw new Error(`topology: ${key} static ${s.mac} ${s.member}: ${res.reason}`);
      }
      bridges.set(key, br);
      for (const m of b.members) memberBridge.set(`${r.name}.${m.name}`, key);
    }
  }
  const hostsAt = (router: string, port: string): HostSpec[] => topology.hosts.filter((h) => h.router === router && h.port === port);

  const out: Prediction = { observations: [], decisions: [], findings: [], tables: {}, unreliableFromStimulus: null };
  for (const cycle of findLoopProneCycles(topology)) {
    out.findings.push({
      kind: 'loop-prone-topology',
      cycle,
      message: `bridges ${cycle.join(' - ')} form a cycle over established tunnels: broadcasts and unknown unicasts will loop (no spanning tree, §4.3)`,
    });
  }

  let now = 0;
  stimuli.forEach((s, i) => {
    const at = s.atMs ?? now;
    if (!Number.isFinite(at) || at < now) throw new Error(`stimulus ${i}: time ${at} ms is before the previous frame's ${now} ms`);
    now = at;
    const host = hosts.get(s.fromHost);
    if (!host) throw new Error(`stimulus ${i}: unknown host ${s.fromHost}`);
    // The host's segment: the router port and every other host on it see the frame.
    for (const h of hostsAt(host.router, host.port)) {
      if (h.name !== host.name) out.observations.push({ kind: 'host', stimulus: i, atMs: at, host: h.name, frame: s.frame.slice() });
    }
    out.observations.push({ kind: 'port', stimulus: i, atMs: at, router: host.router, port: host.port, direction: 'in', frame: s.frame.slice() });
    const first = memberBridge.get(`${host.router}.${host.port}`);
    if (!first) {
      out.findings.push({
        kind: 'not-bridged',
        stimulus: i,
        router: host.router,
        port: host.port,
        message: `${host.router}.${host.port} is not a bridge member; the prediction covers bridged frames only`,
      });
      return;
    }
    const queue: Copy[] = [{ router: host.router, bridgeKey: first, ingress: host.port, frame: s.frame, path: [first] }];
    let decisions = 0;
    // Breadth first: copies fan out in member order, one bridge hop at a time.
    while (queue.length > 0) {
      const c = queue.shift()!;
      if (++decisions > a.maxDecisionsPerFrame) {
        out.findings.push({ kind: 'hop-limit', stimulus: i, message: `more than ${a.maxDecisionsPerFrame} bridge decisions for one frame` });
        break;
      }
      const br = bridges.get(c.bridgeKey)!;
      const d = br.forward(c.frame, c.ingress, at);
      out.decisions.push({ stimulus: i, atMs: at, router: c.router, bridge: br.name, ingress: c.ingress, reason: d.reason, egress: [...d.egress] });
      for (const e of d.egress) {
        const spec = findTunnel(routers.get(c.router)!, e);
        if (!spec) {
          out.observations.push({ kind: 'port', stimulus: i, atMs: at, router: c.router, port: e, direction: 'out', frame: c.frame.slice() });
          for (const h of hostsAt(c.router, e)) out.observations.push({ kind: 'host', stimulus: i, atMs: at, host: h.name, frame: c.frame.slice() });
          continue;
        }
        const peerRouter = routers.get(spec.member.peer.router)!;
        const peer = findTunnel(peerRouter, spec.member.peer.tunnel)!;
        out.observations.push(wanHop(i, at, c.router, routers.get(c.router)!.wanAddress, spec.member, peerRouter.name, peerRouter.wanAddress, peer.member, c.frame, a));
        const next = `${peerRouter.name}.${peer.bridge.name}`;
        if (c.path.includes(next)) {
          out.unreliableFromStimulus ??= i;
          out.findings.push({
            kind: 'forwarding-loop',
            stimulus: i,
            bridge: next,
            path: [...c.path, next],
            message: `stimulus ${i} came back to ${next} via ${[...c.path, next].join(' -> ')}; a real network would circulate it indefinitely (prediction cut here)`,
          });
          continue;
        }
        if (c.path.length >= a.maxBridgeHops) {
          out.findings.push({ kind: 'hop-limit', stimulus: i, message: `a copy crossed ${a.maxBridgeHops} bridges` });
          continue;
        }
        queue.push({ router: peerRouter.name, bridgeKey: next, ingress: peer.member.name, frame: c.frame, path: [...c.path, next] });
      }
    }
  });

  const endMs = opts.endMs ?? now;
  for (const [key, br] of bridges) out.tables[key] = br.table(endMs);
  return out;
}

function wanHop(
  stimulus: number,
  atMs: number,
  fromRouter: string,
  fromWan: string,
  from: TunnelMemberSpec,
  toRouter: string,
  toWan: string,
  to: TunnelMemberSpec,
  inner: Uint8Array,
  a: NetworkAssumptions,
): WanObservation {
  const src = from.localAddress ?? fromWan;
  const dst = to.localAddress ?? toWan;
  // The receiver's Session ID and Assigned Cookie go into data sent to it (facts §1.4).
  const cookie = fromHex(to.localCookie ?? '');
  const l2ss: DefaultL2ss | null = (to.l2ss ?? a.defaultL2ss) === 'default' ? { sequenced: false, sequence: 0 } : null;
  const l2tp = encodeDataMessage({ sessionId: to.localSessionId, cookie, l2ss, payload: inner }, 'udp');
  return {
    kind: 'wan',
    stimulus,
    atMs,
    from: { router: fromRouter, tunnel: from.name },
    to: { router: toRouter, tunnel: to.name },
    outer: { family: src.includes(':') ? 6 : 4, src, dst, protocol: 'udp', srcPort: a.udpSourcePort, dstPort: L2TPV3_UDP_PORT },
    sessionId: to.localSessionId,
    cookie: (to.localCookie ?? '').toLowerCase(),
    l2ss,
    l2tp,
    inner: inner.slice(),
  };
}
