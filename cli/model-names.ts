// Model names as people type them: case-insensitive (`rtx1210` is RTX1210) and by an unambiguous
// short name (`vRX` is the seed's 'vRX VMware ESXi版' row: its first word). An unknown or ambiguous
// name is a usage error with a "did you mean" and the list of known models.
import { MODEL_NAMES, type ModelName } from '../reference-impl/platform/index.ts';
import { UsageError } from './exit-codes.ts';
import { didYouMean } from './suggest.ts';

/** The names a model answers to, lower-cased: the full seed name and its first word. */
function namesOf(model: string): string[] {
  const full = model.toLowerCase();
  const first = full.split(/\s+/)[0];
  return first === full ? [full] : [full, first];
}

/** The seed's model name for `input`, or undefined when none or more than one match. */
export function findModel(input: string, known: readonly string[] = MODEL_NAMES): string | undefined {
  const w = input.trim().toLowerCase();
  const exact = known.filter((m) => namesOf(m).includes(w));
  return exact.length === 1 ? exact[0] : undefined;
}

/** Resolves a typed model name; throws UsageError naming `label` (e.g. '--model') otherwise. */
export function resolveModel(input: string, label = '--model', known: readonly string[] = MODEL_NAMES): string {
  const found = findModel(input, known);
  if (found !== undefined) return found;
  const words = known.map((m) => m.split(/\s+/)[0]);
  throw new UsageError(`${label}: unknown model '${input}'${didYouMean(input, words)} (known models: ${known.join(', ')})`);
}

/** As resolveModel, typed for the platform tables. */
export function resolvePlatformModel(input: string, label = '--model'): ModelName {
  return resolveModel(input, label) as ModelName;
}
