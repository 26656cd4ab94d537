// One walk through dialog rows (unicon's Dialog): the first row whose pattern matches the
// unfinished last line and whose `when` holds decides what is sent, or that the walk fails.
// Pure: the caller writes what `step` returns and throws what it says. A secret answer is
// returned marked secret so the caller masks it in the transcript; no message quotes it.

import { CliError, CliLoginError } from './errors.ts';
import { SECRET_ANSWERS, type AnswerName, type DialogFailure, type DialogRow, type WalkFacts } from './prompt-states.ts';

export type Answers = Partial<Record<AnswerName, string>>;

export type DialogStep =
  /** write `text` (masked in the transcript when secret) and keep waiting */
  | { kind: 'send'; row: DialogRow; text: string; secret: boolean }
  /** write nothing and keep waiting */
  | { kind: 'continue'; row: DialogRow }
  /** write `escape` if given; throw `error` now (no escape) or once the prompt is back */
  | { kind: 'fail'; row: DialogRow; error: CliError; escape?: string };

export function dialogError(f: DialogFailure, prefix = ''): CliError {
  const message = prefix + f.message;
  return f.error === 'CliLoginError' ? new CliLoginError(message) : new CliError(message);
}

export class DialogWalk {
  readonly #counts = new Map<string, number>();
  readonly #facts: WalkFacts;

  constructor(
    private readonly rows: readonly DialogRow[],
    private readonly answers: Answers,
    /** put before failure messages, e.g. the masked command */
    private readonly context = '',
  ) {
    this.#facts = { has: (a) => answers[a] !== undefined, count: (name) => this.#counts.get(name) ?? 0 };
  }

  /** The row that answers this last line, if any. */
  find(lastLine: string): DialogRow | undefined {
    return this.rows.find((r) => r.pattern.test(lastLine) && (r.when?.(this.#facts) ?? true));
  }

  /** Act on a row that matched: what to send, or how the walk ends. */
  step(row: DialogRow): DialogStep {
    const n = this.#facts.count(row.name);
    if (row.limit && n >= row.limit.times) return { kind: 'fail', row, error: dialogError(row.limit.failure, this.context) };
    this.#counts.set(row.name, n + 1);
    const a = row.action;
    switch (a.kind) {
      case 'continue':
        return { kind: 'continue', row };
      case 'fail':
        return { kind: 'fail', row, error: dialogError(a.failure, this.context), escape: a.escape };
      case 'text':
        return { kind: 'send', row, text: a.text + (a.enter ? NEWLINE : ''), secret: false };
      case 'answer': {
        const value = this.answers[a.answer];
        if (value === undefined && a.ifMissing) return { kind: 'fail', row, error: dialogError(a.ifMissing, this.context) };
        return { kind: 'send', row, text: (value ?? '') + NEWLINE, secret: SECRET_ANSWERS.has(a.answer) };
      }
    }
  }
}

/** The RTX console takes CR as Enter (facts §3.3). */
export const NEWLINE = '\r';
