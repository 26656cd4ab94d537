// Reads a Playwright JSON report (reporter 'json') and returns the matrix outcomes of the tests
// that described themselves with reports/allure/test-metadata.ts describeDeviceTest (the
// conformance.* annotations). Other tests (unit tests, harness self-checks) are ignored.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { OUTCOME_ANNOTATION } from './outcome-annotations.ts';
import type { OutcomeStatus, TestOutcome } from './cell-rules.ts';

const annotation = z.object({ type: z.string(), description: z.string().optional() });
const result = z.object({ status: z.string(), annotations: z.array(annotation).optional() });
const jsonTest = z.object({
  projectName: z.string().optional(),
  status: z.enum(['expected', 'unexpected', 'flaky', 'skipped']),
  annotations: z.array(annotation).optional(),
  results: z.array(result),
});
const spec = z.object({ title: z.string(), file: z.string().optional(), tests: z.array(jsonTest) });
type JsonSuite = { title: string; file?: string; specs?: z.infer<typeof spec>[]; suites?: JsonSuite[] };
const suite: z.ZodType<JsonSuite> = z.lazy(() =>
  z.object({ title: z.string(), file: z.string().optional(), specs: z.array(spec).optional(), suites: z.array(suite).optional() }),
);
const report = z.object({ suites: z.array(suite) });

export class PlaywrightReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaywrightReportError';
  }
}

/**
 * Playwright's verdict, not the raw last attempt: 'expected' (incl. an expected failure) is passed;
 * 'flaky' (failed, then passed on retry) is passed (Playwright's own reading; the JUnit XML and
 * Allure still show the retries); 'unexpected' is the last attempt's failure kind.
 */
function outcomeStatus(t: z.infer<typeof jsonTest>): OutcomeStatus {
  if (t.status === 'expected' || t.status === 'flaky') return 'passed';
  if (t.status === 'skipped') return 'skipped';
  const last = t.results[t.results.length - 1]?.status;
  return last === 'timedOut' || last === 'interrupted' ? last : 'failed';
}

function annotationsOf(t: z.infer<typeof jsonTest>): Map<string, string> {
  const map = new Map<string, string>();
  const last = t.results[t.results.length - 1];
  for (const a of [...(t.annotations ?? []), ...(last?.annotations ?? [])]) map.set(a.type, a.description ?? '');
  return map;
}

export function outcomesFromPlaywrightReport(json: unknown, where = 'Playwright JSON report'): TestOutcome[] {
  const parsed = report.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlaywrightReportError(`${where}: not a Playwright JSON report (at ${issue.path.join('.') || '(top)'}: ${issue.message})`);
  }
  const out: TestOutcome[] = [];
  const walk = (s: JsonSuite, path: string[]): void => {
    const here = s.title === '' ? path : [...path, s.title];
    for (const sp of s.specs ?? []) {
      for (const t of sp.tests) {
        const a = annotationsOf(t);
        const model = a.get(OUTCOME_ANNOTATION.model);
        if (model === undefined) continue; // not a device test
        const testId = [t.projectName ?? '', ...here, sp.title].filter((x) => x !== '').join(' > ');
        const need = (type: string): string => {
          const v = a.get(type);
          if (v === undefined || v === '') throw new PlaywrightReportError(`${where}: test "${testId}" has ${OUTCOME_ANNOTATION.model} but no ${type} annotation (call describeDeviceTest)`);
          return v;
        };
        const expectation = need(OUTCOME_ANNOTATION.expectation);
        if (expectation !== 'supported' && expectation !== 'unsupported') {
          throw new PlaywrightReportError(`${where}: test "${testId}": ${OUTCOME_ANNOTATION.expectation} "${expectation}" is not supported | unsupported`);
        }
        const device = a.get(OUTCOME_ANNOTATION.device);
        if (device !== undefined && device !== 'accepted' && device !== 'refused') {
          throw new PlaywrightReportError(`${where}: test "${testId}": ${OUTCOME_ANNOTATION.device} "${device}" is not accepted | refused`);
        }
        const worked = a.get(OUTCOME_ANNOTATION.worked);
        const playwrightTestId = a.get(OUTCOME_ANNOTATION.testId);
        out.push({
          model,
          firmware: need(OUTCOME_ANNOTATION.firmware),
          feature: need(OUTCOME_ANNOTATION.feature),
          testId,
          title: sp.title,
          status: outcomeStatus(t),
          expectation,
          device: device ?? 'unobserved',
          worked: worked === undefined ? undefined : worked === 'yes',
          ...(playwrightTestId === undefined || playwrightTestId === '' ? {} : { playwrightTestId }),
        });
      }
    }
    for (const child of s.suites ?? []) walk(child, here);
  };
  for (const s of parsed.data.suites) walk(s, []);
  return out;
}

export function outcomesFromPlaywrightJsonFile(path: string): TestOutcome[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PlaywrightReportError(`${path}: cannot read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PlaywrightReportError(`${path}: not JSON (${(e as Error).message})`);
  }
  return outcomesFromPlaywrightReport(json, path);
}
