// Target: the control state machines (reference-impl/control). Two L2tpNode instances (RTX-like
// sites A and B, random settings per episode: always-on on one or both ends so tie breaks happen,
// auth on or off, end-ids that match or not) talk through a fuzzing wire. Each input is one event
// into a node: a queued packet delivered as sent, mutated, duplicated or replayed; a message from
// the fast-check corpus with the live CCIDs and session IDs patched in (so out-of-order messages
// reach deep states); random bytes; a packet from an address no tunnel points at; a due timer;
// or an operator event (connect, disconnect, service off/on, data activity).
// Contract per event: no exception; what a node sends decodes as a well-formed control message;
// timers are set in the future; syslog lines are catalogue lines; a bounded number of actions.
import fc from 'fast-check';
import { L2tpNode } from '../../reference-impl/control/node.ts';
import type { NodeAction, NodeEvent } from '../../reference-impl/control/node-events.ts';
import { defaultTunnelSettings, type TunnelSettings } from '../../reference-impl/control/tunnel-settings.ts';
import { AVP, decodeControlMessage, encodeControlMessage, findAvp, MESSAGE_TYPE, messageTypeOf, type ControlMessage } from '../../reference-impl/l2tpv3/index.ts';
import { SYSLOG_CATALOGUE, syslogPattern, type SyslogId } from '../../reference-impl/syslog/catalogue.ts';
import { anyMessageArbitrary } from '../../tests/reference-impl/l2tpv3/arbitraries.ts';
import { DECODE_SYSLOG_IDS } from './codec-target.ts';
import { mutateBytes, Rng } from './mutate.ts';
import type { PureTarget } from './target.ts';

const A = '192.0.2.1';
const B = '198.51.100.2';
const STRANGER = '203.0.113.9';
const MODEL = 'RTX1210';
const PASSWORD = 'robustness-tunnel'; // throwaway lab secret
/** More actions than this for one event is a storm (a loop sending to itself, issue 17). */
const MAX_ACTIONS_PER_EVENT = 200;
/** Packets in flight between the two nodes: more is a storm too. */
const MAX_IN_FLIGHT = 2000;

/** Bad-input lines the control plane must log: the decoder's classes, plus an unknown sender and out-of-state messages. */
export const CONTROL_SYSLOG_EXPECTED: readonly SyslogId[] = [...DECODE_SYSLOG_IDS, 'cantFindTunnel', 'tunnelStateMismatch', 'sessionStateMismatch'];

interface Flight {
  at: number;
  to: string;
  from: string;
  bytes: Uint8Array;
}

type Step =
  | { kind: 'event'; node: string; event: NodeEvent; what: string }
  | { kind: 'fresh'; what: string };

class Episode {
  now = 0;
  readonly nodes = new Map<string, L2tpNode>();
  readonly timers = new Map<string, Map<string, number>>([[A, new Map()], [B, new Map()]]);
  readonly flights: Flight[] = [];
  readonly seenBytes: Uint8Array[] = [];
  /** CCIDs and session IDs each node assigned (learned from what it sent): fuzz messages use them. */
  readonly ccids = new Map<string, number[]>([[A, []], [B, []]]);
  readonly sessionIds = new Map<string, number[]>([[A, []], [B, []]]);
  readonly secret: string | undefined;

  constructor(rng: Rng) {
    const auth = rng.chance(0.3);
    this.secret = auth ? PASSWORD : undefined;
    const base = (over: Partial<TunnelSettings>): TunnelSettings => ({
      ...defaultTunnelSettings(MODEL, 1), syslog: true, remoteEndId: 'pw-1', disconnectTimeS: rng.pick(['off', 5, 60] as const),
      keepalive: { use: rng.chance(0.7), intervalS: rng.pick([1, 10]), count: rng.pick([1, 3]) },
      auth: { enabled: auth, password: PASSWORD }, ...over,
    });
    const seed = new Rng(rng.nextU32());
    const both = rng.chance(0.3);
    this.nodes.set(A, new L2tpNode({ tunnels: [{ settings: base({ alwaysOn: true }), remoteAddress: B, enabled: true }], random: seed.fork() }));
    this.nodes.set(B, new L2tpNode({
      tunnels: [{ settings: base({ alwaysOn: both, remoteEndId: rng.chance(0.9) ? 'pw-1' : 'pw-other' }), remoteAddress: A, enabled: true }],
      random: seed.fork(),
      profile: { sessionInitiator: rng.pick(['tunnel-initiator', 'both'] as const), ackStyle: rng.pick(['explicit', 'zlb'] as const) },
    }));
  }

  other(n: string): string {
    return n === A ? B : A;
  }
}

/** Why an action list breaks the contract, or null. */
function actionProblem(actions: readonly NodeAction[], now: number, secret: string | undefined, syslog: Set<string>): string | null {
  if (actions.length > MAX_ACTIONS_PER_EVENT) return `${actions.length} actions for one event (storm)`;
  for (const a of actions) {
    if (a.kind === 'send') {
      const d = decodeControlMessage(a.bytes, 'udp', { secret });
      if (!d.ok) return `sent a malformed control message (${d.error.kind}: ${d.error.detail})`;
    } else if (a.kind === 'setTimer') {
      if (!Number.isFinite(a.atMs) || a.atMs < now) return `timer ${a.id} set at ${a.atMs}, before now (${now})`;
    } else if (a.kind === 'syslog') {
      const entry = SYSLOG_CATALOGUE[a.id];
      if (!entry || entry.level !== a.level || !syslogPattern(a.id).test(a.text)) return `syslog line not from the catalogue: ${a.id} ${a.text}`;
      syslog.add(a.id);
    }
  }
  return null;
}

export function controlTarget(seed: number, episodeLength = 3000): PureTarget<Step> {
  const rng = new Rng(seed);
  const corpus: ControlMessage[] = fc.sample(anyMessageArbitrary, { numRuns: 400, seed });
  const sccrqs = corpus.filter((m) => messageTypeOf(m) === MESSAGE_TYPE.SCCRQ);
  const syslog = new Set<string>();
  let ep = new Episode(rng);
  let sinceFresh = 0;

  const learn = (node: string, bytes: Uint8Array) => {
    const d = decodeControlMessage(bytes, 'udp', { secret: ep.secret });
    if (!d.ok) return;
    const cc = findAvp(d.message.avps, AVP.AssignedControlConnectionId);
    if (cc?.value.kind === 'u32') ep.ccids.get(node)!.push(cc.value.value);
    const sid = findAvp(d.message.avps, AVP.LocalSessionId);
    if (sid?.value.kind === 'u32') ep.sessionIds.get(node)!.push(sid.value.value);
  };

  /** A corpus message aimed at `to`, with live IDs patched in most of the time. */
  const corpusMessage = (to: string): Uint8Array => {
    const m = structuredClone(rng.pick(corpus));
    const live = ep.ccids.get(to)!;
    m.ccid = live.length && rng.chance(0.7) ? rng.pick(live) : rng.chance(0.5) ? 0 : m.ccid;
    const sids = ep.sessionIds.get(to)!;
    const rs = findAvp(m.avps, AVP.RemoteSessionId);
    if (rs?.value.kind === 'u32' && sids.length && rng.chance(0.7)) rs.value.value = rng.pick(sids);
    if (rng.chance(0.5)) m.ns = rng.int(4);
    if (rng.chance(0.5)) m.nr = rng.int(4);
    return encodeControlMessage(m, { secret: ep.secret ?? 'x' });
  };

  /** The earliest timer of either node due before `t`: a real clock fires it before anything later happens. */
  const dueBefore = (t: number): Step | undefined => {
    let best: { node: string; id: string; at: number } | undefined;
    for (const [node, timers] of ep.timers) for (const [id, at] of timers) if (at < t && (!best || at < best.at)) best = { node, id, at };
    if (!best) return undefined;
    ep.now = Math.max(ep.now, best.at);
    return { kind: 'event', node: best.node, event: { kind: 'timer', id: best.id }, what: `timer ${best.id} (due)` };
  };

  const nextStep = (): Step => {
    if (sinceFresh >= episodeLength) {
      sinceFresh = 0;
      return { kind: 'fresh', what: 'new episode' };
    }
    sinceFresh++;
    if (sinceFresh === 1) return { kind: 'event', node: B, event: { kind: 'serviceOn' }, what: 'serviceOn B' };
    if (sinceFresh === 2) return { kind: 'event', node: A, event: { kind: 'serviceOn' }, what: 'serviceOn A' };
    const r = rng.nextFloat();
    const node = rng.chance(0.5) ? A : B;
    if (r < 0.45 && ep.flights.length) {
      ep.flights.sort((x, y) => x.at - y.at);
      const f = rng.chance(0.85) ? ep.flights.shift()! : ep.flights.splice(rng.int(ep.flights.length), 1)[0]; // in order, or reordered
      const timer = dueBefore(f.at);
      if (timer) {
        ep.flights.push(f);
        return timer;
      }
      ep.now = Math.max(ep.now, f.at);
      let bytes = f.bytes;
      let what = 'delivered';
      const m = rng.nextFloat();
      if (m < 0.1) {
        bytes = mutateBytes(f.bytes, rng, rng.pick(ep.seenBytes));
        what = 'delivered mutated';
      } else if (m < 0.15) {
        ep.flights.push({ ...f, at: ep.now + rng.int(2000) });
        what = 'delivered and duplicated';
      } else if (m < 0.2) {
        return { kind: 'event', node: f.to, event: { kind: 'packet', from: f.from, bytes: rng.pick(ep.seenBytes) }, what: 'replayed an old packet' };
      }
      return { kind: 'event', node: f.to, event: { kind: 'packet', from: f.from, bytes }, what };
    }
    if (r < 0.7) return { kind: 'event', node, event: { kind: 'packet', from: ep.other(node), bytes: corpusMessage(node) }, what: 'corpus message' };
    if (r < 0.72) return { kind: 'event', node, event: { kind: 'packet', from: rng.chance(0.5) ? STRANGER : ep.other(node), bytes: rng.chance(0.5) ? rng.bytes(rng.int(40)) : corpusMessage(node) }, what: 'random bytes or stranger' };
    if (r < 0.75) return { kind: 'event', node, event: { kind: 'packet', from: STRANGER, bytes: encodeControlMessage({ ...rng.pick(sccrqs), ccid: 0 }, { secret: 'x' }) }, what: 'SCCRQ from a stranger' };
    if (r < 0.93) {
      const pending = [...ep.timers.get(node)!.entries()].sort((x, y) => x[1] - y[1]);
      if (pending.length) {
        const [id, at] = rng.chance(0.8) ? pending[0] : rng.pick(pending);
        const earlier = dueBefore(at);
        if (earlier) return earlier;
        ep.now = Math.max(ep.now, at);
        return { kind: 'event', node, event: { kind: 'timer', id }, what: `timer ${id}` };
      }
    }
    const later = ep.now + rng.int(500);
    const timer = dueBefore(later);
    if (timer) return timer;
    ep.now = later;
    const ops: NodeEvent[] = [{ kind: 'connect', tunnel: 1 }, { kind: 'disconnect', tunnel: 1 }, { kind: 'serviceOff' }, { kind: 'serviceOn' }, { kind: 'dataActivity', tunnel: 1 }, { kind: 'timer', id: 'no-such-timer' }];
    const event = rng.pick(ops);
    return { kind: 'event', node, event, what: event.kind };
  };

  return {
    name: 'control',
    syslogExpected: CONTROL_SYSLOG_EXPECTED,
    syslogSeen: () => syslog,
    generate: () => nextStep(),
    check(step) {
      if (step.kind === 'fresh') {
        ep = new Episode(rng);
        return 'episode';
      }
      const actions = ep.nodes.get(step.node)!.handle(step.event, ep.now);
      const problem = actionProblem(actions, ep.now, ep.secret, syslog);
      const timers = ep.timers.get(step.node)!;
      if (step.event.kind === 'timer') timers.delete(step.event.id);
      for (const a of actions) {
        if (a.kind === 'setTimer') timers.set(a.id, a.atMs);
        else if (a.kind === 'cancelTimer') timers.delete(a.id);
        else if (a.kind === 'send' && (a.to === A || a.to === B)) {
          learn(step.node, a.bytes);
          ep.flights.push({ at: ep.now + 5 + rng.int(40), to: a.to, from: step.node, bytes: a.bytes });
          if (ep.seenBytes.length < 64) ep.seenBytes.push(a.bytes);
          else ep.seenBytes[rng.int(64)] = a.bytes;
        }
      }
      // the wire follows what the node did even when that broke the contract, so later inputs stay meaningful
      if (problem) return { problem };
      if (ep.flights.length > MAX_IN_FLIGHT) return { problem: `${ep.flights.length} packets in flight (storm)` };
      const states = [A, B].map((n) => ep.nodes.get(n)!.connectionState(1)).join('/');
      return `${step.event.kind}:${states}`;
    },
    show: (step) => (step.kind === 'fresh' ? step.what : `${step.what} -> ${step.node} at ${ep.now} ms: ${JSON.stringify(step.event, (_, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`),
  };
}
