// The near-simultaneity rule of @generated's verdict (reference-impl/trace/concurrent-order.ts): two
// events whose predicted times are within the tolerance may arrive in either order; farther apart,
// their order is judged as before.
import { test, expect } from '@playwright/test';
import { traceVerdictWithConcurrency as judgeWithConcurrency } from '../../reference-impl/trace/concurrent-order.ts';
import { L2TP_ROLE_RULES } from '../../reference-impl/trace/l2tp-roles.ts';
import { syslogEvent } from '../../reference-impl/trace/observation-events.ts';
import { timingTolerance } from '../../reference-impl/trace/tolerance.ts';

const tolerance = timingTolerance({ timeScale: 10, jitterRealMs: 25, granularityMs: 0 }); // 250 virtual ms
const line = (text: string, t: number) => syslogEvent(6, text, t);
const judge = (predicted: ReturnType<typeof line>[], observed: ReturnType<typeof line>[]) =>
  judgeWithConcurrency({ predicted, observed, filters: [], roles: L2TP_ROLE_RULES, tolerance });

test('a timer line and a peer line predicted 50 ms apart may arrive swapped: no divergence, the rule use is listed', () => {
  const v = judge([line('start', 0), line('timer expired', 16_000), line('connected from', 16_050), line('end', 17_000)],
    [line('start', 0), line('connected from', 16_040), line('timer expired', 16_300), line('end', 17_000)]);
  expect(v.comparison.divergence).toBeUndefined();
  expect(v.text).toContain('concurrent within tolerance, taken in predicted order');
});

test('predicted 2 s apart (beyond the 250 ms tolerance): the swap is an order divergence', () => {
  const v = judge([line('start', 0), line('timer expired', 14_000), line('connected from', 16_050), line('end', 17_000)],
    [line('start', 0), line('connected from', 16_040), line('timer expired', 16_300), line('end', 17_000)]);
  expect(v.comparison.divergence?.kind).toBe('order');
});

test('a value divergence is not touched by the rule', () => {
  const v = judge([line('start', 0), line('a', 1000)], [line('start', 0), line('b', 1000)]);
  expect(v.comparison.divergence?.kind).not.toBeUndefined();
  expect(v.text).not.toContain('concurrent within tolerance');
});
