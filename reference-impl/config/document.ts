// RTX configuration text in `show config` form (yamaha-platform-facts.md §3.4): header comment
// lines, global commands, `tunnel select N` blocks indented 1 space, the commands under
// `ipsec tunnel N` indented 2 spaces, `pp select N` blocks, `no` forms.
//
// Every line keeps its own indentation, text and line ending, so rendering a parsed document
// gives back the identical bytes; lines outside the modelled subset are kept in place.
// Like the router loading a config file, commands run in order: `tunnel select N` selects the
// tunnel for what follows until another `tunnel select`/`pp select`; indentation is how the
// router shows the selection, not what makes it.

import { parseCommandLine, renderCommand, type ParsedLine } from './command-line.ts';
import { param } from './command-line.ts';
import { tokenize } from './tokens.ts';

export type LineEnding = '' | '\n' | '\r\n';

export interface ConfigLine {
  /** 1-based line number in the text */
  lineNo: number;
  /** leading spaces/tabs as written */
  indent: string;
  /** the rest of the line, without the line ending */
  text: string;
  eol: LineEnding;
  parsed: ParsedLine;
  /** the tunnel selected when this line runs (null: none) */
  tunnel: number | null;
  /** the pp selected when this line runs (null: none) */
  pp: number | null;
}

export interface ConfigDocument {
  lines: ConfigLine[];
}

function splitLines(text: string): { content: string; eol: LineEnding }[] {
  const out: { content: string; eol: LineEnding }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      out.push({ content: text.slice(start), eol: '' });
      break;
    }
    const crlf = nl > start && text[nl - 1] === '\r';
    out.push({ content: text.slice(start, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n' });
    start = nl + 1;
  }
  return out;
}

/** `pp select N` / `pp select none` are outside the subset but change the context. */
function ppSelection(text: string): number | null | undefined {
  const m = /^pp\s+select\s+(\S+)\s*$/.exec(text);
  if (!m) return undefined;
  return m[1] === 'none' ? null : /^\d+$/.test(m[1]) ? Number(m[1]) : undefined;
}

export function parseConfig(text: string): ConfigDocument {
  const lines: ConfigLine[] = [];
  let tunnel: number | null = null;
  let pp: number | null = null;
  splitLines(text).forEach(({ content, eol }, i) => {
    const indent = /^[ \t]*/.exec(content)![0];
    const body = content.slice(indent.length);
    const parsed = parseCommandLine(body, { tunnel });
    lines.push({ lineNo: i + 1, indent, text: body, eol, parsed, tunnel, pp });
    if (parsed.kind === 'command' && parsed.command.id === 'tunnel select' && !parsed.command.negated) {
      const n = param(parsed.command, 'tunnel');
      tunnel = typeof n === 'number' ? n : null;
      if (tunnel !== null) pp = null;
    } else if (parsed.kind === 'unknown') {
      const sel = ppSelection(body);
      if (sel !== undefined) {
        pp = sel;
        if (sel !== null) tunnel = null;
      }
    }
  });
  return { lines };
}

/** The document as text: byte-identical to what parseConfig read. */
export function renderConfig(doc: ConfigDocument): string {
  return doc.lines.map((l) => l.indent + l.text + l.eol).join('');
}

/**
 * The line as the router would show it: the typed command rendered from its values with the
 * indentation `show config` uses (1 space inside a select block, 2 under `ipsec tunnel`), or
 * the line as written when it is not a modelled command.
 */
export function canonicalText(line: ConfigLine): string {
  return line.parsed.kind === 'command' ? renderCommand(line.parsed.command) : line.text;
}

/** True when a command line's text is exactly what renderCommand gives for it. */
export function isCanonical(line: ConfigLine): boolean {
  return canonicalText(line) === line.text;
}

/** The words of a line (for unknown commands), quotes removed. */
export function lineWords(line: ConfigLine): string[] {
  try {
    return tokenize(line.text).map((t) => t.text);
  } catch {
    return [];
  }
}
