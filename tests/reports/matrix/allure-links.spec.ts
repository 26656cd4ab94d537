// How a matrix cell's tests find their Allure results (reports/matrix/allure-links.ts), on made-up
// report contents: by Playwright test id; by title when the result has no test-id label (results of
// tests described before the label existed); never an earlier attempt of a retried test, never a
// result of another cell, never a guess between two candidates. The end-to-end case with the real
// allure-commandline is tests/reports/allure/history-and-links.spec.ts.
import { test, expect } from '@playwright/test';
import { buildMatrix, cellAt, type CompatibilityMatrix } from '../../../reports/matrix/build.ts';
import { linkMatrixToAllure, relativeHref } from '../../../reports/matrix/allure-links.ts';
import type { AllureTestCase } from '../../../reports/allure/test-cases.ts';
import type { TestOutcome } from '../../../reports/matrix/cell-rules.ts';

function result(uid: string, name: string, labels: Record<string, string>, retry = false): AllureTestCase {
  return { uid, name, status: 'passed', retry, labels: new Map(Object.entries(labels).map(([k, v]) => [k, [v]])) };
}

const RTX830 = { model: 'RTX830', firmware: 'Rev.15.02.22' };
const outcome = (title: string, feature: string, playwrightTestId?: string, model = RTX830): TestOutcome => ({
  ...model,
  feature,
  testId: `p > f.spec.ts > ${title}`,
  title,
  status: 'passed',
  expectation: 'supported',
  ...(playwrightTestId === undefined ? {} : { playwrightTestId }),
});

function uidsOf(m: CompatibilityMatrix, feature: string, model = RTX830): (string | undefined)[] {
  return cellAt(m, model.model, model.firmware, feature)?.tests.map((t) => t.allure?.uid) ?? [];
}

test('by Playwright test id: the shown result, not an earlier attempt of the retried test', () => {
  const m = buildMatrix([outcome('keepalive', 'timers', 'id-1')], { runId: 'r', generatedAt: new Date(0) });
  const labels = { model: 'RTX830', firmware: 'Rev.15.02.22', tag: 'timers', 'conformance.test-id': 'id-1' };
  const linked = linkMatrixToAllure(m, [result('aaa', 'keepalive', labels, true), result('bbb', 'keepalive', labels)], 'allure-report/index.html');
  expect(uidsOf(linked, 'timers')).toEqual(['bbb']);
  expect(cellAt(linked, 'RTX830', 'Rev.15.02.22', 'timers')?.tests[0].allure?.href).toBe('allure-report/index.html#testresult/bbb');
  expect(linked.allureReport).toEqual({ href: 'allure-report/index.html', linkedTests: 1, tests: 1 });
});

test('by title when the result has no test-id label; the same title on another device is not taken', () => {
  const rtx1210 = { model: 'RTX1210', firmware: 'Rev.14.01.08' };
  const m = buildMatrix([outcome('keepalive', 'timers'), outcome('keepalive', 'timers', undefined, rtx1210)], { runId: 'r', generatedAt: new Date(0) });
  const linked = linkMatrixToAllure(
    m,
    [
      result('on-830', 'keepalive', { model: 'RTX830', firmware: '15.02.22', tag: 'timers' }), // firmware label as the test gave it
      result('on-1210', 'keepalive', { model: 'RTX1210', firmware: 'Rev.14.01.08', tag: 'timers' }),
    ],
    'r/index.html',
  );
  expect(uidsOf(linked, 'timers')).toEqual(['on-830']);
  expect(uidsOf(linked, 'timers', rtx1210)).toEqual(['on-1210']);
});

test('no link rather than a wrong one: other feature, two candidates, test id of another test', () => {
  const m = buildMatrix([outcome('stage order', 'filters'), outcome('keepalive', 'timers', 'id-k')], { runId: 'r', generatedAt: new Date(0) });
  const base = { model: 'RTX830', firmware: 'Rev.15.02.22' };
  const linked = linkMatrixToAllure(
    m,
    [
      result('wrong-feature', 'keepalive', { ...base, tag: 'syslog', 'conformance.test-id': 'id-k' }),
      result('twin-1', 'stage order', { ...base, tag: 'filters' }),
      result('twin-2', 'stage order', { ...base, tag: 'filters' }),
      result('other-id', 'keepalive', { ...base, tag: 'timers', 'conformance.test-id': 'id-other' }),
    ],
    'r/index.html',
  );
  expect(uidsOf(linked, 'filters')).toEqual([undefined]);
  expect(uidsOf(linked, 'timers')).toEqual([undefined]);
  expect(linked.allureReport?.linkedTests).toBe(0);
});

test('relative hrefs: forward slashes, each segment escaped', () => {
  expect(relativeHref('/out', '/out/allure-report/index.html')).toBe('allure-report/index.html');
  expect(relativeHref('/out/m', '/out/my report/index.html')).toBe('../my%20report/index.html');
});
