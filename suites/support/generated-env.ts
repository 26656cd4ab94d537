// How `run --seed N` and `run --generated-runs N` reach the @generated suite (a Playwright child):
// environment variables, like LAB_ENV (suites/support/devices.ts). Without --seed each device gets
// a fixed seed of its own (from its project name), so the default conformance run draws the same
// sequences every time: a green baseline stays green, and a failure printed by one run is the
// failure of the next. Nightly depth: --generated-runs, and --seed with a fresh number per night.

export const GENERATED_ENV = {
  seed: 'L2TPV3_GENERATED_SEED',
  runs: 'L2TPV3_GENERATED_RUNS',
} as const;

/** Sequences per device in the default run: a few, to keep the default run small. */
export const DEFAULT_GENERATED_RUNS = 3;

/** Actions per sequence at most. */
export const MAX_ACTIONS = 8;

/** A 31-bit seed from a device's project name (FNV-1a): stable across runs and machines. */
export function deviceSeed(project: string): number {
  let h = 0x811c9dc5;
  for (const c of project) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

export interface GeneratedSettings {
  readonly seed: number;
  readonly runs: number;
  /** The seed came from --seed (a replay), not from the device. */
  readonly replay: boolean;
}

export function generatedSettings(project: string, env: NodeJS.ProcessEnv = process.env): GeneratedSettings {
  const s = env[GENERATED_ENV.seed];
  const r = env[GENERATED_ENV.runs];
  const runs = r ? Number(r) : DEFAULT_GENERATED_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`${GENERATED_ENV.runs} must be a positive integer (got '${r}')`);
  if (s) {
    const seed = Number(s);
    if (!Number.isInteger(seed)) throw new Error(`${GENERATED_ENV.seed} must be an integer (got '${s}')`);
    return { seed, runs, replay: true };
  }
  return { seed: deviceSeed(project), runs, replay: false };
}
