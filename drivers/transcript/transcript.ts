// The transcript of one CLI session: every chunk sent and received, in order, as JSON lines
// (`{"t":ms,"dir":"sent"|"recv"|"event","data":"..."}`), secrets masked by the Redactor before
// anything is kept or written. Reports attach it; replay.ts serves it back as a fake device.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RedactingStream } from './redacting-stream.ts';
import { Redactor, SECRET_MASK } from './redactor.ts';

export type TranscriptDirection = 'sent' | 'recv' | 'event';

export interface TranscriptRecord {
  /** milliseconds since the transcript started */
  t: number;
  dir: TranscriptDirection;
  data: string;
}

export interface TranscriptOptions {
  redactor: Redactor;
  /** console width, for holding back possibly wrapped lines (facts §3.3 default 80) */
  columns?: number;
  /** append each record to this JSON-lines file as it happens (survives a killed worker) */
  path?: string;
  /** injected clock (ms) */
  now?: () => number;
}

/** `open` events start a connection; replay uses them to find where a reconnect begins. */
export const OPEN_EVENT = 'open';
/** the device hung up: replay closes its fake transport at this record */
export const DEVICE_CLOSED_EVENT = 'closed by device';

export class TranscriptRecorder {
  readonly #records: TranscriptRecord[] = [];
  readonly #stream: RedactingStream;
  readonly #now: () => number;
  readonly #start: number;

  constructor(private readonly opts: TranscriptOptions) {
    this.#stream = new RedactingStream(opts.redactor, opts.columns ?? 80);
    this.#now = opts.now ?? Date.now;
    this.#start = this.#now();
    if (opts.path) mkdirSync(dirname(opts.path), { recursive: true });
  }

  get redactor(): Redactor {
    return this.opts.redactor;
  }

  /** Text written to the device. A secret answer (a password typed at a prompt) is kept as the mask. */
  sent(text: string, options: { secret?: boolean } = {}): void {
    this.#flushReceived();
    const data = options.secret ? SECRET_MASK + (/[\r\n]+$/.exec(text)?.[0] ?? '') : this.opts.redactor.redact(text);
    this.#add('sent', data);
  }

  received(text: string): void {
    const ready = this.#stream.push(text);
    if (ready !== '') this.#add('recv', ready);
  }

  event(text: string): void {
    this.#flushReceived();
    this.#add('event', this.opts.redactor.mask(text));
  }

  /** Write out received text held back for redaction (end of a response or of the session). */
  flush(): void {
    this.#flushReceived();
  }

  records(): readonly TranscriptRecord[] {
    this.#flushReceived();
    return this.#records;
  }

  toJsonLines(): string {
    return this.records()
      .map((r) => JSON.stringify(r) + '\n')
      .join('');
  }

  #flushReceived(): void {
    const rest = this.#stream.flush();
    if (rest !== '') this.#add('recv', rest);
  }

  #add(dir: TranscriptDirection, data: string): void {
    const record = { t: this.#now() - this.#start, dir, data };
    this.#records.push(record);
    if (this.opts.path) appendFileSync(this.opts.path, JSON.stringify(record) + '\n');
  }
}

/** Parse a JSON-lines transcript; a bad line is an error naming the file and line. */
export function parseTranscript(text: string, source = 'transcript'): TranscriptRecord[] {
  const out: TranscriptRecord[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1}: not JSON`);
    }
    const r = v as Partial<TranscriptRecord>;
    if (typeof r !== 'object' || r === null || typeof r.t !== 'number' || typeof r.data !== 'string' || !['sent', 'recv', 'event'].includes(r.dir as string)) {
      throw new Error(`${source}:${i + 1}: expected {"t": number, "dir": "sent"|"recv"|"event", "data": string}`);
    }
    out.push({ t: r.t, dir: r.dir as TranscriptDirection, data: r.data });
  });
  return out;
}
