// Reads the two tables out of the seed document's text, independently of the implementation,
// so tests compare the typed data with what the document actually prints.
import { readFileSync } from 'node:fs';

export const SEED_PATH = '/work/shared/reference/yamaha-l2tpv3-l2vpn.ja.txt';

export function seedLines(): string[] {
  return readFileSync(SEED_PATH, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
}

function indexOfLine(lines: string[], pred: (l: string) => boolean, from: number, what: string): number {
  const i = lines.findIndex((l, k) => k >= from && pred(l));
  if (i < 0) throw new Error(`seed text: ${what} not found`);
  return i;
}

/** Support table: heading lines, rows (each a list of printed lines), footnote lines. */
export function seedSupportTable(): { heading: string[]; rows: string[][]; footnotes: string[] } {
  const lines = seedLines();
  const start = indexOfLine(lines, (l) => l.startsWith('機種 ファームウェア'), 0, 'support table heading');
  const headEnd = indexOfLine(lines, (l) => l.includes('トンネルインターフェースのフィルタリング'), start, 'heading end');
  const foot = indexOfLine(lines, (l) => l.startsWith('※1 ...'), headEnd, 'footnote ※1');
  const body = lines.slice(headEnd + 1, foot);
  // A row ends with its "(total)" line, plus the "-" line right after it if there is one.
  const rows: string[][] = [];
  let cur: string[] = [];
  for (let i = 0; i < body.length; i++) {
    cur.push(body[i]);
    if (body[i].startsWith('(')) {
      if (i + 1 < body.length && /^-( -)*$/.test(body[i + 1])) cur.push(body[++i]);
      rows.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) throw new Error(`seed text: trailing lines in support table: ${cur.join(' | ')}`);
  const footEnd = indexOfLine(lines, (l) => l === '', foot, 'end of footnotes');
  return { heading: lines.slice(start, headEnd + 1), rows, footnotes: lines.slice(foot, footEnd) };
}

/** Learning table: heading, one line per model, the note under it. */
export function seedLearningTable(): { heading: string; rows: string[]; note: string } {
  const lines = seedLines();
  const start = indexOfLine(lines, (l) => l.startsWith('機種 動的エントリ数'), 0, 'learning table heading');
  const end = indexOfLine(lines, (l) => l === '', start, 'end of learning table');
  const note = indexOfLine(lines, (l) => l.startsWith('※静的エントリ'), end, 'learning table note');
  return { heading: lines[start], rows: lines.slice(start + 1, end), note: lines[note] };
}

/** Number of "-" marks a seed row prints (the unsupported feature cells). */
export function dashCount(row: string[]): number {
  const last = row[row.length - 1];
  return /^-( -)*$/.test(last) ? last.split(' ').length : 0;
}
