// The observable trace (DESIGN.md "The verdict"): what a device did under a stimulus, as events in
// arrival order, each tagged with where the harness saw it. Every event is a label and an ordered
// list of named text fields, so one comparison, one role abstraction and one diff serve control
// messages, frames, syslog lines and CLI outputs alike. Pure.

/** Where an event was seen: a control message the device sent, a frame at a port, a syslog line, a CLI output. */
export type TraceSource = 'control' | 'frame' | 'syslog' | 'cli';

export interface TraceField {
  readonly name: string;
  readonly value: string;
}

/** Who produced it: the device under test, or the harness (a tester peer's message: the stimulus, kept as context and timing anchor). */
export type TraceActor = 'device' | 'harness';

export interface TraceEvent {
  readonly source: TraceSource;
  /** Absent: the device. */
  readonly by?: TraceActor;
  /** Virtual ms since the stimulus origin (real elapsed ms times the time scale on a live device). */
  readonly t: number;
  /** Who saw it: the peer's logical address (control), the port (frame), `collector` (syslog), the session (cli). */
  readonly at: string;
  /** SCCRP, ZLB, `syslog`, `frame`, `show status l2tp`. */
  readonly label: string;
  readonly fields: readonly TraceField[];
}

export interface Trace {
  readonly events: readonly TraceEvent[];
}

export function traceEvent(source: TraceSource, t: number, at: string, label: string, fields: readonly TraceField[], by: TraceActor = 'device'): TraceEvent {
  return by === 'device' ? { source, t, at, label, fields } : { source, by, t, at, label, fields };
}

export function actorOf(e: TraceEvent): TraceActor {
  return e.by ?? 'device';
}

/** Events in arrival order: by time, ties kept in the order they were recorded (a stable sort). */
export function inArrivalOrder(events: readonly TraceEvent[]): TraceEvent[] {
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map((x) => x.e);
}

/** Same event apart from its time: the identity the comparison aligns on. */
export function sameEvent(a: TraceEvent, b: TraceEvent): boolean {
  if (a.source !== b.source || a.at !== b.at || actorOf(a) !== actorOf(b) || a.label !== b.label || a.fields.length !== b.fields.length) return false;
  for (let i = 0; i < a.fields.length; i++) if (a.fields[i].name !== b.fields[i].name || a.fields[i].value !== b.fields[i].value) return false;
  return true;
}

/** One line for humans: `+1234 ms control@127.0.0.2 SCCRP Ns=0 Nr=1 ...`. */
export function formatEvent(e: TraceEvent, opts: { fields?: boolean } = {}): string {
  const head = `+${Math.round(e.t)} ms ${e.by === 'harness' ? 'harness ' : ''}${e.source}@${e.at} ${e.label}`;
  if (opts.fields === false) return head;
  return [head, ...e.fields.map((f) => `${f.name}=${f.value}`)].join(' ');
}
