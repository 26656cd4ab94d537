// Splitting one command line into tokens the way the RTX CLI does: words separated by
// spaces, a double-quoted string is one token (e.g. `console prompt "[RTX1210] "`).
// ASSUMPTION: inside quotes a backslash escapes the next character (`\"`, `\\`); the digest does
// not document escapes (a hardware run confirms or refutes). Outside quotes a backslash is literal.

export interface Token {
  /** the token's value, quotes removed */
  text: string;
  /** column (0-based) in the line where the token starts */
  column: number;
}

export class TokenizeError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const column = i;
    let text = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      const ch = line[i];
      if (ch === '"') {
        quoted = !quoted;
        i++;
      } else if (ch === '\\' && quoted && i + 1 < line.length) {
        text += line[i + 1];
        i += 2;
      } else {
        text += ch;
        i++;
      }
    }
    if (quoted) throw new TokenizeError('unterminated double quote', column);
    tokens.push({ text, column });
  }
  return tokens;
}
