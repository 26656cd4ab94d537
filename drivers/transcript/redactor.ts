// One place that decides what a secret is and masks it: login and administrator passwords,
// `l2tp tunnel auth` passwords, `ipsec ike pre-shared-key` keys, values from the lab's secret
// store, and every parameter the oracle's config grammar types as a secret (reference-impl/config
// command tables). Transcripts, errors and logs of drivers/ pass their text through here.
//
// Masking tolerates the device's hard wrap: a secret cut by CRLF at the console width
// (yamaha-platform-facts.md §3.3) is still found.

import { COMMAND_SPECS, parseCommandLine, tokenize, type CommandSpec } from '../../reference-impl/config/index.ts';
import { displayWidth } from '../cli/text.ts';
import { compileSyntax, type Element } from '../../reference-impl/config/grammar.ts';

export const SECRET_MASK = '********';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Smallest token index at which a secret parameter can start in this syntax, or undefined. */
function firstSecretIndex(elements: readonly Element[]): number | undefined {
  let base = 0;
  for (const e of elements) {
    if (e.kind === 'param' && e.type.secret) return base;
    if (e.kind === 'optional') {
      const inner = firstSecretIndex(e.body);
      if (inner !== undefined) return base + inner;
      continue; // an absent optional part takes no token
    }
    base += 1;
  }
  return undefined;
}

interface SecretRule {
  /** leading keywords that name the command */
  keywords: string[];
  /** earliest token index of the secret */
  from: number;
  /** literal words of the syntax (never masked, e.g. `encrypted`, `text`) */
  literals: Set<string>;
}

function literalWords(elements: readonly Element[], out: Set<string>): Set<string> {
  for (const e of elements) {
    if (e.kind === 'literal') out.add(e.word);
    else if (e.kind === 'optional') literalWords(e.body, out);
  }
  return out;
}

function leadingKeywords(elements: readonly Element[]): string[] {
  const words: string[] = [];
  for (const e of elements) {
    if (e.kind !== 'literal') break;
    words.push(e.word);
  }
  return words;
}

// Fallback rules for lines the grammar refuses (e.g. a password longer than its limit): every
// command row with a secret parameter, derived from the oracle's tables, never retyped here.
const SECRET_RULES: readonly SecretRule[] = COMMAND_SPECS.flatMap((spec: CommandSpec): SecretRule[] => {
  const elements = compileSyntax(spec.syntax);
  const from = firstSecretIndex(elements);
  if (from === undefined) return [];
  return [{ keywords: leadingKeywords(elements), from, literals: literalWords(elements, new Set()) }];
});

export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | null = null;

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const s of secrets) this.addSecret(s);
  }

  /** Remember a secret value; empty and undefined values are ignored. */
  addSecret(value: string | undefined): void {
    // `*` is how `show config` shows a stored encrypted password (facts §3.4), not a value
    if (value === undefined || value === '' || value === '*' || value === SECRET_MASK || this.#secrets.has(value)) return;
    this.#secrets.add(value);
    this.#pattern = null;
  }

  get secretCount(): number {
    return this.#secrets.size;
  }

  /** True when the text (after masking) still holds a known secret — for self-checks in tests. */
  leaks(text: string): boolean {
    const p = this.#compiled();
    return p !== null && new RegExp(p.source, 'u').test(text);
  }

  /**
   * Learn the secret parameters of one command line (as typed or as `show config` shows it).
   * Returns the values learned.
   */
  learnFromCommand(text: string): string[] {
    const line = text.replace(/[\r\n]+/g, ' ');
    const found = grammarSecrets(line) ?? this.#fallbackSecrets(line);
    for (const f of found) this.addSecret(f);
    return found;
  }

  /**
   * Learn from physical lines that may be hard-wrapped at `columns` (facts §3.3). A line that fills
   * the width may continue on the next one, or may just be that long: the longest join that parses
   * as a command wins; when none does, the fallback rules read the full join.
   */
  #learnWrapped(physical: readonly string[], columns: number): void {
    let i = 0;
    while (i < physical.length) {
      let j = i;
      while (j + 1 < physical.length && displayWidth(physical[j]) >= columns) j++;
      let used = -1;
      for (let k = j; k >= i; k--) {
        const candidate = physical.slice(i, k + 1).join('');
        const secrets = grammarSecrets(candidate);
        if (secrets) {
          secrets.forEach((x) => this.addSecret(x));
          used = k;
          break;
        }
      }
      if (used < 0) {
        this.#fallbackSecrets(physical.slice(i, j + 1).join('')).forEach((x) => this.addSecret(x));
        used = j;
      }
      i = used + 1;
    }
  }

  #fallbackSecrets(line: string): string[] {
    let words: string[];
    try {
      words = tokenize(line).map((t) => t.text);
    } catch {
      // an unterminated quote: split on spaces so the tail is still masked
      words = line.trim().split(/\s+/).map((w) => w.replace(/^"/, ''));
    }
    if (words[0] === 'no') words = words.slice(1);
    const out: string[] = [];
    for (const rule of SECRET_RULES) {
      if (!rule.keywords.every((k, i) => words[i] === k)) continue;
      for (const w of words.slice(rule.from)) if (!rule.literals.has(w) && w !== 'on' && w !== 'off') out.push(w);
    }
    return out;
  }

  /**
   * Learn from every line of the text, then mask every known secret. With the console width,
   * lines the device hard-wrapped are also joined before learning (facts §3.3).
   */
  redact(text: string, columns?: number): string {
    const physical = text.split(/\r\n|\r|\n/);
    if (columns === undefined) for (const line of physical) this.learnFromCommand(line);
    else this.#learnWrapped(physical, columns);
    return this.mask(text);
  }

  /** Mask every known secret, also when the device wrapped it across lines. */
  mask(text: string): string {
    const p = this.#compiled();
    return p === null ? text : text.replace(p, SECRET_MASK);
  }

  #compiled(): RegExp | null {
    if (this.#secrets.size === 0) return null;
    if (this.#pattern === null) {
      // longest first so a secret containing another is masked whole
      const alternatives = [...this.#secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => [...s].map(escapeRegExp).join('(?:\\r?\\n)?'));
      this.#pattern = new RegExp(alternatives.join('|'), 'gu');
    }
    this.#pattern.lastIndex = 0;
    return this.#pattern;
  }
}

/** The secret values of a line the grammar parses as a command (possibly none); undefined when it does not parse. */
function grammarSecrets(line: string): string[] | undefined {
  if (line.trim() === '') return [];
  const parsed = parseCommandLine(line);
  if (parsed.kind === 'blank' || parsed.kind === 'comment') return [];
  if (parsed.kind !== 'command') return undefined;
  const found: string[] = [];
  for (const e of parsed.command.form.elements.flatMap(flattenParams)) {
    if (!e.type.secret) continue;
    const v = parsed.command.values[e.name];
    for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v]) found.push(String(x));
  }
  return found;
}

function flattenParams(e: Element): Extract<Element, { kind: 'param' }>[] {
  if (e.kind === 'param') return [e];
  if (e.kind === 'optional') return e.body.flatMap(flattenParams);
  return [];
}
