// What the harness did, when: the stimulus a test applied to the device, recorded as it happens so
// the oracle can be given the same stimulus at the same (virtual) times. Steps are data; the test's
// own helpers record them (suites/support/trace-verdict.ts TracedLab).
import { realNowMs, type TraceClock } from './trace-clock.ts';

export type StimulusStep =
  /** The device was configured and its L2TP service opened (emulated: the router reported ready). */
  | { kind: 'deviceStart' }
  /** The test's whole config goes to the device (it may accept it, then deviceStart follows, or refuse it). */
  | { kind: 'configLoad' }
  /** A tester peer opened its port; an initiator dialled at once. Its misbehaviours (drivers/peer/misbehaviours.ts, `NAME[=PARAM]`) were installed before. */
  | {
    kind: 'peerStart'; peer: string; role: 'initiator' | 'responder'; misbehaviours?: readonly string[];
    /** How many control hooks (outgoing + incoming) the live peer had once started: its misbehaviours' and nothing else. */
    controlHooks?: number;
  }
  /** The peer's `disconnect tunnel`: StopCCN. */
  | { kind: 'peerDisconnect'; peer: string }
  /** The peer's socket closed silently (a power cut): it neither sends nor receives from now on. */
  | { kind: 'peerClose'; peer: string }
  /** The peer's `connect tunnel`: SCCRQ. */
  | { kind: 'peerConnect'; peer: string }
  /** An operator command typed at the device's CLI (`connect tunnel 1`), recorded as it is sent. */
  | { kind: 'deviceCommand'; command: string }
  /**
   * The peer's own keepalive sent a Hello (a new Ns; not a retransmission), recorded as it went out.
   * Given for a peer, these are its Hellos in the prediction: its keepalive timer runs on the
   * harness's real timers, which drift under load, so the nominal times would not be the stimulus.
   */
  | { kind: 'peerHello'; peer: string }
  /** The peer sent a data message into its session, recorded as it went out (the device's idle timer counts it, CR 16.3). */
  | { kind: 'peerData'; peer: string };

export interface TimedStep {
  /** Real ms since the epoch. */
  readonly atMs: number;
  readonly step: StimulusStep;
}

export class StimulusLog {
  readonly steps: TimedStep[] = [];
  constructor(private readonly now: () => number = realNowMs) {}

  /** Records `step` now; returns it (a caller may complete a field it learns later, e.g. controlHooks). */
  record<S extends StimulusStep>(step: S): S {
    this.steps.push({ atMs: this.now(), step });
    return step;
  }

  /** The origin of the traces: the first step (or now, before any). */
  clock(timeScale: number): TraceClock {
    return { originMs: this.steps[0]?.atMs ?? this.now(), timeScale };
  }
}
