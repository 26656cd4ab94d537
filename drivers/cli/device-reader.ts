// The text received since the last consume(), and bounded, event-driven waits on it: a wait
// re-checks its condition on every chunk, and only on chunks (no polling). A condition that
// needs the device to be quiet (a prompt could also be the first bytes of an output line)
// holds for `settleMs` without new text before the wait ends.

import { CliTimeoutError, CliTransportError } from './errors.ts';

export interface WaitSpec<T> {
  /** what is awaited, for the timeout message */
  waitingFor: string;
  /** the name of the option that bounds the wait */
  timeoutName: string;
  timeoutMs: number;
  /** quiet time after a match before it counts (0: at once) */
  settleMs?: number;
  check: (raw: string) => T | undefined;
}

export class DeviceReader {
  #raw = '';
  #closedReason: string | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly transportName: string,
    /** masks secrets in text quoted by errors */
    private readonly mask: (text: string) => string,
  ) {}

  get raw(): string {
    return this.#raw;
  }

  feed(text: string): void {
    this.#raw += text;
    for (const l of [...this.#listeners]) l();
  }

  closed(reason: string): void {
    this.#closedReason = reason;
    for (const l of [...this.#listeners]) l();
  }

  /** Take the first `length` characters (all by default) out of the buffer. */
  consume(length = this.#raw.length): string {
    const out = this.#raw.slice(0, length);
    this.#raw = this.#raw.slice(length);
    return out;
  }

  wait<T>(spec: WaitSpec<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settle: NodeJS.Timeout | undefined;
      const finish = (fn: () => void) => {
        clearTimeout(deadline);
        clearTimeout(settle);
        this.#listeners.delete(onEvent);
        fn();
      };
      const onEvent = () => {
        clearTimeout(settle);
        const hit = spec.check(this.#raw);
        if (hit !== undefined) {
          if (!spec.settleMs) return finish(() => resolve(hit));
          settle = setTimeout(() => {
            const again = spec.check(this.#raw);
            if (again !== undefined) finish(() => resolve(again));
          }, spec.settleMs);
          return;
        }
        if (this.#closedReason !== null) {
          const reason = this.#closedReason;
          finish(() => reject(new CliTransportError(this.transportName, `closed while waiting for ${spec.waitingFor}: ${reason}`)));
        }
      };
      const deadline = setTimeout(
        () =>
          finish(() =>
            reject(new CliTimeoutError(spec.waitingFor, spec.timeoutName, spec.timeoutMs, this.mask(this.#raw.slice(-300)))),
          ),
        spec.timeoutMs,
      );
      this.#listeners.add(onEvent);
      onEvent();
    });
  }
}
