// A far end written by hand: builds control messages with the codec and hands them straight
// to one node, keeping Ns/Nr itself. Used to provoke what a well-behaved node never sends.
import { L2tpNode } from '../../../reference-impl/control/node.ts';
import type { NodeAction } from '../../../reference-impl/control/node-events.ts';
import {
  avps as AV, decodeControlMessage, encodeControlMessage, findAvp, messageTypeOf, AVP, PW_TYPE, type Avp, type ControlMessage,
} from '../../../reference-impl/l2tpv3/index.ts';
import { Mulberry32 } from '../../../reference-impl/sim/prng.ts';
import { settings } from './harness.ts';

export const PEER = '203.0.113.7';
export const NODE = '203.0.113.1';

export class ScriptedPeer {
  ns = 0;
  nr = 0;
  remoteCcid = 0;
  readonly localCcid = 0x0a0b0c0d;
  now = 1000;
  /** Every action the node produced, in order. */
  readonly actions: NodeAction[] = [];

  constructor(readonly node: L2tpNode, readonly from = PEER) {}

  /** A node with one tunnel towards PEER (always-on off: it waits for us), `l2tp syslog on`. */
  static withNode(seed = 1): ScriptedPeer {
    const node = new L2tpNode({ tunnels: [{ settings: settings({ alwaysOn: false }), remoteAddress: PEER, enabled: true }], random: new Mulberry32(seed) });
    const p = new ScriptedPeer(node);
    p.deliver({ kind: 'serviceOn' });
    return p;
  }

  deliver(event: Parameters<L2tpNode['handle']>[0]): NodeAction[] {
    const out = this.node.handle(event, this.now);
    this.actions.push(...out);
    for (const a of out) {
      if (a.kind !== 'send') continue;
      const d = decodeControlMessage(a.bytes, 'udp');
      if (!d.ok) continue;
      const m = d.message;
      if (m.avps.length > 0 && messageTypeOf(m) !== 20) this.nr = (m.ns + 1) & 0xffff;
      const assigned = findAvp(m.avps, AVP.AssignedControlConnectionId);
      if (assigned && assigned.value.kind === 'u32' && this.remoteCcid === 0) this.remoteCcid = assigned.value.value;
    }
    return out;
  }

  raw(bytes: Uint8Array): NodeAction[] {
    this.now += 10;
    return this.deliver({ kind: 'packet', from: this.from, bytes });
  }

  /** Sends a message with the next Ns; `ccid` defaults to the node's CCID once known. */
  send(type: number, avps: Avp[], ccid = this.remoteCcid): NodeAction[] {
    const m: ControlMessage = { ccid, ns: this.ns, nr: this.nr, avps: [AV.messageType(type), ...avps] };
    this.ns = (this.ns + 1) & 0xffff;
    return this.raw(encodeControlMessage(m));
  }

  sccrqAvps(extra: Avp[] = []): Avp[] {
    return [AV.hostName('scripted'), AV.routerId(0), AV.assignedControlConnectionId(this.localCcid), AV.pseudowireCapabilities([PW_TYPE.Ethernet]), ...extra];
  }

  /** SCCRQ then SCCCN: the node ends up with an established control connection. */
  establish(): void {
    this.send(1, this.sccrqAvps(), 0);
    this.send(3, []);
  }

  sentTypes(actions: readonly NodeAction[]): (number | undefined)[] {
    return actions.flatMap((a) => {
      if (a.kind !== 'send') return [];
      const d = decodeControlMessage(a.bytes, 'udp');
      return d.ok ? [messageTypeOf(d.message)] : [];
    });
  }

  sent(actions: readonly NodeAction[], type: number): ControlMessage | undefined {
    for (const a of actions) {
      if (a.kind !== 'send') continue;
      const d = decodeControlMessage(a.bytes, 'udp');
      if (d.ok && messageTypeOf(d.message) === type) return d.message;
    }
    return undefined;
  }
}
