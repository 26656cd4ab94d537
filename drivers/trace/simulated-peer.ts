// The tester peer as the trace prediction plays it: the oracle's L2tpNode with the same settings
// and control profile as the live PeerTunnel, and the same misbehaviours installed from the very
// definitions the live peer uses (drivers/peer/misbehaviours.ts), so the prediction's peer sends
// the device exactly the faults the real one did. A sim node (reference-impl/sim SimNode): events
// in, actions out, no sockets and no timers of its own.
import type { ControlProfile } from '../../reference-impl/control/control-profile.ts';
import type { NodeAction, NodeEvent } from '../../reference-impl/control/node-events.ts';
import { L2tpNode } from '../../reference-impl/control/node.ts';
import type { SimNode } from '../../reference-impl/sim/simulator.ts';
import { misbehave } from '../peer/misbehaviours.ts';
import type { DataHook, Datagram, IncomingHook, OutgoingHook, PeerTunnel } from '../peer/peer-tunnel.ts';
import { isControl, rawMessageType } from '../peer/raw-message.ts';
import { SteerableRandom } from '../peer/steerable-random.ts';

/** A peer the prediction cannot play (its stimulus has no oracle model). */
export class UnmodelledPeer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnmodelledPeer';
  }
}

/**
 * Misbehaviours whose effect depends on real time outside the node's virtual timers (a hold of
 * 200 real ms on a setTimeout): the prediction cannot place them, so a traced test refuses them.
 */
const REAL_TIME_MISBEHAVIOURS = new Set(['reorder']);

/** The timer event a peerHello step delivers to a SimulatedPeer (mapped to its connection's keepalive timer). */
export const HELLO_STEP_TIMER = 'peer-hello-step';

/** The part of a PeerTunnel a misbehaviour touches (what misbehaviours.ts reads and calls). */
export class SimulatedPeer implements SimNode {
  readonly outgoingHooks: OutgoingHook[] = [];
  readonly incomingHooks: IncomingHook[] = [];
  readonly dataHooks: DataHook[] = [];
  readonly random: SteerableRandom;
  readonly settings: PeerTunnel['settings'];
  readonly opts: PeerTunnel['opts'];
  /** What misbehaviours reported (a steered tie breaker that did not take, ...). */
  readonly reports: string[] = [];
  private readonly overrides: Partial<ControlProfile> = {};
  private node?: L2tpNode;
  /** Actions of the event being handled (a hook may make the node act again: `connect()`). */
  private out: NodeAction[] = [];
  private now = 0;
  /** Virtual time the live peer's socket closed silently (nothing in or out from then on). */
  closedAtMs = Infinity;
  /**
   * The live peer's Hellos are stimulus steps (peerHello): this node's keepalive timer is never
   * scheduled on the simulation's clock; it fires at each step (HELLO_STEP_TIMER) instead, so the
   * Hello goes out (or the device is declared down) when the live peer's real timer fired.
   */
  hellosFromSteps = false;

  /**
   * Mirrors `live` (settings, options, control profile) facing `deviceAddress`, with
   * `misbehaviours` (`NAME[=PARAM]`) installed; `seed` draws its ids (abstracted by role anyway).
   * `controlHooksAtStart`: how many control hooks the live peer had once started (undefined: unknown).
   */
  constructor(private readonly live: PeerTunnel, private readonly deviceAddress: string, misbehaviours: readonly string[], seed: number, controlHooksAtStart?: number) {
    this.settings = live.settings;
    this.opts = live.opts;
    this.random = new SteerableRandom(seed);
    for (const m of misbehaviours) {
      if (REAL_TIME_MISBEHAVIOURS.has(m.split('=')[0])) throw new UnmodelledPeer(`peer ${live.local.host}: misbehaviour '${m}' acts on real time, which the trace prediction cannot place`);
      misbehave(this as unknown as PeerTunnel, m);
    }
    // A hook the test pushed on the live peer by hand has no name the prediction could replay.
    // (Counted at start: a misbehaviour may add hooks as it acts, e.g. the tie-breaker check.)
    const known = controlHooksAtStart ?? live.outgoingHooks.length + live.incomingHooks.length;
    if (known !== this.outgoingHooks.length + this.incomingHooks.length) {
      throw new UnmodelledPeer(`peer ${live.local.host}: control hooks other than named misbehaviours (${misbehaviours.join(', ') || 'none'}) are not modelled by the trace prediction`);
    }
  }

  // ---- what misbehaviours.ts uses of a PeerTunnel ------------------------------------------------

  get state() {
    return this.node?.connectionState(this.settings.tunnel) ?? 'idle';
  }

  setProfile(p: Partial<ControlProfile>): void {
    if (this.node) throw new Error('simulated peer: the control profile can only change before start');
    Object.assign(this.overrides, p);
  }

  connect(): void {
    this.dispatch({ kind: 'connect', tunnel: this.settings.tunnel });
  }

  disconnect(): void {
    this.dispatch({ kind: 'disconnect', tunnel: this.settings.tunnel });
  }

  report(text: string): void {
    this.reports.push(text);
  }

  sendRaw(bytes: Uint8Array): void {
    this.out.push({ kind: 'send', to: this.deviceAddress, bytes });
  }

  deliver(bytes: Uint8Array, from: string = this.deviceAddress): void {
    this.dispatch({ kind: 'packet', from, bytes });
  }

  // ---- the sim node ------------------------------------------------------------------------------

  handle(event: NodeEvent, nowMs: number): NodeAction[] {
    this.now = nowMs;
    this.out = [];
    if (nowMs >= this.closedAtMs) return this.out;
    if (!this.node) {
      this.node = new L2tpNode({
        tunnels: [{ settings: this.settings, remoteAddress: this.deviceAddress, enabled: true }],
        random: this.random,
        profile: { ...this.live.optionsProfile(), ...this.overrides },
      });
    }
    if (event.kind === 'packet') {
      const control = isControl(event.bytes);
      const d: Datagram = { bytes: event.bytes, control, type: control ? rawMessageType(event.bytes) : undefined };
      for (const h of this.incomingHooks) if (h(d, this as unknown as PeerTunnel) === 'drop') return this.out;
    }
    if (event.kind === 'timer' && event.id === HELLO_STEP_TIMER) {
      // the connection's keepalive timer (control-connection.ts tid('keepalive')); nothing when none is up
      const ccid = this.node.localCcid(this.settings.tunnel);
      if (ccid !== undefined) this.dispatch({ kind: 'timer', id: `c${ccid}:keepalive` });
    } else {
      this.dispatch(event);
    }
    // the keepalive timer as the live peer's own real timer fires it: from the steps only
    if (this.hellosFromSteps) this.out = this.out.filter((a) => !(a.kind === 'setTimer' && a.id.endsWith(':keepalive')));
    return this.out;
  }

  /** As PeerTunnel.dispatch/sendControl: the node's sends go through the outgoing hooks. */
  private dispatch(event: NodeEvent): void {
    if (!this.node) return;
    for (const a of this.node.handle(event, this.now)) {
      if (a.kind !== 'send') {
        this.out.push(a);
        continue;
      }
      let bytes = [a.bytes];
      for (const h of this.outgoingHooks) {
        bytes = bytes.flatMap((b) => h({ bytes: b, control: isControl(b), type: rawMessageType(b) }, this as unknown as PeerTunnel) ?? [b]);
      }
      for (const b of bytes) this.out.push({ kind: 'send', to: a.to, bytes: b });
    }
  }
}
