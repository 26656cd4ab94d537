// The harness actions @generated draws (fast-check model-based testing: AsyncCommands run by
// fc.asyncModelRun): tester peers dialling, hanging up and letting virtual time run, applied to the device through the same lab helpers the other suites use
// (DeviceLab, TracedLab: every action is a recorded stimulus step), so the oracle is given the same
// stimulus at the same virtual times. The model is what the harness knows it asked for (which peer
// it has dialled); whether the device followed is the trace verdict's business, not the model's.
// Only the kinds the trace prediction models are drawn (trace-control-prediction.ts: peer start,
// connect, disconnect, time): misbehaving peers and operator commands wait for their prediction.
import fc from 'fast-check';
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import type { PeerEvent } from '../../drivers/peer/peer-events.ts';
import type { TracedLab } from './trace-verdict.ts';

export type PeerPhase = 'absent' | 'idle' | 'dialled';

export interface GeneratedModel {
  readonly phase: Map<string, PeerPhase>;
}

export interface GeneratedReal {
  readonly t: TracedLab;
  readonly peers: Map<string, PeerTunnel>;
  /** The actions run, in order (what a failure prints). */
  readonly executed: string[];
}

/** How long an action waits (real ms) for the exchange it started to settle before the next one. */
export const SETTLE_REAL_MS = 1500;

/** Resolves at the next event of `p` that `pick` accepts, or after `ms` (the verdict judges what came). */
function nextEvent(p: PeerTunnel, pick: (e: PeerEvent) => boolean, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      p.off('event', onEvent);
      resolve();
    };
    const onEvent = (e: PeerEvent) => {
      if (pick(e)) done();
    };
    const timer = setTimeout(done, ms);
    p.on('event', onEvent);
  });
}

const closedOrIdle = (e: PeerEvent) => e.kind === 'tunnel' && e.to === 'idle';

/** The peer dials the device (the first time: its port opens and it dials; later: `connect tunnel`). */
export class Dial implements fc.AsyncCommand<GeneratedModel, GeneratedReal> {
  constructor(readonly peer: string) {}
  check(m: Readonly<GeneratedModel>): boolean {
    return m.phase.get(this.peer) !== 'dialled';
  }
  async run(m: GeneratedModel, r: GeneratedReal): Promise<void> {
    m.phase.set(this.peer, 'dialled');
    r.executed.push(this.toString());
    const known = r.peers.get(this.peer);
    if (known === undefined) {
      const p = await r.t.peer(this.peer, { role: 'initiator' });
      r.peers.set(this.peer, p);
      if (p.session === undefined) await nextEvent(p, (e) => e.kind === 'sessionUp' || closedOrIdle(e), SETTLE_REAL_MS);
      return;
    }
    const settled = nextEvent(known, (e) => e.kind === 'sessionUp' || closedOrIdle(e), SETTLE_REAL_MS);
    r.t.stimulus.record({ kind: 'peerConnect', peer: known.local.host });
    known.connect();
    await settled;
  }
  toString(): string {
    return `dial(${this.peer})`;
  }
}

/** The peer tears its tunnel down (`disconnect tunnel`: StopCCN). */
export class HangUp implements fc.AsyncCommand<GeneratedModel, GeneratedReal> {
  constructor(readonly peer: string) {}
  check(m: Readonly<GeneratedModel>): boolean {
    return m.phase.get(this.peer) === 'dialled';
  }
  async run(m: GeneratedModel, r: GeneratedReal): Promise<void> {
    m.phase.set(this.peer, 'idle');
    r.executed.push(this.toString());
    const p = r.peers.get(this.peer)!;
    // Settled when the device acknowledges the StopCCN (the peer then holds the closed connection
    // for the RFC 3931 §5.7 period: waiting for its 'idle' would cost the whole hold).
    const settled = p.state === 'idle' ? Promise.resolve() : nextEvent(p, (e) => e.kind === 'received' || closedOrIdle(e), SETTLE_REAL_MS);
    r.t.disconnect(p);
    await settled;
  }
  toString(): string {
    return `hangup(${this.peer})`;
  }
}

/**
 * Virtual time passes with no stimulus: whatever timer of the device runs out meanwhile is part of
 * the trace (the drawn config keeps Hello and disconnect time beyond a sequence for now, see
 * generated-run.ts). The wait IS the stimulus (a deadline, not a poll).
 */
export class Wait implements fc.AsyncCommand<GeneratedModel, GeneratedReal> {
  constructor(readonly virtualMs: number) {}
  check(): boolean {
    return true;
  }
  async run(_m: GeneratedModel, r: GeneratedReal): Promise<void> {
    r.executed.push(this.toString());
    await new Promise((res) => setTimeout(res, this.virtualMs / r.t.lab.timeScale));
  }
  toString(): string {
    return `wait(${this.virtualMs / 1000}s)`;
  }
}

/**
 * The peer's next call: dial when it has none, hang up when it has. One drawn kind for both, so no
 * drawn action is skipped for its precondition (a few short sequences per device must all count),
 * and the printed sequence names what was done (dial/hangup).
 */
export class Call implements fc.AsyncCommand<GeneratedModel, GeneratedReal> {
  constructor(readonly peer: string) {}
  check(): boolean {
    return true;
  }
  run(m: GeneratedModel, r: GeneratedReal): Promise<void> {
    return m.phase.get(this.peer) === 'dialled' ? new HangUp(this.peer).run(m, r) : new Dial(this.peer).run(m, r);
  }
  toString(): string {
    return `call(${this.peer})`;
  }
}

/**
 * The actions over `peers` (their logical addresses): calls three times as often as waits, and the
 * first peer three times as often as each other one, so that a few short sequences still carry
 * repeated calls of one peer (its history is where sequence defects hide) and some interleaving.
 */
export function actionArbitraries(peers: readonly string[]): fc.Arbitrary<fc.AsyncCommand<GeneratedModel, GeneratedReal>>[] {
  const peer = fc.oneof(...peers.map((p, k) => ({ arbitrary: fc.constant(p), weight: k === 0 ? 3 : 1 })));
  const call = peer.map((p) => new Call(p));
  return [call, call, call, fc.integer({ min: 1, max: 5 }).map((s) => new Wait(s * 1000))];
}

export function initialModel(peers: readonly string[]): GeneratedModel {
  return { phase: new Map(peers.map((p) => [p, 'absent'])) };
}
