// The test results of a generated Allure 2 report (data/test-cases/<uid>.json, on disk or inside the
// single-file index.html), reduced to what a link needs: uid, name, status, labels, and whether the
// result is an earlier attempt of a retried test (Allure hides those under the latest attempt's
// Retries tab). The uids are drawn anew by each `allure generate`, so links are made after it.
//
// Address of one result in the report (allure-commandline 2.46, its router's `testresult/:uid`
// route, the one its Timeline uses): index.html#testresult/<uid>.

import { z } from 'zod';
import { readAllureReportFiles } from './report-files.ts';

const testCase = z.object({
  uid: z.string().regex(/^[A-Za-z0-9_-]+$/),
  name: z.string(),
  fullName: z.string().optional(),
  status: z.string(),
  hidden: z.boolean().optional(),
  retry: z.boolean().optional(),
  labels: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional(),
});

export interface AllureTestCase {
  readonly uid: string;
  readonly name: string;
  readonly fullName?: string;
  /** passed, failed, broken, skipped, unknown */
  readonly status: string;
  /** An earlier attempt of a retried test: reachable, but not the result the report shows. */
  readonly retry: boolean;
  /** Label name -> values (a label may repeat, e.g. tag). */
  readonly labels: ReadonlyMap<string, readonly string[]>;
}

/** Every test result of the report; [] when reportDir holds no generated report. */
export function readAllureTestCases(reportDir: string): AllureTestCase[] {
  const out: AllureTestCase[] = [];
  for (const [path, bytes] of readAllureReportFiles(reportDir, 'data/test-cases/')) {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      continue; // not a test result (the generator writes only JSON here); no link is better than a wrong one
    }
    const parsed = testCase.safeParse(json);
    if (!parsed.success || `data/test-cases/${parsed.data.uid}.json` !== path) continue;
    const labels = new Map<string, string[]>();
    for (const l of parsed.data.labels ?? []) {
      if (l.value === undefined) continue;
      labels.set(l.name, [...(labels.get(l.name) ?? []), l.value]);
    }
    out.push({
      uid: parsed.data.uid,
      name: parsed.data.name,
      fullName: parsed.data.fullName,
      status: parsed.data.status,
      retry: parsed.data.hidden === true || parsed.data.retry === true,
      labels,
    });
  }
  return out.sort((a, b) => a.uid.localeCompare(b.uid));
}

export function labelOf(c: AllureTestCase, name: string): string | undefined {
  return c.labels.get(name)?.[0];
}

/** `<indexHref>#testresult/<uid>` */
export function testResultHref(indexHref: string, uid: string): string {
  return `${indexHref}#testresult/${encodeURIComponent(uid)}`;
}
