// Links each test behind a matrix cell to its result in the generated Allure HTML report, so a cell
// of matrix.html (and matrix.md) opens the test, its steps and its evidence (pcap, syslog slice, CLI
// transcript, oracle diff). The Allure uids are drawn by each `allure generate`: link after it.
//
// How a cell test finds its Allure result (reports/allure/test-metadata.ts writes both sides):
//  1. the Playwright test id: annotation conformance.test-id = Allure label conformance.test-id;
//  2. otherwise (results of tests described before that label existed) the one result with the
//     cell's model, firmware and feature (tag) labels and the test's title as its name.
// Only the result Allure shows is linked (not an earlier attempt of a retried test), and only when
// its model / firmware / feature labels are the cell's: no link is better than a wrong one.

import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ALLURE_LABEL } from '../allure/labels.ts';
import { labelOf, readAllureTestCases, testResultHref, type AllureTestCase } from '../allure/test-cases.ts';
import { allureReportRunId } from '../allure/history.ts';
import { normaliseFirmware, type CellTest, type CompatibilityMatrix, type MatrixCell } from './build.ts';

function firmwareOf(c: AllureTestCase): string | undefined {
  const fw = labelOf(c, ALLURE_LABEL.firmware);
  if (fw === undefined) return undefined;
  try {
    return normaliseFirmware(fw, 'Allure label');
  } catch {
    return undefined;
  }
}

function belongsTo(c: AllureTestCase, cell: MatrixCell): boolean {
  return (
    !c.retry &&
    labelOf(c, ALLURE_LABEL.model) === cell.model &&
    firmwareOf(c) === cell.firmware &&
    (c.labels.get('tag') ?? []).includes(cell.feature)
  );
}

function findResult(t: CellTest, candidates: readonly AllureTestCase[]): AllureTestCase | undefined {
  if (t.playwrightTestId !== undefined) {
    const byId = candidates.filter((c) => labelOf(c, ALLURE_LABEL.testId) === t.playwrightTestId);
    if (byId.length === 1) return byId[0];
    if (byId.length > 1) return undefined;
  }
  const title = t.title ?? t.testId.split(' > ').pop();
  const byName = candidates.filter((c) => c.name === title && labelOf(c, ALLURE_LABEL.testId) === undefined);
  return byName.length === 1 ? byName[0] : undefined;
}

/** The matrix with an `allure` link on every cell test found among `cases`. */
export function linkMatrixToAllure(m: CompatibilityMatrix, cases: readonly AllureTestCase[], indexHref: string): CompatibilityMatrix {
  let linked = 0;
  let tests = 0;
  const cells = m.cells.map((cell) => {
    if (cell.tests.length === 0) return cell;
    const candidates = cases.filter((c) => belongsTo(c, cell));
    const link = (t: CellTest): CellTest => {
      const r = findResult(t, candidates);
      return r === undefined ? t : { ...t, allure: { uid: r.uid, href: testResultHref(indexHref, r.uid) } };
    };
    const linkedTests = cell.tests.map(link);
    tests += linkedTests.length;
    linked += linkedTests.filter((t) => t.allure !== undefined).length;
    return { ...cell, tests: linkedTests, evidence: cell.evidence.map(link) };
  });
  return { ...m, cells, allureReport: { href: indexHref, linkedTests: linked, tests } };
}

/** `a/b c/index.html` as a relative URL (forward slashes, each segment escaped). */
export function relativeHref(fromDir: string, toFile: string): string {
  return relative(fromDir, toFile).split(sep).map(encodeURIComponent).join('/');
}

/**
 * Links the matrix to the Allure report in `reportDir`, with hrefs relative to `matrixDir`, when that
 * report is of the matrix's run (generateAllureReport({ runId }) names it): an earlier run's report
 * left in the folder (this run's generation failed) has results under the same test ids, and its
 * links would show yesterday's evidence. No report, or another run's: no links, and `unlinked` says why.
 */
export function linkMatrixToAllureReport(m: CompatibilityMatrix, reportDir: string, matrixDir: string): CompatibilityMatrix {
  const index = join(reportDir, 'index.html');
  const href = relativeHref(matrixDir, index);
  const tests = m.cells.reduce((n, c) => n + c.tests.length, 0);
  if (!existsSync(index)) return { ...m, allureReport: { href, linkedTests: 0, tests, unlinked: `no Allure report at ${index}` } };
  const reportRun = allureReportRunId(reportDir);
  if (reportRun !== m.runId) {
    return { ...m, allureReport: { href, linkedTests: 0, tests, unlinked: `the Allure report at ${index} is of run ${reportRun ?? '(unnamed)'}, not ${m.runId}` } };
  }
  return linkMatrixToAllure(m, readAllureTestCases(reportDir), href);
}
