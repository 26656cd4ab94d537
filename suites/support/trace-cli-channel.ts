// CLI outputs in the TracedLab verdict (a TraceChannel, trace-channel.ts): every command a traced
// test types at the device becomes a `cli` event (command, output and error lines) observed when
// its answer is complete, and predicted by the oracle (trace-cli-oracle.ts) at the moment it was
// sent. The command is also a stimulus step, so the control prediction plays `connect tunnel N`.
// Also the device's answer to a whole configuration at start (a refused config prints its error
// lines), predicted by the config oracle.
import type { CliResult, CliSession, RunOptions } from '../../drivers/cli/session.ts';
import { cliEventsFrom } from '../../drivers/trace/observed-trace.ts';
import { realNowMs, toVirtualMs, type TraceClock } from '../../drivers/trace/trace-clock.ts';
import { CLI_SESSION_LINES } from '../../reference-impl/trace/cli-filters.ts';
import { cliEvent, syslogEvent } from '../../reference-impl/trace/observation-events.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { TraceChannel } from './trace-channel.ts';
import { normaliseAnswer, type CliAnswer, type CliOracle } from './trace-cli-oracle.ts';

interface Exchange {
  readonly command: string;
  /** Real ms: sent, and answer complete. */
  readonly sentAtMs: number;
  readonly doneAtMs: number;
  readonly observed: readonly string[];
  readonly predicted: readonly string[];
  /** Lines the oracle says the device logs in answer (e.g. `Configuration saved ...`), with their severity. */
  readonly predictedSyslog: readonly { severity: number; text: string }[];
}

/** The answer as the session shows it: output lines, then the error line (one field per line: a diff names the line). */
const asLines = (a: CliAnswer): string[] => [...a.lines, ...a.errors];

export class CliChannel implements TraceChannel {
  readonly name = 'CLI outputs';
  readonly filters = [CLI_SESSION_LINES];
  private readonly exchanges: Exchange[] = [];
  private readonly listeners = new Set<() => void>();

  /** One answer the harness read (every line the session framed, errors included), with the oracle's prediction of it. */
  add(command: string, sentAtMs: number, observed: readonly string[], predicted: CliAnswer): void {
    this.exchanges.push({ command, sentAtMs, doneAtMs: realNowMs(), observed: normaliseAnswer(command, observed), predicted: asLines(predicted), predictedSyslog: predicted.syslog ?? [] });
    for (const cb of this.listeners) cb();
  }

  observe(clock: TraceClock, horizonMs: number): TraceEvent[] {
    return cliEventsFrom(this.exchanges.map((x) => ({ command: x.command, output: x.observed.join('\n'), atMs: x.doneAtMs })), clock).filter((e) => e.t <= horizonMs);
  }

  predict(ctx: { clock: TraceClock; horizonMs: number }): TraceEvent[] {
    return this.exchanges.flatMap((x) => {
      const t = toVirtualMs(ctx.clock, x.sentAtMs);
      return [cliEvent(x.command, x.predicted, t), ...x.predictedSyslog.map((l) => syslogEvent(l.severity, l.text, t))];
    }).filter((e) => e.t <= ctx.horizonMs);
  }

  onObservation(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

/** A CLI session whose commands are stimulus steps and whose answers are judged by the trace. */
export class TracedCli {
  constructor(
    readonly session: CliSession,
    private readonly channel: CliChannel,
    private readonly oracle: CliOracle,
    private readonly recordCommand: (command: string) => void,
  ) {}

  /** Runs `command`; its answer joins the trace (errors do not throw: the trace judges them). */
  async run(command: string, options: Omit<RunOptions, 'allowErrors'> = {}): Promise<CliResult> {
    const predicted = this.oracle.answer(command);
    const sentAtMs = realNowMs();
    this.recordCommand(command);
    const r = await this.session.run(command, { ...options, allowErrors: true });
    this.channel.add(command, sentAtMs, r.lines, predicted);
    return r;
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
