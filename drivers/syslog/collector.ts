// A UDP syslog collector: every datagram parsed (parse.ts) or kept raw with its parse error,
// one ordered stream per device (by source address, or a name given to it), waits driven by
// arrival events (no polling), and slices of a stream for reports.

import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { parseSyslog, SyslogParseError, type SyslogMessage } from './parse.ts';

export interface SyslogEntry {
  /** position in the collector (all devices), strictly increasing: `since` marks use it */
  seq: number;
  /** collector clock (ms) at arrival */
  receivedAt: number;
  device: string;
  source: { address: string; port: number };
  raw: string;
  message?: SyslogMessage;
  /** why the datagram did not parse (it is kept raw) */
  error?: string;
}

export interface CollectorOptions {
  /** listen address (default 127.0.0.1; `::1`/`::` for IPv6) */
  host?: string;
  /** 0 (default): any free port; a router is then configured with `syslog host HOST:PORT` */
  port?: number;
  /** which stream a datagram belongs to (default: its source address) */
  deviceOf?: (source: { address: string; port: number }) => string;
  /** masks secrets before anything is kept (e.g. a drivers/transcript Redactor's mask) */
  mask?: (text: string) => string;
  now?: () => number;
}

export interface WaitOptions {
  timeoutMs: number;
  /** only entries after this mark (from mark()); default: the whole stream */
  since?: number;
}

export class SyslogTimeoutError extends Error {
  constructor(
    readonly device: string,
    readonly pattern: string,
    readonly timeoutMs: number,
    /** the stream's last lines, for the report */
    readonly lastLines: readonly string[],
  ) {
    super(`no syslog line from ${device} matched ${pattern} within ${timeoutMs} ms; last lines: ${JSON.stringify(lastLines)}`);
    this.name = 'SyslogTimeoutError';
  }
}

type Listener = (e: SyslogEntry) => void;

export class SyslogCollector {
  readonly #socket: dgram.Socket;
  readonly #opts: CollectorOptions;
  readonly #streams = new Map<string, SyslogEntry[]>();
  readonly #listeners = new Set<Listener>();
  readonly #names = new Map<string, string>();
  #seq = 0;

  private constructor(socket: dgram.Socket, opts: CollectorOptions) {
    this.#socket = socket;
    this.#opts = opts;
    socket.on('message', (buf, rinfo) => this.#receive(buf, { address: rinfo.address, port: rinfo.port }));
  }

  static async start(opts: CollectorOptions = {}): Promise<SyslogCollector> {
    const host = opts.host ?? '127.0.0.1';
    const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (e) => reject(new Error(`syslog collector: cannot bind UDP ${host}:${opts.port ?? 0}: ${e.message}`)));
      socket.bind(opts.port ?? 0, host, () => resolve());
    });
    return new SyslogCollector(socket, opts);
  }

  get address(): { host: string; port: number } {
    const a = this.#socket.address();
    return { host: a.address, port: a.port };
  }

  /** The `syslog host` argument that points a router here (emulated routers take HOST:PORT). */
  get target(): string {
    const { host, port } = this.address;
    return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /** Call the stream of this source address by a device name. */
  name(address: string, device: string): void {
    this.#names.set(address, device);
  }

  /** The position now: entries after it are `since` this mark. */
  mark(): number {
    return this.#seq;
  }

  devices(): string[] {
    return [...this.#streams.keys()];
  }

  /** The device's entries in arrival order, after `since` (a mark) when given. */
  slice(device: string, since = 0): SyslogEntry[] {
    return (this.#streams.get(device) ?? []).filter((e) => e.seq > since);
  }

  /** Resolve with the first entry (after `since`) whose message text matches; reject after timeoutMs. */
  waitFor(device: string, pattern: RegExp | string, opts: WaitOptions): Promise<SyslogEntry> {
    const matches = (e: SyslogEntry) => e.device === device && e.seq > (opts.since ?? 0) && test(pattern, e.message?.message ?? e.raw);
    const found = this.slice(device, opts.since).find(matches);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener: Listener = (e) => {
        if (!matches(e)) return;
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.#listeners.delete(listener);
        const last = this.slice(device, opts.since).slice(-5).map((e) => e.message?.message ?? e.raw);
        reject(new SyslogTimeoutError(device, String(pattern), opts.timeoutMs, last));
      }, opts.timeoutMs);
      this.#listeners.add(listener);
    });
  }

  /** Stream entries as they arrive (returns the unsubscribe function). */
  onEntry(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Lines for a report: `seq time device [sev] message` (unparsable ones marked). */
  static format(entries: readonly SyslogEntry[]): string {
    return entries
      .map((e) => `${e.seq} ${new Date(e.receivedAt).toISOString()} ${e.device} ${e.message ? `[${e.message.severity}] ${e.message.message}` : `UNPARSABLE (${e.error}) ${JSON.stringify(e.raw)}`}`)
      .join('\n');
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(buf: Buffer, source: { address: string; port: number }): void {
    const mask = this.#opts.mask ?? ((t: string) => t);
    const raw = mask(new TextDecoder('utf-8').decode(buf));
    const device = this.#names.get(source.address) ?? this.#opts.deviceOf?.(source) ?? source.address;
    const entry: SyslogEntry = { seq: ++this.#seq, receivedAt: (this.#opts.now ?? Date.now)(), device, source, raw };
    try {
      entry.message = parseSyslog(raw);
    } catch (e) {
      if (!(e instanceof SyslogParseError)) throw e;
      entry.error = e.reason;
    }
    let stream = this.#streams.get(device);
    if (!stream) this.#streams.set(device, (stream = []));
    stream.push(entry);
    for (const l of [...this.#listeners]) l(entry);
  }
}

function test(pattern: RegExp | string, text: string): boolean {
  if (typeof pattern === 'string') return text.includes(pattern);
  pattern.lastIndex = 0;
  return pattern.test(text);
}
