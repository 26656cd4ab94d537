// The pure targets by name, with the seed each runs from: one table for the bench (one child
// process per target) and the CI campaign (in-process, small counts).
import { codecTarget } from './codec-target.ts';
import { configTarget } from './config-target.ts';
import { controlTarget } from './control-target.ts';
import type { PureTarget } from './target.ts';
import { topologyTarget } from './topology-target.ts';

export const PURE_TARGETS = {
  codec: { make: (seed: number): PureTarget<unknown> => codecTarget(seed) as PureTarget<unknown>, deadlineMs: 250 },
  control: { make: (seed: number): PureTarget<unknown> => controlTarget(seed) as PureTarget<unknown>, deadlineMs: 250 },
  config: { make: (seed: number): PureTarget<unknown> => configTarget(seed) as PureTarget<unknown>, deadlineMs: 1000 },
  topology: { make: (seed: number): PureTarget<unknown> => topologyTarget(seed) as PureTarget<unknown>, deadlineMs: 1000 },
} as const;

export type PureTargetName = keyof typeof PURE_TARGETS;
export const PURE_TARGET_NAMES = Object.keys(PURE_TARGETS) as PureTargetName[];
