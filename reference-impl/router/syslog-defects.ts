// Syslog defects that change which lines go out, in what order, or a value inside a line (the
// catalogue's templates, seed: syslog table; reference-impl/syslog/catalogue.ts). The router's
// oracle logs faithfully; this stage sits between it and the collector. Pure.
import type { DefectName } from './defects.ts';

export interface LogLine<L> {
  level: L;
  text: string;
}

const SESSION_DISCONNECT = /\] disconnect session \d+ complete$/;

export class SyslogDefects<L> {
  /** A session's "disconnect ... complete" line held back (syslog-teardown-order-swapped). */
  private held: LogLine<L> | undefined;

  constructor(private readonly defects: ReadonlySet<DefectName>) {}

  /** The lines that go out for one line the oracle logged (none, it, or more). */
  lines(level: L, raw: string): LogLine<L>[] {
    let text = raw;
    // defect syslog-connected-from-missing: the SCCRQ-received line never goes out
    if (this.defects.has('syslog-connected-from-missing') && / connected from /.test(text)) return this.release([]);
    // defect syslog-session-id-hex: `session N` printed in hexadecimal
    if (this.defects.has('syslog-session-id-hex')) text = text.replace(/ session (\d+) /, (_, n: string) => ` session ${Number(n).toString(16)} `);
    // defect syslog-teardown-order-swapped: the session's line waits for the next line (the tunnel's)
    if (this.defects.has('syslog-teardown-order-swapped') && SESSION_DISCONNECT.test(raw)) {
      const before = this.release([]);
      this.held = { level, text };
      return before;
    }
    const out: LogLine<L>[] = [{ level, text }];
    // defect syslog-established-twice: the tunnel line is repeated
    if (this.defects.has('syslog-established-twice') && / tunnel \d+ established$/.test(raw)) out.push({ level, text });
    return this.release(out);
  }

  private release(out: LogLine<L>[]): LogLine<L>[] {
    if (!this.held) return out;
    const h = this.held;
    this.held = undefined;
    return [...out, h];
  }
}
