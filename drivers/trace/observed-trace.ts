// The device's observed trace from what the harness saw, so it works the same on an emulated and
// a physical device: control messages the device sent to tester peers (their conversation record),
// syslog lines at the collector, frames captured at LAN ports, and CLI outputs the test read.
// Each source is one function; a test concatenates what it has (traceVerdict sorts by time).
import type { Secret } from '../../reference-impl/l2tpv3/hiding.ts';
import { controlEvent } from '../../reference-impl/trace/control-event.ts';
import { cliEvent, frameEvent, syslogEvent } from '../../reference-impl/trace/observation-events.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { RecordedDatagram } from '../peer/conversation.ts';
import { isControl } from '../peer/raw-message.ts';
import { toVirtualMs, type TraceClock } from './trace-clock.ts';

export interface ControlSourceOptions {
  /** The name a peer's lab address goes by in the trace (the test's logical address). */
  readonly nameOf: (host: string) => string;
  /** The tunnel secret to unhide hidden AVPs with (never written into the trace). */
  readonly secretFor?: (host: string) => Secret | undefined;
}

/**
 * Control messages in a peer's conversation: what the device sent (`in`), and what the peer sent
 * it (`out`, the stimulus: harness events, the anchors the device's reply times are measured from).
 */
export function controlEventsFrom(datagrams: readonly RecordedDatagram[], clock: TraceClock, o: ControlSourceOptions): TraceEvent[] {
  return datagrams
    .filter((d) => isControl(d.bytes))
    .map((d) => {
      const peer = d.direction === 'in' ? d.dst.host : d.src.host;
      return controlEvent(d.bytes, toVirtualMs(clock, d.atUs / 1000), o.nameOf(peer), o.secretFor?.(peer), d.direction === 'in' ? 'device' : 'harness');
    });
}

export interface ReceivedSyslogLine {
  /** PRI as received, -1 when the datagram had none. */
  readonly pri: number;
  readonly text: string;
  /** Arrival, real ms since the epoch. */
  readonly atMs: number;
}

export function syslogEventsFrom(lines: readonly ReceivedSyslogLine[], clock: TraceClock): TraceEvent[] {
  return lines.map((l) => syslogEvent(l.pri < 0 ? undefined : l.pri & 7, l.text, toVirtualMs(clock, l.atMs)));
}

export interface CapturedFrame {
  readonly port: string;
  readonly frame: Uint8Array;
  readonly atMs: number;
}

export function frameEventsFrom(frames: readonly CapturedFrame[], clock: TraceClock): TraceEvent[] {
  return frames.map((f) => frameEvent(f.port, f.frame, toVirtualMs(clock, f.atMs)));
}

export interface CliOutput {
  readonly command: string;
  readonly output: string;
  /** When the output was complete, real ms since the epoch. */
  readonly atMs: number;
}

/** CLI outputs, one event per command; the echo and the prompt are the CLI session's business, not the trace's. */
export function cliEventsFrom(outputs: readonly CliOutput[], clock: TraceClock): TraceEvent[] {
  return outputs.map((c) => cliEvent(c.command, c.output.split(/\r?\n/).filter((l, i, all) => !(l === '' && i === all.length - 1)), toVirtualMs(clock, c.atMs)));
}
