// "Did you mean": the nearest known word by edit distance, for flags, subcommands, models and
// config keywords. A suggestion is offered only when it is close (a typo), never a wild guess.

// One edit distance for the CLI's flags and the config checker's keywords (it lives with the pure
// config oracle, which cannot import the CLI).
import { editDistance } from '../reference-impl/config/known-commands.ts';

export { editDistance };

/** The known words nearest to `input` (case-insensitive), within a distance that grows with length. */
export function nearest(input: string, known: readonly string[]): string[] {
  const w = input.toLowerCase();
  if (w.replace(/^-+/, '').length < 2) return []; // one character is no typo of anything in particular
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best = Infinity;
  let out: string[] = [];
  for (const k of known) {
    const kl = k.toLowerCase();
    const dist = kl.startsWith(w) && w.length >= 3 ? 1 : editDistance(w, kl);
    if (dist > limit) continue;
    if (dist < best) [best, out] = [dist, [k]];
    else if (dist === best) out.push(k);
  }
  return out;
}

/** `; did you mean 'x'?` (or `'x' or 'y'`), or '' when nothing is close. */
export function didYouMean(input: string, known: readonly string[], render: (k: string) => string = (k) => `'${k}'`): string {
  const n = nearest(input, known).slice(0, 3);
  return n.length === 0 ? '' : `; did you mean ${n.map(render).join(' or ')}?`;
}
