// Issue 13, "What must be shown" 2, for the data plane: a recorded frame trace with one change is
// reported as the first divergence, with the right class and place, and the side-by-side diff (as
// attached to the report) names what differs: a changed payload, payload hash or cookie (value),
// two frames swapped (order), a frame that never came (missing), a frame at a port the prediction
// does not have (extra), frames late (timing). The prediction here is the recorded trace itself.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { L2TP_ROLE_RULES } from '../../../reference-impl/trace/l2tp-roles.ts';
import { dataMessageEvent, lanFrameEvent, type SessionView } from '../../../reference-impl/trace/frame-events.ts';
import { timingTolerance } from '../../../reference-impl/trace/tolerance.ts';
import { traceVerdict, type TraceVerdict } from '../../../reference-impl/trace/verdict.ts';
import type { TraceEvent } from '../../../reference-impl/trace/trace-event.ts';
import { find, withField } from './recorded-trace.ts';

/** The observed frame events of frame-kinds "unicast ... anycast frames from the LAN" on the emulated RTX1210. */
function recordedFrames(): TraceEvent[] {
  const file = fileURLToPath(new URL('./fixtures/lan-frame-kinds-rtx1210.trace.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { events: TraceEvent[] }).events;
}

const recorded = recordedFrames();
const tolerance = timingTolerance({ timeScale: 10, jitterRealMs: 150, granularityMs: 0 });

async function verdictOf(observed: readonly TraceEvent[], predicted: readonly TraceEvent[] = recorded): Promise<TraceVerdict> {
  const v = traceVerdict({ predicted, observed, filters: [], roles: L2TP_ROLE_RULES, tolerance });
  await test.info().attach('trace verdict.txt', { body: v.text, contentType: 'text/plain' });
  return v;
}

const markedLine = (text: string) => text.split('\n').find((l) => l.startsWith('>>')) ?? '';
const field = (e: TraceEvent, name: string) => e.fields.find((f) => f.name === name)?.value;
/** A data message the device sent the peer, by its destination MAC. */
const deviceDataTo = (dst: string) => (e: TraceEvent) => e.source === 'frame' && e.by === undefined && e.label === 'data' && field(e, 'dst') === dst;

test.describe('frame trace comparison: the first divergence, by class', () => {
  test('the recorded frame trace against itself agrees, every event matched', async () => {
    const v = await verdictOf(recorded);
    expect(v.comparison.divergence).toBeUndefined();
    expect(v.comparison.matched).toBe(recorded.length);
    expect(recorded.filter((e) => e.by === undefined).length, 'device frames in the fixture').toBeGreaterThan(5);
  });

  test('value: one octet of a bridged frame\'s payload changed', async () => {
    const k = find(recorded, deviceDataTo('01:00:5e:00:00:fb'));
    const payload = field(recorded[k], 'payload')!;
    const bent = `${payload.slice(0, 10)}${payload[10] === '0' ? '1' : '0'}${payload.slice(11)}`;
    const v = await verdictOf(withField(recorded, k, 'payload', bent));
    const d = v.comparison.divergence!;
    expect([d.kind, d.field, d.predictedValue, d.observedValue]).toEqual(['value', 'payload', payload, bent]);
    expect(v.observed[d.observedIndex].at).toBe('127.0.0.2');
    expect(v.text).toMatch(/^ \* +payload +\|/m);
  });

  test('value: the payload hash of a long frame changed (one octet of 200)', async () => {
    const view: SessionView = { receiver: 'peer', sessionId: 7, cookie: new Uint8Array(0) };
    const frame = Uint8Array.from({ length: 214 }, (_, i) => (i < 12 ? 0x02 : i === 12 ? 0x88 : i === 13 ? 0xb5 : i & 0xff));
    const bent = frame.slice();
    bent[150] ^= 1;
    const at = recorded[recorded.length - 1].t + 10;
    const long = (f: Uint8Array) => dataMessageEvent('127.0.0.2', { sessionId: 7, cookie: new Uint8Array(0), l2ss: null, frame: f }, view, at);
    const v = await verdictOf([...recorded, long(bent)], [...recorded, long(frame)]);
    const d = v.comparison.divergence!;
    expect([d.kind, d.field]).toEqual(['value', 'payload sha256']);
    expect(d.predictedValue).not.toBe(d.observedValue);
    expect(v.text).toContain("Field 'payload sha256'");
  });

  test('value: the device sent another cookie than the peer assigned', async () => {
    const k = find(recorded, deviceDataTo('02:00:00:00:06:02'));
    const v = await verdictOf(withField(recorded, k, 'cookie', 'other: deadbeef'));
    const d = v.comparison.divergence!;
    expect([d.kind, d.field, d.predictedValue, d.observedValue]).toEqual(['value', 'cookie', 'none', 'other: deadbeef']);
    expect(markedLine(v.text)).toContain('127.0.0.2');
  });

  test('order: two frames at the peer arrive swapped', async () => {
    const a = find(recorded, deviceDataTo('02:00:00:00:06:02'));
    const b = find(recorded, deviceDataTo('01:00:5e:00:00:fb'));
    const swapped = recorded.map((e, i) => (i === a ? { ...recorded[b], t: e.t } : i === b ? { ...recorded[a], t: e.t } : e));
    const v = await verdictOf(swapped);
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('order');
    expect(field(d.predicted!, 'dst')).toBe('02:00:00:00:06:02');
    expect(field(d.observed!, 'dst')).toBe('01:00:5e:00:00:fb');
  });

  test('missing: the multicast frame never reached the peer', async () => {
    const k = find(recorded, deviceDataTo('01:00:5e:00:00:fb'));
    const v = await verdictOf(recorded.filter((_, i) => i !== k));
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('missing');
    expect(field(d.predicted!, 'dst')).toBe('01:00:5e:00:00:fb');
    expect(markedLine(v.text)).toContain('01:00:5e:00:00:fb');
  });

  test('extra: a broadcast from lan1 sent back out of lan1 (its ingress)', async () => {
    const sent = recorded[find(recorded, (e) => e.by === 'harness' && e.at === 'lan1' && field(e, 'payload')?.startsWith(Buffer.from('kind-broadcast').toString('hex')) === true)];
    const echo = lanFrameEvent('lan1', Uint8Array.from(Buffer.from([field(sent, 'dst'), field(sent, 'src')].join('').replaceAll(':', '') + '88b5' + field(sent, 'payload')!, 'hex')), sent.t + 1);
    const v = await verdictOf([...recorded, echo]);
    const d = v.comparison.divergence!;
    expect(d.kind).toBe('extra');
    expect([d.observed!.source, d.observed!.at, d.observed!.by]).toEqual(['frame', 'lan1', undefined]);
    expect(d.summary).toContain('was not predicted');
  });

  test('timing: the device bridges the LAN host\'s frames 3 s (virtual) late', async () => {
    const first = recorded[find(recorded, deviceDataTo('02:00:00:00:05:0f'))];
    const v = await verdictOf(recorded.map((e) => (e.by === undefined && e.at === '127.0.0.2' && e.t >= first.t ? { ...e, t: e.t + 3000 } : e)));
    const d = v.comparison.divergence!;
    expect([d.kind, d.field]).toEqual(['timing', 't']);
    expect(field(d.observed!, 'dst')).toBe('02:00:00:00:05:0f');
    expect(d.summary).toContain(`tolerance ${tolerance.ms} ms`);
  });
});
