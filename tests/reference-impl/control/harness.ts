// Shared set-up for control-plane tests: two RTX-like nodes in a simulation, and a scripted
// peer that speaks to one node directly with hand-built messages.
import { L2tpNode, type TunnelConfig } from '../../../reference-impl/control/node.ts';
import type { ControlProfile } from '../../../reference-impl/control/control-profile.ts';
import type { NodeAction } from '../../../reference-impl/control/node-events.ts';
import { defaultTunnelSettings, type TunnelSettings } from '../../../reference-impl/control/tunnel-settings.ts';
import { decodeControlMessage, messageTypeOf, type ControlMessage } from '../../../reference-impl/l2tpv3/index.ts';
import { Mulberry32 } from '../../../reference-impl/sim/prng.ts';
import { Simulation, PERFECT_CHANNEL, type ChannelParams } from '../../../reference-impl/sim/simulator.ts';

export const A = '192.0.2.1';
export const B = '198.51.100.2';
export const MODEL = 'RTX1210';

export interface PairOptions {
  seed: number;
  a?: Partial<TunnelSettings>;
  b?: Partial<TunnelSettings>;
  profile?: Partial<ControlProfile>;
  profileB?: Partial<ControlProfile>;
  channel?: ChannelParams;
}

export function settings(over: Partial<TunnelSettings> = {}): TunnelSettings {
  return { ...defaultTunnelSettings(MODEL, 1), syslog: true, remoteEndId: 'pw-1', disconnectTimeS: 'off', ...over };
}

export function makeNode(seedRng: Mulberry32, s: TunnelSettings, remote: string, profile?: Partial<ControlProfile>, extra: TunnelConfig[] = []): L2tpNode {
  return new L2tpNode({ tunnels: [{ settings: s, remoteAddress: remote, enabled: true }, ...extra], random: seedRng.fork(), profile });
}

/** Two nodes, A and B, wired both ways; by default only A is always-on (the initiator). */
export function makePair(o: PairOptions): { sim: Simulation; a: L2tpNode; b: L2tpNode } {
  const rng = new Mulberry32(o.seed);
  const sim = new Simulation(o.seed);
  const a = makeNode(rng, settings({ alwaysOn: true, ...o.a }), B, o.profile);
  const b = makeNode(rng, settings({ alwaysOn: false, ...o.b }), A, o.profileB ?? o.profile);
  sim.addNode(A, a);
  sim.addNode(B, b);
  sim.link(A, B, o.channel ?? PERFECT_CHANNEL);
  return { sim, a, b };
}

export function start(sim: Simulation): void {
  sim.inject(B, { kind: 'serviceOn' });
  sim.inject(A, { kind: 'serviceOn' });
}

export function bothUp(a: L2tpNode, b: L2tpNode): boolean {
  return a.connectionState(1) === 'established' && b.connectionState(1) === 'established'
    && a.establishedSessions(1).length > 0 && b.establishedSessions(1).length > 0;
}

/** Control messages a node put on the wire, decoded (secret for hidden AVPs not needed here). */
export function sentMessages(sim: Simulation, node: string): { t: number; msg: ControlMessage; type: number | undefined; bytes: Uint8Array }[] {
  const out: { t: number; msg: ControlMessage; type: number | undefined; bytes: Uint8Array }[] = [];
  for (const e of sim.trace) {
    if (e.node !== node || !('action' in e) || e.action.kind !== 'send') continue;
    const d = decodeControlMessage(e.action.bytes, 'udp');
    if (d.ok) out.push({ t: e.t, msg: d.message, type: messageTypeOf(d.message), bytes: e.action.bytes });
  }
  return out;
}

export function syslogOf(actions: readonly NodeAction[]): { id: string; level: string; text: string }[] {
  return actions.flatMap((a) => (a.kind === 'syslog' ? [{ id: a.id, level: a.level, text: a.text }] : []));
}
