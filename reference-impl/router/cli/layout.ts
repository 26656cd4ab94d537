// Output lines as the console shows them. facts §3.3 (real RTX1210 bytes over SSH): lines end
// in CRLF, and a line longer than `console columns` is hard-wrapped at that width with a CRLF
// inserted mid-token (`...classless_sta\r\ntic_route=...`).

import { charWidth } from './charset.ts';

export const CRLF = '\r\n';

/** One logical line -> the physical lines the console prints (never splits a wide character). */
export function wrapLine(line: string, columns: number): string[] {
  const out: string[] = [];
  let current = '';
  let width = 0;
  for (const ch of line) {
    const w = charWidth(ch);
    if (width + w > columns) {
      out.push(current);
      current = '';
      width = 0;
    }
    current += ch;
    width += w;
  }
  out.push(current);
  return out;
}

export function wrapLines(lines: readonly string[], columns: number): string[] {
  return lines.flatMap((l) => wrapLine(l, columns));
}
