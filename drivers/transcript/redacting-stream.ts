// Redaction of a stream that arrives in arbitrary chunks: a secret cut across two chunks, or
// across a hard-wrapped line (yamaha-platform-facts.md §3.3), must still be masked. The stream
// holds back the unfinished last line, and a line that fills the console width (it may continue
// on the next line), until more text or flush() completes it.

import { Redactor } from './redactor.ts';
import { displayWidth } from '../cli/text.ts';

export class RedactingStream {
  #pending = '';

  constructor(
    private readonly redactor: Redactor,
    private readonly columns: number,
  ) {}

  /** Feed a chunk; returns the part that is safe to emit now (already masked). */
  push(chunk: string): string {
    this.#pending += chunk;
    const cut = this.#safeCut();
    if (cut === 0) return '';
    const ready = this.#pending.slice(0, cut);
    this.#pending = this.#pending.slice(cut);
    // learn from the held-back text too, so a secret ending in it is known before emitting
    this.redactor.redact(ready + this.#pending, this.columns);
    return this.redactor.mask(ready);
  }

  /** Emit everything held back (end of a response, or of the session). */
  flush(): string {
    const rest = this.#pending;
    this.#pending = '';
    return rest === '' ? '' : this.redactor.redact(rest, this.columns);
  }

  /** Index up to which the text is made of complete lines that cannot continue further. */
  #safeCut(): number {
    let end = this.#pending.lastIndexOf('\n') + 1;
    // back off over lines that fill the width: the device may have wrapped them
    while (end > 0) {
      const prevEnd = this.#pending.lastIndexOf('\n', end - 2) + 1;
      const line = this.#pending.slice(prevEnd, end).replace(/\r?\n$/, '');
      if (displayWidth(line) < this.columns) break;
      end = prevEnd;
    }
    return end;
  }
}
