// L2MS frames through the device under test, step by step, and the verdict as a whole-trace
// comparison (reference-impl/trace): every L2MS frame the harness injects (context) and every L2MS
// frame that comes out at lan1 or tunnel1 (the device's), whole bytes as one field, compared in
// order with the oracle's prediction. The oracle: reference-impl/l2ms (what L2MS does with the frame
// under the config's mode) and the bridge (LearningBridge, fed the same frames in the same order).
// Times are step numbers, not clock readings: each step ends at a barrier, so order is what counts.
import { LearningBridge } from '../../reference-impl/bridge/index.ts';
import { bridges, l2msSettings, parseConfig } from '../../reference-impl/config/index.ts';
import { isL2msFrame, L2MS_WIRE, l2msDisposition, l2msStateAt, macText } from '../../reference-impl/l2ms/index.ts';
import { traceEvent, traceVerdict, type TraceEvent, type TraceVerdict } from '../../reference-impl/trace/index.ts';
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { markedFrame } from './bridge-traffic.ts';
import { BRIDGE_ADDRESS } from '../../drivers/dut/lab-config.ts';
import type { LanHost } from '../../drivers/dut/lan-host.ts';
import { arpRequest, isArpReplyFrom } from './traffic.ts';

export type L2msPort = 'lan1' | 'tunnel1';
const WAIT_MS = 5000;
/** The harness's barrier host on the tunnel side (its ARP is answered by the router, and flooded to lan1). */
const BARRIER_HOST = { mac: '02:00:00:00:4d:01', ip: '192.168.100.77' };

const hex = (f: Uint8Array) => Buffer.from(f).toString('hex');
/**
 * An L2MS frame, untagged or 802.1Q-tagged (CR §48.1.2: L2MS also runs on VLAN interfaces): the
 * frames the trace records. The oracle's disposition sees untagged ones only (isL2msFrame); a tagged
 * one is bridged like any frame, and the trace holds it to those bytes.
 */
export function carriesL2ms(f: Uint8Array): boolean {
  if (isL2msFrame(f)) return true;
  return f.length >= 18 && f[12] === 0x81 && f[13] === 0x00 && ((f[16] << 8) | f[17]) === L2MS_WIRE.etherType;
}
const frameEvent = (step: number, at: L2msPort, f: Uint8Array, by: 'device' | 'harness' = 'device'): TraceEvent =>
  traceEvent('frame', step, at, by === 'harness' ? 'L2MS frame injected' : 'L2MS frame', [{ name: 'bytes', value: hex(f) }], by);

/** The oracle's side of an L2MS lab: the config's L2MS state at bridge1 and the bridge lan1 + tunnel1. */
export class L2msPrediction {
  readonly events: TraceEvent[] = [];
  private readonly bridge: LearningBridge;
  private readonly view;

  constructor(config: string, private readonly self: { model: string; passTaggedFrames: boolean; dynamic: number; static: number }) {
    const doc = parseConfig(config);
    this.view = { ...l2msSettings(doc), bridges: bridges(doc) };
    this.bridge = new LearningBridge({
      name: 'bridge1', members: [{ name: 'lan1', kind: 'lan' }, { name: 'tunnel1', kind: 'tunnel' }], establishedTunnels: ['tunnel1'],
      dynamicCapacity: self.dynamic, staticCapacity: self.static, passTaggedFrames: self.passTaggedFrames,
    });
  }

  /** What the device must do with `f` entering bridge1 from `from`; the router's MAC on bridge1 for an agent's answer. */
  step(step: number, from: L2msPort, f: Uint8Array, routerMac: string | undefined): void {
    this.events.push(frameEvent(step, from, f, 'harness'));
    const state = l2msStateAt(this.view, 'bridge1');
    const d = isL2msFrame(f) ? l2msDisposition(f, state, { mac: routerMac ?? '00:00:00:00:00:00', model: this.self.model }) : undefined;
    for (const a of d?.answers ?? []) this.events.push(frameEvent(step, from, a));
    if (d !== undefined && !d.bridged) return;
    for (const e of this.bridge.forward(f, from, 0).egress) this.events.push(frameEvent(step, e as L2msPort, f));
  }

  /** A frame the harness sends that is not part of the trace (barriers): the bridge learns from it all the same. */
  learn(from: L2msPort, f: Uint8Array): void {
    this.bridge.forward(f, from, 0);
  }
}

/** The harness's side: injects a step, waits for its barrier, records every L2MS frame out of lan1 and tunnel1. */
export class L2msSteps {
  readonly observed: TraceEvent[] = [];
  private step = 0;
  /** The router's MAC on bridge1, from its first ARP reply. */
  routerMac?: string;

  constructor(private readonly peer: PeerTunnel, private readonly lan: LanHost, private readonly prediction: L2msPrediction) {}

  private outputs(step: number, peerFrom: number, lanFrom: number): void {
    for (const e of this.peer.events.slice(peerFrom)) if (e.kind === 'frame' && carriesL2ms(e.frame)) this.observed.push(frameEvent(step, 'tunnel1', e.frame));
    for (const f of this.lan.frames.slice(lanFrom)) if (carriesL2ms(f)) this.observed.push(frameEvent(step, 'lan1', f));
  }

  /** Learns the router's bridge1 MAC (an ARP exchange through the tunnel) before the first step that needs it. */
  async learnRouterMac(): Promise<string> {
    await this.tunnelBarrier();
    return this.routerMac!;
  }

  /** ARP from the tunnel side: the reply at the peer and the (flooded) request at lan1 mean every earlier frame is through. */
  private async tunnelBarrier(): Promise<void> {
    const req = arpRequest(BARRIER_HOST.mac, BARRIER_HOST.ip, BRIDGE_ADDRESS);
    const [peerFrom, lanFrom] = [this.peer.events.length, this.lan.frames.length];
    this.prediction.learn('tunnel1', req);
    this.peer.sendFrame(req);
    const reply = await this.peer.waitFor((e) => (this.peer.events.indexOf(e) >= peerFrom && e.kind === 'frame' && isArpReplyFrom(BRIDGE_ADDRESS)(e.frame) ? e.frame : undefined), WAIT_MS, 'the ARP barrier reply');
    this.routerMac ??= macText(reply, 6);
    await this.lan.waitFor((f) => (this.lan.frames.indexOf(f) >= lanFrom && hex(f) === hex(req) ? true : undefined), WAIT_MS, 'the ARP barrier request flooded to lan1');
  }

  /** A broadcast marker from lan1: once it is out of the tunnel, every earlier lan1 frame is through. */
  private async lanBarrier(step: number): Promise<void> {
    const m = markedFrame('02:00:00:00:4d:02', 'ff:ff:ff:ff:ff:ff', `l2ms-step-${step}`);
    const from = this.peer.events.length;
    this.prediction.learn('lan1', m);
    this.lan.send(m);
    await this.peer.waitFor((e) => (this.peer.events.indexOf(e) >= from && e.kind === 'frame' && hex(e.frame) === hex(m) ? true : undefined), WAIT_MS, `the lan1 barrier of step ${step}`);
  }

  /** Sends `f` into bridge1 from `from`, predicts, waits for the barrier, records what came out. */
  async send(from: L2msPort, f: Uint8Array): Promise<void> {
    const step = ++this.step;
    const [peerFrom, lanFrom] = [this.peer.events.length, this.lan.frames.length];
    this.prediction.step(step, from, f, this.routerMac);
    this.observed.push(frameEvent(step, from, f, 'harness'));
    if (from === 'tunnel1') {
      this.peer.sendFrame(f);
      await this.tunnelBarrier();
    } else {
      this.lan.send(f);
      await this.lanBarrier(step);
      await this.tunnelBarrier(); // answers sent back out of lan1 are through too
    }
    this.outputs(step, peerFrom, lanFrom);
  }

  verdict(): TraceVerdict {
    return traceVerdict({
      predicted: this.prediction.events, observed: this.observed, filters: [], roles: { fields: [], texts: [] },
      tolerance: { ms: 0, formula: 'times are step numbers (each step ends at a barrier): order and whole bytes are judged, not clock time' },
    });
  }
}
