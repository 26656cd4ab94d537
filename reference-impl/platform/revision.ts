// Firmware revisions and the revision bands of the seed's support table
// (seed: 対応機種とファームウェアリビジョン). Pure parsing, comparing and formatting.
//
// Band spellings in the seed:  `Rev.15.02.22以降` (from, inclusive), `Rev.14.01.09より前` (before,
// exclusive), `Rev.10.01.53` (exact; RTX1200 lists two exact revisions in one cell),
// `すべてのリビジョン` (all), and an empty firmware cell (see support-table.ts, ASSUMPTION).

/** A firmware revision such as Rev.15.02.22: major 15, minor 2, patch 22. */
export interface Revision {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export type RevisionBand =
  | { readonly kind: 'from'; readonly lower: Revision }
  | { readonly kind: 'before'; readonly upper: Revision }
  | { readonly kind: 'exact'; readonly revisions: readonly Revision[] }
  | { readonly kind: 'all' }
  /** The firmware cell is empty in the seed's text; read as "all" (support-table.ts ASSUMPTION). */
  | { readonly kind: 'unstated' };

/** Bad revision text: says what was given and what forms are accepted. */
export class RevisionSyntaxError extends Error {
  constructor(readonly input: string, detail: string) {
    super(`firmware revision "${input}": ${detail}`);
    this.name = 'RevisionSyntaxError';
  }
}

// Seed spellings (seed: 対応機種とファームウェアリビジョン).
export const BAND_SUFFIX_FROM = '以降';
export const BAND_SUFFIX_BEFORE = 'より前';
export const BAND_TEXT_ALL = 'すべてのリビジョン';

const REVISION_RE = /^(?:Rev\.)?([0-9]{1,3})\.([0-9]{2})\.([0-9]{2})$/;
const ACCEPTED_FORMS = 'expected "Rev.MM.mm.pp" or "MM.mm.pp" (e.g. Rev.15.02.22 or 15.02.22)';

/** Parses `Rev.15.02.22` or `15.02.22` (surrounding blanks ignored). */
export function parseRevision(text: string): Revision {
  const t = text.trim();
  const m = REVISION_RE.exec(t);
  if (m === null) throw new RevisionSyntaxError(text, ACCEPTED_FORMS);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** The revision as Yamaha writes it: `Rev.10.01.53` (minor and patch two digits). */
export function formatRevision(r: Revision): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `Rev.${r.major}.${two(r.minor)}.${two(r.patch)}`;
}

/** Negative, zero or positive, like Array.prototype.sort wants. */
export function compareRevisions(a: Revision, b: Revision): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function sameRevision(a: Revision, b: Revision): boolean {
  return compareRevisions(a, b) === 0;
}

/** The firmware series ("15.02") a revision belongs to: one per model line. */
export function revisionSeries(r: Revision): string {
  return `${r.major}.${String(r.minor).padStart(2, '0')}`;
}

/**
 * Parses one firmware cell of the seed's table. Several exact revisions may be separated by
 * newlines or `/` (RTX1200: `Rev.10.01.53` and `Rev.10.01.59` in one cell).
 */
export function parseRevisionBand(text: string): RevisionBand {
  const t = text.trim();
  if (t === '') return { kind: 'unstated' };
  if (t === BAND_TEXT_ALL) return { kind: 'all' };
  if (t.endsWith(BAND_SUFFIX_FROM)) {
    return { kind: 'from', lower: parseBandRevision(text, t.slice(0, -BAND_SUFFIX_FROM.length)) };
  }
  if (t.endsWith(BAND_SUFFIX_BEFORE)) {
    return { kind: 'before', upper: parseBandRevision(text, t.slice(0, -BAND_SUFFIX_BEFORE.length)) };
  }
  const parts = t.split(/\s*(?:\n|\/)\s*/).filter((p) => p !== '');
  return { kind: 'exact', revisions: parts.map((p) => parseBandRevision(text, p)) };
}

function parseBandRevision(whole: string, part: string): Revision {
  try {
    return parseRevision(part);
  } catch {
    throw new RevisionSyntaxError(
      whole,
      `expected "Rev.x.yy.zz${BAND_SUFFIX_FROM}", "Rev.x.yy.zz${BAND_SUFFIX_BEFORE}", exact "Rev.x.yy.zz" ` +
        `(several separated by "/" or newlines), or "${BAND_TEXT_ALL}"`,
    );
  }
}

/** The seed's cell text for a band, one element per printed line. */
export function formatRevisionBand(band: RevisionBand): string[] {
  switch (band.kind) {
    case 'from':
      return [formatRevision(band.lower) + BAND_SUFFIX_FROM];
    case 'before':
      return [formatRevision(band.upper) + BAND_SUFFIX_BEFORE];
    case 'exact':
      return band.revisions.map(formatRevision);
    case 'all':
      return [BAND_TEXT_ALL];
    case 'unstated':
      return [];
  }
}

/**
 * Whether `r` lies in `band`, given the next band's lower bound of the same model (a `from`
 * band ends where the model's next band starts; seed rows are listed oldest first).
 */
export function revisionInBand(r: Revision, band: RevisionBand, nextLower?: Revision): boolean {
  switch (band.kind) {
    case 'from':
      return compareRevisions(r, band.lower) >= 0 && (nextLower === undefined || compareRevisions(r, nextLower) < 0);
    case 'before':
      return compareRevisions(r, band.upper) < 0;
    case 'exact':
      return band.revisions.some((x) => sameRevision(x, r));
    case 'all':
    case 'unstated':
      return true;
  }
}

/** The smallest revision a band admits, if it has one (used to bound the previous `from` band). */
export function bandLowerBound(band: RevisionBand): Revision | undefined {
  switch (band.kind) {
    case 'from':
      return band.lower;
    case 'exact':
      return [...band.revisions].sort(compareRevisions)[0];
    default:
      return undefined;
  }
}
