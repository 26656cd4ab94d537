// Issue 13, "What must be shown" 2: for each divergence class, a recorded trace with one change is
// reported as the first divergence, with the right class and place, and the side-by-side diff (as
// attached to the report) names what differs. The prediction here is the recorded trace itself.
import { test, expect } from '@playwright/test';
import { L2TP_ROLE_RULES } from '../../../reference-impl/trace/l2tp-roles.ts';
import { timingTolerance } from '../../../reference-impl/trace/tolerance.ts';
import { frameEvent } from '../../../reference-impl/trace/observation-events.ts';
import { traceVerdict, type TraceVerdict } from '../../../reference-impl/trace/verdict.ts';
import type { TraceEvent } from '../../../reference-impl/trace/trace-event.ts';
import { find, isDevice, recordedTrace, syslogText, withField } from './recorded-trace.ts';

const recorded = recordedTrace();
const tolerance = timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 });

async function verdictOf(observed: readonly TraceEvent[]): Promise<TraceVerdict> {
  const v = traceVerdict({ predicted: recorded, observed, filters: [], roles: L2TP_ROLE_RULES, tolerance });
  await test.info().attach('trace verdict.txt', { body: v.text, contentType: 'text/plain' });
  return v;
}

/** The line of the side-by-side block that marks the divergence. */
const markedLine = (text: string) => text.split('\n').find((l) => l.startsWith('>>')) ?? '';

test.describe('trace comparison: the first divergence, by class', () => {
  test('the recorded trace against itself agrees, every event matched', async () => {
    const v = await verdictOf(recorded);
    expect(v.comparison.divergence).toBeUndefined();
    expect(v.comparison.matched).toBe(recorded.length);
    expect(v.text).toContain(tolerance.formula);
  });

  test('value: the Host Name AVP of the SCCRP changed', async () => {
    const k = find(recorded, isDevice('SCCRP'));
    const v = await verdictOf(withField(recorded, k, 'Host Name [M]', 'RTX1210'));
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('value');
    expect(d.field).toBe('Host Name [M]');
    expect([d.predictedValue, d.observedValue]).toEqual(['LAB-RTX', 'RTX1210']);
    expect(v.observed[d.observedIndex].label).toBe('SCCRP');
    expect(markedLine(v.text)).toContain('SCCRP');
    expect(v.text).toMatch(/^ \* +Host Name \[M\] +\| LAB-RTX +\| RTX1210$/m);
  });

  test('value: a syslog line sent with another severity', async () => {
    const k = find(recorded, syslogText('tunnel 50271532 established'));
    const v = await verdictOf(withField(recorded, k, 'severity', 'debug(7)'));
    const d = v.comparison.divergence!;
    expect([d.kind, d.field, d.predictedValue, d.observedValue]).toEqual(['value', 'severity', 'info(6)', 'debug(7)']);
    expect(v.text).toContain("Field 'severity': predicted \"info(6)\", observed \"debug(7)\"");
  });

  test('value: a device-chosen ID used inconsistently (the syslog line names another tunnel)', async () => {
    const k = find(recorded, syslogText('tunnel 50271532 established'));
    const v = await verdictOf(withField(recorded, k, 'text', '[L2TPv3] TUNNEL[1] tunnel 50271533 established'));
    const d = v.comparison.divergence!;
    expect([d.kind, d.field, d.predictedValue, d.observedValue]).toEqual(['value', 'text', '[L2TPv3] TUNNEL[1] tunnel ccid#1 established', '[L2TPv3] TUNNEL[1] tunnel ccid#2 established']);
  });

  test('order: two syslog lines swapped', async () => {
    const a = find(recorded, syslogText('tunnel 50271532 established'));
    const b = find(recorded, syslogText('session 266108690 established'));
    const swapped = recorded.map((e, i) => (i === a ? { ...recorded[b], t: e.t } : i === b ? { ...recorded[a], t: e.t } : e));
    const v = await verdictOf(swapped);
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('order');
    expect(d.predicted!.fields[1].value).toContain('tunnel ccid#1 established');
    expect(d.observed!.fields[1].value).toContain('session sid#1 established');
    expect(markedLine(v.text)).toContain('tunnel ccid#1 established');
  });

  test('missing: a syslog line never came', async () => {
    const k = find(recorded, syslogText('session 266108690 established'));
    const v = await verdictOf(recorded.filter((_, i) => i !== k));
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('missing');
    expect(d.predicted!.fields[1].value).toBe('[L2TPv3] TUNNEL[1] session sid#1 established');
    expect(v.text).toContain('session sid#1 established');
    expect(markedLine(v.text)).toContain('session sid#1 established');
  });

  test('missing: the device\'s last ACK never came', async () => {
    const acks = recorded.flatMap((e, i) => (isDevice('ACK')(e) ? [i] : []));
    const v = await verdictOf(recorded.filter((_, i) => i !== acks[acks.length - 1]));
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('missing');
    expect(d.predicted!.label).toBe('ACK');
    expect(d.predicted!.fields.find((f) => f.name === 'Nr')!.value).toBe('5');
  });

  test('extra: a frame on lan1 the prediction does not have', async () => {
    const frame = frameEvent('lan1', Uint8Array.from([...Array(12).fill(0xff), 0x08, 0x06, 1, 2, 3]), 240);
    const v = await verdictOf([...recorded, frame]);
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('extra');
    expect(d.observed!.source).toBe('frame');
    expect(d.observed!.at).toBe('lan1');
    expect(v.text).toContain('frame@lan1');
  });

  test('extra: the device sends one ACK twice', async () => {
    const k = find(recorded, isDevice('ICRP'));
    const ack = recorded[find(recorded, isDevice('ACK'))];
    const v = await verdictOf([...recorded.slice(0, k), { ...ack, t: ack.t + 1 }, ...recorded.slice(k)]);
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('extra');
    expect(d.observed!.label).toBe('ACK');
  });

  test('timing: the device answers the ICRQ 3 s (virtual) late, and everything after with it', async () => {
    const icrp = recorded[find(recorded, isDevice('ICRP'))];
    const v = await verdictOf(recorded.map((e) => (e.t >= icrp.t ? { ...e, t: e.t + 3000 } : e)));
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('timing');
    expect(d.field).toBe('t');
    expect(d.observed!.label).toBe('ICRP');
    expect(d.summary).toContain(`tolerance ${tolerance.ms} ms`);
    expect(v.text).toMatch(/^ \* +time \(virtual ms\)/m);
  });

  test('timing: a shift within the tolerance is no divergence', async () => {
    const icrp = recorded[find(recorded, isDevice('ICRP'))];
    const v = await verdictOf(recorded.map((e) => (e.t >= icrp.t ? { ...e, t: e.t + tolerance.ms - 1 } : e)));
    expect(v.comparison.divergence).toBeUndefined();
  });
});
