// Two (or more) IkeNodes on a virtual wire with a virtual clock: send actions are delivered to the
// node owning the destination address, timers fire in time order. Optional NAT rewriting of one
// node's source address/port (to exercise RFC 3947 detection).
import { IkeNode } from '../../../../reference-impl/ipsec/ike/ike-node.ts';
import type { IkeAction, IkeEvent, IkeGatewayConfig, UdpEndpoint } from '../../../../reference-impl/ipsec/ike/ike-events.ts';
import type { IkeProfile } from '../../../../reference-impl/ipsec/ike/profile.ts';
import { Mulberry32 } from '../../../../reference-impl/sim/prng.ts';
import { DEFAULT_PHASE1 } from '../../../../reference-impl/ipsec/ike/profile.ts';

export interface TraceEntry {
  t: number;
  node: string;
  action: IkeAction;
}

export interface Nat {
  /** The inside address of the node behind the NAT. */
  inside: string;
  /** Its outside (public) address. */
  outside: string;
  /** Port offset the NAT adds to the source port. */
  portShift: number;
}

export class IkeSim {
  now = 0;
  readonly nodes = new Map<string, IkeNode>();
  readonly trace: TraceEntry[] = [];
  private readonly timers: { at: number; node: string; id: string; seq: number }[] = [];
  private seq = 0;
  /** Return false to drop a datagram on the wire. */
  filter: (from: string, to: UdpEndpoint, bytes: Uint8Array) => boolean = () => true;
  nat?: Nat;

  add(address: string, node: IkeNode): void {
    this.nodes.set(address, node);
  }

  inject(address: string, ev: IkeEvent): void {
    const queue: { address: string; ev: IkeEvent }[] = [{ address, ev }];
    while (queue.length) {
      const { address: a, ev: e } = queue.shift()!;
      const node = this.nodes.get(a);
      if (!node) continue;
      for (const action of node.handle(this.now, e)) {
        this.trace.push({ t: this.now, node: a, action });
        if (action.kind === 'setTimer') this.timers.push({ at: action.atMs, node: a, id: action.id, seq: this.seq++ });
        if (action.kind === 'cancelTimer') {
          const i = this.timers.findIndex((t) => t.node === a && t.id === action.id);
          if (i >= 0) this.timers.splice(i, 1);
        }
        if (action.kind === 'send') {
          if (!this.filter(a, action.to, action.bytes)) continue;
          let from: UdpEndpoint = { address: a, port: action.localPort };
          let to = action.to;
          if (this.nat && a === this.nat.inside) from = { address: this.nat.outside, port: action.localPort + this.nat.portShift };
          if (this.nat && to.address === this.nat.outside) to = { address: this.nat.inside, port: to.port - this.nat.portShift };
          const localPort = to.port as 500 | 4500;
          queue.push({ address: to.address, ev: { kind: 'udp', localPort, from, bytes: action.bytes } });
        }
      }
    }
  }

  /** Runs timers until `until` (virtual ms) or until none is left. */
  run(until: number): void {
    for (;;) {
      this.timers.sort((x, y) => x.at - y.at || x.seq - y.seq);
      const t = this.timers[0];
      if (!t || t.at > until) break;
      this.timers.shift();
      this.now = t.at;
      this.inject(t.node, { kind: 'timer', id: t.id });
    }
    this.now = Math.max(this.now, until);
  }

  actions<K extends IkeAction['kind']>(node: string, kind: K): Extract<IkeAction, { kind: K }>[] {
    return this.trace.filter((e) => e.node === node && e.action.kind === kind).map((e) => e.action as Extract<IkeAction, { kind: K }>);
  }
}

export const A = '192.0.2.1';
export const B = '198.51.100.2';
export const PSK = Uint8Array.from(Buffer.from('sim-psk-not-secret'));

export function gateway(local: string, remote: string | 'any', over: Partial<IkeGatewayConfig> = {}): IkeGatewayConfig {
  return {
    gateway: 1,
    psk: PSK,
    local,
    remote,
    exchange: 'main',
    phase1: [DEFAULT_PHASE1],
    esp: { cipher: 'aes-cbc', integrity: 'sha-hmac' },
    natTraversal: { on: true, force: false, keepaliveS: 300 },
    keepalive: { method: 'dpd', intervalS: 10, count: 6 },
    autoRefresh: true,
    transport: { protocol: 17, port: 1701 },
    ...over,
  };
}

export function pair(seed: number, a: Partial<IkeGatewayConfig>, b: Partial<IkeGatewayConfig>, profile?: Partial<IkeProfile>): IkeSim {
  const rng = new Mulberry32(seed);
  const sim = new IkeSim();
  sim.add(A, new IkeNode({ gateways: [gateway(A, B, a)], random: rng.fork(), profile }));
  sim.add(B, new IkeNode({ gateways: [gateway(B, A, b)], random: rng.fork(), profile }));
  return sim;
}
