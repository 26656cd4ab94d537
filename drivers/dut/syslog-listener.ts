// The harness's syslog receiver for one lab (the suites, the peer driver tests): one UDP socket
// (loopback, or the harness address a bench inventory names) collecting the device's datagrams (`<PRI>text`), with bounded, event-driven waits.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { bindUdpHere, type UdpBinder } from '../hosts/udp-bind.ts';

export interface SyslogLine {
  pri: number;
  text: string;
}

export class SyslogListener extends EventEmitter {
  readonly lines: SyslogLine[] = [];
  /** When each line arrived (ms since the epoch), for tests that order a line against their own actions. */
  readonly arrivals = new Map<SyslogLine, number>();
  private constructor(private readonly sock: dgram.Socket) {
    super();
    sock.on('message', (m) => {
      const s = m.toString('utf8');
      const p = /^<(\d{1,3})>/.exec(s);
      const line = { pri: p ? Number(p[1]) : -1, text: p ? s.slice(p[0].length) : s };
      this.lines.push(line);
      this.arrivals.set(line, Date.now());
      this.emit('line', line);
    });
  }

  /** Binds the collector (`bind`: where, default this process's stack; a namespace lab's device binds it in its namespace). */
  static async open(host = '127.0.0.1', port = 0, bind: UdpBinder = bindUdpHere): Promise<SyslogListener> {
    try {
      return new SyslogListener(await bind(host, port));
    } catch (e) {
      throw new Error(`syslog listener: ${(e as Error).message}`);
    }
  }

  get port(): number {
    return this.sock.address().port;
  }

  texts(): string[] {
    return this.lines.map((l) => l.text);
  }

  /** Waits (bounded) for a line equal to `text` (a string) or matching it (a RegExp). */
  waitFor(want: string | RegExp, ms = 10_000): Promise<SyslogLine> {
    const ok = (l: SyslogLine) => (typeof want === 'string' ? l.text === want : want.test(l.text));
    const seen = this.lines.find(ok);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const on = (l: SyslogLine) => {
        if (!ok(l)) return;
        clearTimeout(t);
        this.off('line', on);
        resolve(l);
      };
      const t = setTimeout(() => {
        this.off('line', on);
        reject(new Error(`no syslog line ${String(want)} within ${ms} ms; got:\n${this.texts().join('\n')}`));
      }, ms);
      this.on('line', on);
    });
  }

  /** Waits (bounded) until `done()` holds, checked at every line; resolves at once if it already does. */
  waitUntil(done: () => boolean, ms: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const on = () => {
        if (!done()) return;
        clearTimeout(t);
        this.off('line', on);
        resolve();
      };
      const t = setTimeout(() => {
        this.off('line', on);
        reject(new Error(`syslog: not ${what} within ${ms} ms; got:\n${this.texts().join('\n')}`));
      }, ms);
      this.on('line', on);
    });
  }

  close(): void {
    this.sock.close();
  }
}
