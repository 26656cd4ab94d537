/* eslint-disable no-control-regex -- terminal control characters are what this file removes */
// What a terminal would show: ANSI escapes removed, CRLF/CR resolved, width in columns.
// RTX lines end in CRLF and long lines are hard-wrapped at the console width
// (yamaha-platform-facts.md §3.3); this file turns raw console text into logical lines.

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte escapes, and C0 controls
// other than TAB, LF and CR (BEL, NUL, XON/XOFF bytes that leak into the text).
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

export function stripAnsi(text: string): string {
  // a backspace erases the character before it (devices redraw after a pager prompt this way)
  let s = text;
  while (/[^\b\n]\x08/.test(s)) s = s.replace(/[^\b\n]\x08/g, '');
  return s.replace(ANSI, '');
}

/**
 * Physical lines of the text as a terminal shows them: `\r\n` ends a line; a lone `\r` returns
 * the cursor, so what follows overwrites the line (we keep the last non-empty segment).
 * The last element is the unfinished line (possibly '').
 */
export function physicalLines(text: string): string[] {
  const clean = stripAnsi(text).replace(/\r+\n/g, '\n').replace(/\r+$/, '');
  return clean.split('\n').map((line) => {
    if (!line.includes('\r')) return line;
    const segments = line.split('\r').filter((s) => s !== '');
    return segments.length === 0 ? '' : segments[segments.length - 1];
  });
}

/** Columns a string takes on the console: East Asian wide and fullwidth characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += isWide(c) ? 2 : 1;
  }
  return w;
}

function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

export interface UnwrapOptions {
  columns: number;
  /** columns already used on the first line (the prompt the echo follows) */
  firstLineOffset?: number;
  /** lines that are not part of the output (console syslog): never joined, collected apart */
  isAsync?: (line: string) => boolean;
}

/**
 * Join hard-wrapped lines back into logical lines.
 * ASSUMPTION: a physical line that fills the console width exactly continues on the next line
 * (the device inserts CRLF at the width, facts §3.3); a real line of exactly that width is
 * rare and would be joined with its successor (not documented; a hardware run confirms or refutes).
 */
export function unwrapLines(lines: readonly string[], opts: UnwrapOptions): { lines: string[]; asyncLines: string[] } {
  const out: string[] = [];
  const asyncLines: string[] = [];
  const isAsync = opts.isAsync ?? (() => false);
  let current: string | null = null;
  let offset = opts.firstLineOffset ?? 0;
  for (const line of lines) {
    if (current === null) {
      current = line;
    } else if (isAsync(line)) {
      // an async line printed between the two halves of a wrapped line
      asyncLines.push(line);
      continue;
    } else {
      current += line;
    }
    const full = displayWidth(line) + offset >= opts.columns;
    offset = 0;
    if (full) continue;
    out.push(current);
    current = null;
  }
  if (current !== null) out.push(current);
  return { lines: out, asyncLines };
}
