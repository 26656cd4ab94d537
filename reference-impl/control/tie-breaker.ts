// Tie breaking between simultaneous control connections (RFC 3931 §5.4.3) and sessions
// (§5.4.4); facts §4.2. The lower 8-octet value wins. Comparing the octets as an unsigned
// big-endian number (byte-wise lexicographic) is facts §4.2's [interp]: the RFC says "lower".

export type TieOutcome =
  /** Our value is lower (or only we sent one): our attempt survives. */
  | 'we-win'
  /** Their value is lower (or only they sent one): we discard our attempt and answer theirs. */
  | 'we-lose'
  /** Same value: both discard and retry with new values. */
  | 'equal'
  /** Neither sent one: control connections both proceed separately; sessions both tear down. */
  | 'neither';

export function compareTieBreakers(ours: Uint8Array | undefined, theirs: Uint8Array | undefined): TieOutcome {
  if (!ours && !theirs) return 'neither';
  if (!theirs) return 'we-win'; // "the side that included it wins"
  if (!ours) return 'we-lose';
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i] ?? 0;
    const b = theirs[i] ?? 0;
    if (a !== b) return a < b ? 'we-win' : 'we-lose';
  }
  return 'equal';
}
