// A recorded transcript served back as a fake device: what the session writes must match the
// next `sent` record (a masked secret matches any text), and each match releases the `recv`
// records up to the next `sent`. A `closed by device` event hangs up; each `open` event starts
// the next connection, so reconnects replay too. Driver tests run from real devices' fixtures.

import { readFileSync } from 'node:fs';
import { CliTransportError } from '../errors.ts';
import type { Transport, TransportFactory } from '../transport.ts';
import { SECRET_MASK } from '../../transcript/redactor.ts';
import { DEVICE_CLOSED_EVENT, OPEN_EVENT, parseTranscript, type TranscriptRecord } from '../../transcript/transcript.ts';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A recorded `sent` text as a pattern: the mask stands for any secret. */
function sentPattern(recorded: string): RegExp {
  return new RegExp('^' + recorded.split(SECRET_MASK).map(escapeRegExp).join('[^\\r\\n]*') + '$', 's');
}

export class ReplayDevice {
  #cursor = 0;
  /** mismatches and leftovers, for test assertions */
  readonly problems: string[] = [];

  constructor(
    private readonly records: readonly TranscriptRecord[],
    readonly name = 'replay',
  ) {}

  static fromFile(path: string): ReplayDevice {
    return new ReplayDevice(parseTranscript(readFileSync(path, 'utf8'), path), `replay ${path}`);
  }

  /** A factory for CliSession: each call serves the next connection of the recording. */
  get transport(): TransportFactory {
    return () => new ReplayTransport(this);
  }

  /** True when every record was used. */
  get finished(): boolean {
    return this.#cursor >= this.records.length;
  }

  /** @internal */
  startConnection(): boolean {
    while (this.#cursor < this.records.length) {
      const r = this.records[this.#cursor];
      if (r.dir === 'event' && r.data.startsWith(OPEN_EVENT)) {
        this.#cursor++;
        return true;
      }
      if (r.dir !== 'event') return this.#cursor === 0;
      this.#cursor++;
    }
    return false;
  }

  /** @internal The device's output up to the next expected input; null when it hangs up. */
  release(): { text: string; hangUp: string | null } {
    let text = '';
    while (this.#cursor < this.records.length) {
      const r = this.records[this.#cursor];
      if (r.dir === 'sent') break;
      if (r.dir === 'event' && r.data.startsWith(OPEN_EVENT)) return { text, hangUp: 'end of this recorded connection' };
      this.#cursor++;
      if (r.dir === 'recv') text += r.data;
      else if (r.data.startsWith(DEVICE_CLOSED_EVENT)) return { text, hangUp: r.data };
    }
    return { text, hangUp: null };
  }

  /** @internal Check a write against the next `sent` record. */
  expect(written: string): string | null {
    const r = this.records[this.#cursor];
    if (!r || r.dir !== 'sent') {
      const problem = `unexpected write of ${written.length} characters at record ${this.#cursor + 1}: the recording expects no input here`;
      this.problems.push(problem);
      return problem;
    }
    if (!sentPattern(r.data).test(written)) {
      const problem = `record ${this.#cursor + 1}: expected ${JSON.stringify(r.data)}, got a different input`;
      this.problems.push(problem);
      return problem;
    }
    this.#cursor++;
    return null;
  }
}

class ReplayTransport implements Transport {
  readonly description: string;
  #onData: (text: string) => void = () => {};
  #onClose: (reason: string) => void = () => {};
  #open = false;

  constructor(private readonly device: ReplayDevice) {
    this.description = device.name;
  }

  onData(listener: (text: string) => void): void {
    this.#onData = listener;
  }

  onClose(listener: (reason: string) => void): void {
    this.#onClose = listener;
  }

  async open(): Promise<void> {
    if (!this.device.startConnection()) throw new CliTransportError(this.description, 'the recording has no further connection');
    this.#open = true;
    this.#serve();
  }

  write(text: string): void {
    if (!this.#open) throw new CliTransportError(this.description, 'not open');
    const problem = this.device.expect(text);
    if (problem) return this.#hangUp(`replay mismatch: ${problem}`);
    this.#serve();
  }

  async close(): Promise<void> {
    this.#open = false;
  }

  #serve(): void {
    const { text, hangUp } = this.device.release();
    // asynchronously, as a device would answer
    setImmediate(() => {
      if (!this.#open) return;
      if (text !== '') this.#onData(text);
      if (hangUp !== null) this.#hangUp(hangUp);
    });
  }

  #hangUp(reason: string): void {
    if (!this.#open) return;
    setImmediate(() => {
      this.#open = false;
      this.#onClose(reason);
    });
  }
}
