// One device's @generated run: fast-check draws a lab config within the model's limits and a short
// sequence of harness actions (generated-actions.ts), runs each on a fresh emulated router (or the
// physical device) and its oracle, and judges the whole trace (generated-verdict.ts). A diverging
// sequence is shrunk by fast-check to the shortest one that still diverges; the result says the
// seed, the shrunk sequence, the first divergence and how to replay it (`run --seed N`).
import fc from 'fast-check';
import type { TraceVerdict } from '../../reference-impl/trace/verdict.ts';
import { openDeviceLab } from './device-lab.ts';
import { type RouterTunnelSpec } from '../../drivers/dut/lab-config.ts';
import { runCloseSteps } from '../../drivers/dut/close-steps.ts';
import type { SuiteDevice } from './devices.ts';
import { actionArbitraries, initialModel, type GeneratedModel, type GeneratedReal } from './generated-actions.ts';
import { MAX_ACTIONS, type GeneratedSettings } from './generated-env.ts';
import { judgeSequence } from './generated-verdict.ts';
import { TracedLab } from './trace-verdict.ts';

/** The lab config drawn per sequence: tunnel timers within the command's documented ranges (CR §16.3, §16.4). */
export interface GeneratedConfig {
  /** `l2tp keepalive use on INTERVAL COUNT` (interval 1..600 s, count 1..50). */
  readonly keepalive: { readonly interval: number; readonly count: number };
  /** `l2tp tunnel disconnect time` (1..21474836 s or off). */
  readonly disconnectTime: number | 'off';
}

export const configArbitrary: fc.Arbitrary<GeneratedConfig> = fc.record({
  // Intervals past a sequence's virtual length (at most 8 actions of at most 5 s wait or ~1.5 s settle):
  // a device Hello falling within the jitter budget of a peer's hang-up is a race the prediction
  // cannot decide (seen on RTX1300 and RTX5000 with intervals of 3 s: the integer-second waits line
  // up with the Hello timer). Drawing short intervals back needs the prediction to take the device's
  // observed timer times, as it takes the peers' send times.
  keepalive: fc.record({ interval: fc.integer({ min: 60, max: 600 }), count: fc.integer({ min: 1, max: 50 }) }),
  // Off only for now: a drawn disconnect time runs out at moments the harness does not choose, and
  // when a peer's hang-up or dial falls within the jitter budget of it, which came first is a race the
  // prediction cannot decide (seen on RTX3510: the device's timer StopCCN and the peer's crossed).
  // Drawing it back needs the generator to keep actions out of the predicted expiry's tolerance window.
  disconnectTime: fc.constant('off' as const),
});

export function describeConfig(c: GeneratedConfig): string {
  return `l2tp keepalive use on ${c.keepalive.interval} ${c.keepalive.count}; l2tp tunnel disconnect time ${c.disconnectTime}`;
}

/** A sequence whose trace diverged from the oracle's: the verdict travels to the report. */
export class SequenceDiverged extends Error {
  constructor(readonly verdict: TraceVerdict, readonly config: GeneratedConfig, readonly actions: readonly string[]) {
    super(`trace diverged after ${actions.join(', ') || 'no action'}: ${verdict.comparison.divergence?.kind}: ${verdict.comparison.divergence?.summary}`);
    this.name = 'SequenceDiverged';
  }
}

export interface GeneratedInputs {
  readonly device: SuiteDevice;
  readonly timeScale: number;
  /** Logical peer addresses, one tunnel each (within the model's tunnel limit). */
  readonly peers: readonly string[];
  readonly settings: GeneratedSettings;
}

export interface GeneratedOutcome {
  readonly seed: number;
  readonly runs: number;
  readonly failed: boolean;
  /** The shrunk failing sequence and its verdict (failed only). */
  readonly failure?: SequenceDiverged;
  readonly shrinks: number;
  /** A failure that was not a divergence (a harness error), as fast-check reported it. */
  readonly error?: string;
  /** Sequences run (drawn and shrinking attempts), and their real time. */
  readonly sequencesRun: number;
  readonly wallMs: number;
  /** The actions of every sequence run, in order (the drawn ones first, then shrinking attempts). */
  readonly sequences: readonly (readonly string[])[];
  /** Drawn sequences run (on a failure: up to and including the first diverging one). */
  readonly drawn: number;
}

type Action = fc.AsyncCommand<GeneratedModel, GeneratedReal>;

async function runSequence(i: GeneratedInputs, config: GeneratedConfig, cmds: Iterable<Action>, executed: string[]): Promise<void> {
  const tunnels: RouterTunnelSpec[] = i.peers.map((peer, k) => ({
    n: k + 1, peer, keepalive: `on ${config.keepalive.interval} ${config.keepalive.count}`, disconnectTime: config.disconnectTime,
  }));
  const lab = await openDeviceLab(i.device, i.timeScale, { tunnels });
  const real: GeneratedReal = { t: new TracedLab(lab), peers: new Map(), executed };
  try {
    await real.t.startRouter();
    await fc.asyncModelRun(() => ({ model: initialModel(i.peers), real }), cmds);
    const v = await judgeSequence(real.t);
    if (v.comparison.divergence) throw new SequenceDiverged(v, config, real.executed);
  } finally {
    await runCloseSteps('generated sequence lab', [
      ...lab.peers.map((p, n) => ({ name: `close peer ${n + 1}`, run: () => p.close({ silent: true }) })),
      { name: 'stop the device', run: () => lab.stopDevice() },
      { name: 'close the syslog listener', run: () => lab.syslog.close() },
    ]);
  }
}

/**
 * fast-check's array shrinking removes runs of actions but need not try every single one; this
 * pass does: each action is left out in turn and kept out when the rest still diverges, until no
 * single action can go (the printed sequence is 1-minimal: every action in it is needed).
 */
async function oneMinimal(i: GeneratedInputs, config: GeneratedConfig, cmds: readonly Action[], found: SequenceDiverged, sequences: string[][]): Promise<SequenceDiverged> {
  let best = { cmds, failure: found };
  for (let k = best.cmds.length - 1; k >= 0 && best.cmds.length > 1; k--) {
    const candidate = best.cmds.filter((_, j) => j !== k);
    const executed: string[] = [];
    sequences.push(executed);
    try {
      await runSequence(i, config, candidate, executed);
    } catch (e) {
      if (e instanceof SequenceDiverged) best = { cmds: candidate, failure: e };
      else throw e;
    }
  }
  return best.failure;
}

export async function runGenerated(i: GeneratedInputs): Promise<GeneratedOutcome> {
  const started = Date.now();
  const sequences: string[][] = [];
  // An array, not fc.commands: its length is drawn evenly in 1..MAX_ACTIONS (fc.commands favours
  // short and empty sequences, and a default run has only a few), and it shrinks by removing actions.
  const actions = fc.array(fc.oneof(...actionArbitraries(i.peers)), { minLength: 1, maxLength: MAX_ACTIONS });
  const property = fc.asyncProperty(configArbitrary, actions, async (config, cmds) => {
    const executed: string[] = [];
    sequences.push(executed);
    await runSequence(i, config, cmds, executed);
  });
  const r = await fc.check(property, { seed: i.settings.seed, numRuns: i.settings.runs });
  const base = () => ({ seed: r.seed, runs: i.settings.runs, shrinks: r.numShrinks, sequencesRun: sequences.length, sequences, drawn: r.numRuns, wallMs: Date.now() - started });
  if (!r.failed) return { ...base(), failed: false };
  const e = r.errorInstance;
  if (e instanceof SequenceDiverged && r.counterexample) {
    const [config, cmds] = r.counterexample;
    const failure = await oneMinimal(i, config, cmds, e, sequences);
    return { ...base(), failed: true, failure };
  }
  return { ...base(), failed: true, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
