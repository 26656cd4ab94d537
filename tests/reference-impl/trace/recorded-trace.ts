// The recorded trace the divergence tests bend: the observed trace of control-connection.spec.ts
// "peer dials" on the emulated RTX1210 (device-chosen values raw), and helpers to change one thing.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TraceEvent, TraceField } from '../../../reference-impl/trace/trace-event.ts';

export function recordedTrace(): TraceEvent[] {
  const file = fileURLToPath(new URL('./fixtures/peer-dials-rtx1210.trace.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { events: TraceEvent[] }).events;
}

/** Index of the first event `pick` accepts (throws when there is none: the fixture changed). */
export function find(events: readonly TraceEvent[], pick: (e: TraceEvent) => boolean): number {
  const k = events.findIndex(pick);
  if (k < 0) throw new Error('recorded trace: no such event');
  return k;
}

export const isDevice = (label: string) => (e: TraceEvent) => e.source === 'control' && e.by === undefined && e.label === label;
export const syslogText = (part: string) => (e: TraceEvent) => e.source === 'syslog' && e.fields.some((f) => f.name === 'text' && f.value.includes(part));

/** A copy with one field of one event set to `value`. */
export function withField(events: readonly TraceEvent[], k: number, name: string, value: string): TraceEvent[] {
  const e = events[k];
  if (!e.fields.some((f) => f.name === name)) throw new Error(`recorded trace: event ${k} has no field ${name}`);
  const fields: TraceField[] = e.fields.map((f) => (f.name === name ? { name, value } : f));
  return events.map((x, i) => (i === k ? { ...e, fields } : x));
}
