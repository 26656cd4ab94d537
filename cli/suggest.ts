// "Did you mean": the nearest known word by edit distance, for flags, subcommands, models and
// config keywords. A suggestion is offered only when it is close (a typo), never a wild guess.

/** Levenshtein distance (insert, delete, substitute; an adjacent swap counts as one edit). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

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
