// Test helper: collects what a console prints and waits (event-driven, bounded) for a pattern.

export class ConsoleTranscript {
  private text = '';
  private mark = 0;
  private waiters: { re: RegExp; resolve: (m: string) => void }[] = [];

  constructor(private readonly decode: (b: Uint8Array) => string = (b) => Buffer.from(b).toString('latin1')) {}

  push(bytes: Uint8Array | string): void {
    this.text += typeof bytes === 'string' ? bytes : this.decode(bytes);
    for (const w of [...this.waiters]) {
      const m = w.re.exec(this.text.slice(this.mark));
      if (m) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        const end = this.mark + m.index + m[0].length;
        const chunk = this.text.slice(this.mark, end);
        this.mark = end;
        w.resolve(chunk);
      }
    }
  }

  /** Everything printed so far. */
  get all(): string {
    return this.text;
  }

  /** Resolves with the text up to and including the first match after the last wait. */
  waitFor(re: RegExp, timeoutMs = 5000): Promise<string> {
    const m = re.exec(this.text.slice(this.mark));
    if (m) {
      const end = this.mark + m.index + m[0].length;
      const chunk = this.text.slice(this.mark, end);
      this.mark = end;
      return Promise.resolve(chunk);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        re,
        resolve: (s: string) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${re} within ${timeoutMs} ms; output since last match:\n${JSON.stringify(this.text.slice(this.mark))}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
