// What `config check` and `topology check` report about a config: the router's refusals
// (validate.ts) plus what the checker itself cannot vouch for. A line outside the modelled subset
// is a warning "not modelled, not checked" when it is a real RTX command (known-commands.ts), and
// an error when it is no RTX command at all (a typo, with a "did you mean"). With `strict`, the
// warnings are errors too: a config that passes strictly was checked line by line.
//
// validateConfig stays the oracle of what the router refuses (the emulated router and the suites
// use it); only the checker's own coverage lives here.

import { parseConfig, type ConfigDocument } from './document.ts';
import { commandName, knownCommand, suggestCommand } from './known-commands.ts';
import { routerErrorText } from './messages.ts';
import type { ConfigPlatform } from './platform-gates.ts';
import { tokenize } from './tokens.ts';
import { validateConfig, type ConfigIssue, type ValidateOptions } from './validate.ts';

export interface ReviewOptions extends ValidateOptions {
  /** report commands the checker does not model as errors, not warnings */
  strict?: boolean;
}

export const NOT_MODELLED_MESSAGE = 'not modelled, not checked';

function wordsOf(text: string): string[] {
  let w: string[];
  try {
    w = tokenize(text).map((t) => t.text);
  } catch {
    w = text.trim().split(/\s+/);
  }
  return w[0] === 'no' ? w.slice(1) : w;
}

/** Findings about lines outside the modelled subset, in line order. */
export function coverageIssues(doc: ConfigDocument, options: ReviewOptions = {}): ConfigIssue[] {
  const lang = options.lang ?? 'en';
  const out: ConfigIssue[] = [];
  for (const line of doc.lines) {
    if (line.parsed.kind !== 'unknown') continue;
    const words = wordsOf(line.text);
    const column = line.indent.length + 1;
    const known = knownCommand(words);
    if (known) {
      out.push({
        rule: 'not-modelled',
        severity: options.strict ? 'error' : 'warning',
        line: line.lineNo,
        column,
        kind: 'invalidCommandName',
        message: NOT_MODELLED_MESSAGE,
        detail: `${commandName(known, words)}: known from ${known.source}; the checker does not model it`,
      });
      continue;
    }
    const suggestion = suggestCommand(words);
    out.push({
      rule: 'unknown-command',
      severity: 'error',
      line: line.lineNo,
      column,
      kind: 'invalidCommandName',
      message: routerErrorText('invalidCommandName', lang),
      // only the first word: the rest may be a parameter value, even a secret
      detail: `'${words[0] ?? ''}' starts no RTX command the checker knows`,
      ...(suggestion ? { suggestion } : {}),
    });
  }
  return out;
}

/** A syntax error whose leading words are a near miss of a command name gets a "did you mean". */
function withSuggestion(doc: ConfigDocument, issue: ConfigIssue): ConfigIssue {
  if (issue.rule !== 'syntax') return issue;
  const line = doc.lines.find((l) => l.lineNo === issue.line);
  if (!line) return issue;
  const words = wordsOf(line.text);
  if (knownCommand(words)) return issue;
  const suggestion = suggestCommand(words);
  return suggestion ? { ...issue, suggestion } : issue;
}

/** Router refusals and coverage findings of a parsed config, in line order. */
export function reviewConfig(doc: ConfigDocument, platform: ConfigPlatform, options: ReviewOptions = {}): ConfigIssue[] {
  const refusals = validateConfig(doc, platform, options).map((i) => withSuggestion(doc, i));
  return [...refusals, ...coverageIssues(doc, options)].sort((a, b) => a.line - b.line);
}

/** Parse and review in one step. */
export function reviewConfigText(text: string, platform: ConfigPlatform, options: ReviewOptions = {}): { doc: ConfigDocument; issues: ConfigIssue[] } {
  const doc = parseConfig(text);
  return { doc, issues: reviewConfig(doc, platform, options) };
}

/**
 * One finding as a line for people: `FILE:LINE: Error: ... (detail); did you mean 'x'?` or
 * `FILE:LINE: warning: not modelled, not checked (detail)`.
 */
export function formatFinding(file: string, issue: ConfigIssue): string {
  const head = issue.severity === 'warning' ? `warning: ${issue.message}` : issue.rule === 'not-modelled' ? `error: ${issue.message}` : issue.message;
  return `${file}:${issue.line}: ${head} (${issue.detail})${issue.suggestion ? `; did you mean '${issue.suggestion}'?` : ''}`;
}
