// How a suite test tells the matrix what it tested: Playwright annotations on the test, which the
// JSON reporter keeps, so the run command can turn a Playwright JSON report into matrix outcomes
// (reports/matrix/outcomes-from-playwright.ts). reports/allure/test-metadata.ts writes them.

export const OUTCOME_ANNOTATION = {
  model: 'conformance.model',
  firmware: 'conformance.firmware',
  feature: 'conformance.feature',
  expectation: 'conformance.expectation',
  /** accepted | refused: what the device did with the feature's configuration. */
  device: 'conformance.device',
  /** yes | no: an accepted undocumented feature then worked as the oracle predicts. */
  worked: 'conformance.worked',
  /**
   * Playwright's test id (test.info().testId: unique per project, i.e. per device), also an Allure
   * label of the test's result: how a matrix cell finds its tests in the Allure report.
   */
  testId: 'conformance.test-id',
} as const;

export type OutcomeAnnotationType = (typeof OUTCOME_ANNOTATION)[keyof typeof OUTCOME_ANNOTATION];
