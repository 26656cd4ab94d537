// Playwright JSON report -> matrix outcomes: Playwright's verdict per test (flaky counts as passed,
// an expected failure as passed, timeouts kept), device tests only, clear errors on bad reports.
import { test, expect } from '@playwright/test';
import { outcomesFromPlaywrightReport, PlaywrightReportError } from '../../../reports/matrix/outcomes-from-playwright.ts';

const device = (extra: { type: string; description: string }[] = []) => [
  { type: 'conformance.model', description: 'RTX830' },
  { type: 'conformance.firmware', description: 'Rev.15.02.22' },
  { type: 'conformance.feature', description: 'filters' },
  { type: 'conformance.expectation', description: 'supported' },
  ...extra,
];
const jsonTest = (status: string, results: string[], annotations = device()) => ({
  projectName: 'RTX830@15.02.22',
  status,
  annotations: [],
  results: results.map((s, i) => ({ status: s, annotations: i === results.length - 1 ? annotations : [] })),
});
const reportOf = (specs: { title: string; tests: unknown[] }[]) => ({
  config: {},
  suites: [{ title: 'filters.spec.ts', file: 'filters.spec.ts', specs: [], suites: [{ title: 'stage order', specs }] }],
});

test('statuses: expected, flaky, unexpected (failed, timedOut), skipped', () => {
  const out = outcomesFromPlaywrightReport(
    reportOf([
      { title: 'passes', tests: [jsonTest('expected', ['passed'])] },
      { title: 'flaky', tests: [jsonTest('flaky', ['failed', 'passed'])] },
      { title: 'fails', tests: [jsonTest('unexpected', ['failed', 'failed'])] },
      { title: 'hangs', tests: [jsonTest('unexpected', ['timedOut'])] },
      { title: 'skipped', tests: [jsonTest('skipped', ['skipped'])] },
    ]),
  );
  expect(out.map((o) => [o.title, o.status])).toEqual([
    ['passes', 'passed'],
    ['flaky', 'passed'],
    ['fails', 'failed'],
    ['hangs', 'timedOut'],
    ['skipped', 'skipped'],
  ]);
  expect(out[0].testId).toBe('RTX830@15.02.22 > filters.spec.ts > stage order > passes');
  expect(out[0]).toMatchObject({ model: 'RTX830', firmware: 'Rev.15.02.22', feature: 'filters', expectation: 'supported', device: 'unobserved' });
});

test('device response and worked flag are read; tests without conformance annotations are ignored', () => {
  const out = outcomesFromPlaywrightReport(
    reportOf([
      { title: 'accepted', tests: [jsonTest('unexpected', ['failed'], device([{ type: 'conformance.device', description: 'accepted' }, { type: 'conformance.worked', description: 'yes' }]))] },
      { title: 'a unit test', tests: [jsonTest('expected', ['passed'], [])] },
    ]),
  );
  expect(out).toHaveLength(1);
  expect(out[0]).toMatchObject({ device: 'accepted', worked: true });
  expect(out[0].playwrightTestId).toBeUndefined();
});

test('the Playwright test id (the key to the Allure result) is read from conformance.test-id', () => {
  const out = outcomesFromPlaywrightReport(reportOf([{ title: 'keyed', tests: [jsonTest('expected', ['passed'], device([{ type: 'conformance.test-id', description: 'abc-123' }]))] }]));
  expect(out[0].playwrightTestId).toBe('abc-123');
});

test('bad reports: errors name the file, the test and the annotation', () => {
  expect(() => outcomesFromPlaywrightReport({ nope: 1 }, 'r.json')).toThrow(/^r\.json: not a Playwright JSON report \(at suites: /);
  const missing = device().filter((a) => a.type !== 'conformance.feature');
  expect(() => outcomesFromPlaywrightReport(reportOf([{ title: 't', tests: [jsonTest('expected', ['passed'], missing)] }]), 'r.json')).toThrow(
    PlaywrightReportError,
  );
  expect(() => outcomesFromPlaywrightReport(reportOf([{ title: 't', tests: [jsonTest('expected', ['passed'], missing)] }]), 'r.json')).toThrow(
    /r\.json: test ".* > t" has conformance\.model but no conformance\.feature annotation/,
  );
  const badDevice = device([{ type: 'conformance.device', description: 'maybe' }]);
  expect(() => outcomesFromPlaywrightReport(reportOf([{ title: 't', tests: [jsonTest('expected', ['passed'], badDevice)] }]))).toThrow(/conformance\.device "maybe" is not accepted \| refused/);
});
