// The oracle's prediction of an IKE exchange between tester peers and a device: one IKEv1 node per
// side (ipsec/ike/IkeNode, the same sans-IO oracle), wired back to back on a virtual clock with no
// delay, each peer started (and silenced) at the virtual time the test did it to the real peer.
// Out come every datagram both ways (ports 500/4500 as on the wire), the device's actions (for its
// log lines, ipsec-device-log.ts) and both sides' keys (to read the predicted messages the way the
// observed ones are read: ipsec-events.ts). Pure: randomness is a seeded source, time is virtual.
import type { RandomSource } from '../control/random.ts';
import { ikev1KeyLogEntry, espKeyLogEntries } from '../ipsec/ike-key-log.ts';
import type { IkeAction, IkeEvent, IkeGatewayConfig } from '../ipsec/ike/ike-events.ts';
import { IkeNode } from '../ipsec/ike/ike-node.ts';
import type { IkeProfile } from '../ipsec/ike/profile.ts';
import type { KeyLogEntry } from '../ipsec/key-log.ts';

export interface SimulatedIkePeer {
  /** The peer's address (its gateway's `local`). */
  readonly address: string;
  readonly gateway: IkeGatewayConfig;
  /** Virtual ms the peer started: an initiator negotiates at once. */
  readonly startMs: number;
  readonly initiator: boolean;
  /** Virtual ms from which the peer neither sends nor receives (its sockets closed). */
  readonly closedAtMs?: number;
  /**
   * Drops what the peer would send (misbehaviours: `dpd-silent` drops its informational answers):
   * `answering` is the exchange type of the device message being handled, if any.
   */
  readonly dropOutgoing?: (exchange: number | undefined, answering: number | undefined) => boolean;
  readonly profile?: Partial<IkeProfile>;
  readonly random: RandomSource;
  /**
   * When the real peer sent its 1st, 2nd, ... distinct ISAKMP message (virtual ms): the peer's
   * messages are the stimulus, so each goes to the device when the real one went (its own
   * computation, e.g. Diffie-Hellman, took the harness's time, not the device's); a message past
   * the list goes when the oracle sends it.
   */
  readonly sendTimes?: readonly number[];
}

export interface IkeSimulationInput {
  readonly device: { address: string; gateways: readonly IkeGatewayConfig[]; profile?: Partial<IkeProfile>; random: RandomSource };
  readonly peers: readonly SimulatedIkePeer[];
  readonly horizonMs: number;
}

export interface SimulatedDatagram {
  readonly t: number;
  /** The peer's address this datagram was exchanged with. */
  readonly peer: string;
  readonly fromDevice: boolean;
  readonly port: 500 | 4500;
  readonly bytes: Uint8Array;
}

export interface IkeSimulationResult {
  /** In time order. */
  readonly datagrams: readonly SimulatedDatagram[];
  readonly deviceActions: readonly { t: number; action: IkeAction }[];
  /** Keys of both sides (a peer's key log has its own; the device's SAs are the same keys). */
  readonly keys: readonly KeyLogEntry[];
}

interface Pending {
  t: number;
  seq: number;
  node: string;
  ev: IkeEvent;
  /** For timers: the generation it was set with (a later set or a cancel makes it stale). */
  gen?: number;
}

/** An upper bound on handled events, so a node that loops on timers cannot hang a prediction. */
const MAX_STEPS = 100_000;

export function simulateIke(i: IkeSimulationInput): IkeSimulationResult {
  const DEVICE = i.device.address;
  const nodes = new Map<string, IkeNode>([[DEVICE, new IkeNode({ gateways: i.device.gateways, random: i.device.random, profile: i.device.profile })]]);
  const peers = new Map(i.peers.map((p) => [p.address, p]));
  for (const p of i.peers) nodes.set(p.address, new IkeNode({ gateways: [p.gateway], random: p.random, profile: p.profile }));
  const queue: Pending[] = [];
  const timers = new Map<string, number>();
  let seq = 0;
  let gen = 0;
  const at = (t: number, node: string, ev: IkeEvent, g?: number) => queue.push({ t, seq: seq++, node, ev, gen: g });
  for (const p of i.peers) if (p.initiator) at(p.startMs, p.address, { kind: 'connect', gateway: p.gateway.gateway });

  const datagrams: SimulatedDatagram[] = [];
  const deviceActions: { t: number; action: IkeAction }[] = [];
  const keys: KeyLogEntry[] = [];
  // per peer: its distinct messages so far (a retransmitted copy goes when the oracle resends it)
  const distinct = new Map<string, Set<string>>();
  const stimulusTime = (p: SimulatedIkePeer, t: number, bytes: Uint8Array): number => {
    const seen = distinct.get(p.address) ?? new Set<string>();
    distinct.set(p.address, seen);
    const key = Buffer.from(bytes).toString('hex');
    if (seen.has(key)) return t;
    seen.add(key);
    if (bytes.length === 1) return t; // a NAT-T keepalive is not an ISAKMP message
    const real = p.sendTimes?.[seen.size - 1];
    return real === undefined ? t : Math.max(t, real);
  };
  const closed = (address: string, t: number) => t >= (peers.get(address)?.closedAtMs ?? Infinity) || t < (peers.get(address)?.startMs ?? -Infinity);

  for (let steps = 0; queue.length > 0 && steps < MAX_STEPS; steps++) {
    queue.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const next = queue.shift()!;
    if (next.t > i.horizonMs) break;
    const { t, node: name, ev } = next;
    if (ev.kind === 'timer') {
      const k = `${name} ${ev.id}`;
      if (timers.get(k) !== next.gen) continue;
      timers.delete(k);
    }
    const isDevice = name === DEVICE;
    if (!isDevice && closed(name, t)) continue;
    const answering = ev.kind === 'udp' ? exchangeOf(ev.localPort, ev.bytes) : undefined;
    for (const a of nodes.get(name)!.handle(t, ev)) {
      if (isDevice) deviceActions.push({ t, action: a });
      switch (a.kind) {
        case 'send': {
          const to = a.to.address;
          if (!isDevice) {
            const p = peers.get(name)!;
            if (p.dropOutgoing?.(exchangeOf(a.localPort, a.bytes), answering)) break;
          }
          const peer = isDevice ? to : name;
          if (isDevice && (!peers.has(to) || closed(to, t))) {
            // sent towards a peer that is not (or no longer) there: on the wire, received by nobody
            if (peers.has(to)) datagrams.push({ t, peer, fromDevice: true, port: a.localPort, bytes: a.bytes });
            break;
          }
          const when = isDevice ? t : stimulusTime(peers.get(name)!, t, a.bytes);
          datagrams.push({ t: when, peer, fromDevice: isDevice, port: a.localPort, bytes: a.bytes });
          const target = isDevice ? to : DEVICE;
          at(when, target, { kind: 'udp', localPort: a.localPort, from: { address: name, port: a.localPort }, bytes: a.bytes });
          break;
        }
        case 'setTimer': {
          const g = ++gen;
          timers.set(`${name} ${a.id}`, g);
          at(a.atMs, name, { kind: 'timer', id: a.id }, g);
          break;
        }
        case 'cancelTimer':
          timers.delete(`${name} ${a.id}`);
          break;
        case 'phase1Up':
          keys.push(ikev1KeyLogEntry(a.keys));
          break;
        case 'ipsecSaUp':
          if (!isDevice) keys.push(...espKeyLogEntries(a.sa));
          break;
        default:
          break;
      }
    }
  }
  return { datagrams: datagrams.map((d, i) => ({ d, i })).sort((a, b) => a.d.t - b.d.t || a.i - b.i).map((x) => x.d), deviceActions, keys };
}

/** The exchange type octet of an ISAKMP datagram (RFC 2408 §3.1 offset 18; behind the non-ESP marker on 4500). */
export function exchangeOf(port: 500 | 4500, bytes: Uint8Array): number | undefined {
  const o = (port === 4500 ? 4 : 0) + 18;
  if (port === 4500 && (bytes.length < 4 || bytes[0] | bytes[1] | bytes[2] | bytes[3])) return undefined;
  return bytes.length > o ? bytes[o] : undefined;
}
