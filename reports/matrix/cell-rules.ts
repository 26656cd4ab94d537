// How test outcomes become a matrix cell. Two steps, both tables:
//  1. OUTCOME_RULES gives each test outcome a verdict (first matching row wins);
//  2. a cell's kind is the strongest verdict among its outcomes (CELL_PRECEDENCE), or not-run
//     when it has no outcome that ran.
// A cell is one model x firmware x feature; all its outcomes share one documented expectation.

export type CellKind =
  | 'conformant'
  | 'regression'
  | 'unsupported-as-documented'
  | 'undocumented-support'
  | 'not-run';

/** Legend order. */
export const CELL_KINDS: readonly CellKind[] = [
  'conformant',
  'unsupported-as-documented',
  'undocumented-support',
  'regression',
  'not-run',
];

/** Playwright's test statuses; timedOut and interrupted count as failed. */
export type OutcomeStatus = 'passed' | 'failed' | 'timedOut' | 'interrupted' | 'skipped';

/** What the device did with the feature's configuration, as the test observed it. */
export type DeviceResponse = 'accepted' | 'refused' | 'unobserved';

export interface TestOutcome {
  readonly model: string;
  /** `Rev.15.02.22`, `15.02.22`, or `any` for a model whose support does not depend on it (vRX). */
  readonly firmware: string;
  readonly feature: string;
  /** Stable test id (Playwright's test id or title path). */
  readonly testId: string;
  readonly title?: string;
  readonly status: OutcomeStatus;
  /** What the platform matrix documents (reports/matrix/features.ts documentedExpectation). */
  readonly expectation: 'supported' | 'unsupported';
  /** Default 'unobserved'. */
  readonly device?: DeviceResponse;
  /**
   * Only for device 'accepted' on an 'unsupported' feature: whether the feature then worked as the
   * oracle predicts (the suite goes on to exercise it instead of stopping at the acceptance).
   */
  readonly worked?: boolean;
  /** Playwright's test id (annotation conformance.test-id), the key to the test's Allure result. */
  readonly playwrightTestId?: string;
}

type Any = '*';
export interface OutcomeRule {
  readonly expectation: TestOutcome['expectation'] | Any;
  readonly status: 'passed' | 'failed' | 'skipped' | Any;
  readonly device: DeviceResponse | 'refused-or-unobserved' | Any;
  readonly worked: boolean | Any;
  readonly verdict: CellKind;
  /** Shown in the reports next to a regression/undocumented-support cell. */
  readonly why: string;
}

// First match wins. 'failed' covers timedOut and interrupted.
export const OUTCOME_RULES: readonly OutcomeRule[] = [
  // A skipped test says nothing about the device.
  { expectation: '*', status: 'skipped', device: '*', worked: '*', verdict: 'not-run', why: 'skipped' },
  // Documented feature: the test's pass/fail decides, whatever else it observed.
  { expectation: 'supported', status: 'failed', device: '*', worked: '*', verdict: 'regression', why: 'a documented feature failed its test' },
  // A pass that still saw a refusal is a contradiction in the test, read against the device.
  { expectation: 'supported', status: 'passed', device: 'refused', worked: '*', verdict: 'regression', why: 'the device refused a documented feature' },
  { expectation: 'supported', status: 'passed', device: '*', worked: '*', verdict: 'conformant', why: 'documented and works' },
  // Undocumented feature: the device should refuse it (the suite tests the refusal, not a skip).
  // It accepted and the feature worked: the documentation (or our reading of it) is wrong.
  { expectation: 'unsupported', status: '*', device: 'accepted', worked: true, verdict: 'undocumented-support', why: 'accepted a feature documented as unsupported, and it worked' },
  // It accepted and the feature did not work (or was not checked): silently broken configuration.
  { expectation: 'unsupported', status: '*', device: 'accepted', worked: '*', verdict: 'regression', why: 'accepted a feature documented as unsupported, and it did not work' },
  // Refused as documented, and the refusal looked as documented (error text, syslog, state).
  { expectation: 'unsupported', status: 'passed', device: 'refused-or-unobserved', worked: '*', verdict: 'unsupported-as-documented', why: 'refused as documented' },
  // Refused, but not the documented way (the expected-refusal test failed).
  { expectation: 'unsupported', status: 'failed', device: 'refused-or-unobserved', worked: '*', verdict: 'regression', why: 'the refusal was not the documented one' },
];

// When a cell's outcomes disagree, the strongest verdict is the cell: one failing test makes a
// regression; one test that proved undocumented support makes the cell undocumented-support.
export const CELL_PRECEDENCE: readonly CellKind[] = [
  'regression',
  'undocumented-support',
  'conformant',
  'unsupported-as-documented',
  'not-run',
];

function normStatus(s: OutcomeStatus): 'passed' | 'failed' | 'skipped' {
  return s === 'timedOut' || s === 'interrupted' ? 'failed' : s;
}

export function ruleMatches(rule: OutcomeRule, o: TestOutcome): boolean {
  const device = o.device ?? 'unobserved';
  const deviceOk =
    rule.device === '*' ||
    rule.device === device ||
    (rule.device === 'refused-or-unobserved' && (device === 'refused' || device === 'unobserved'));
  return (
    (rule.expectation === '*' || rule.expectation === o.expectation) &&
    (rule.status === '*' || rule.status === normStatus(o.status)) &&
    deviceOk &&
    (rule.worked === '*' || rule.worked === (o.worked === true))
  );
}

export function outcomeRule(o: TestOutcome): OutcomeRule {
  const r = OUTCOME_RULES.find((rule) => ruleMatches(rule, o));
  // The table is total (the last two rows cover every unsupported case); this guards edits to it.
  if (r === undefined) throw new Error(`no cell rule matches outcome of test "${o.testId}"`);
  return r;
}

export function outcomeVerdict(o: TestOutcome): CellKind {
  return outcomeRule(o).verdict;
}

/** The kind of a cell from its outcomes' verdicts (empty: not-run). */
export function combineVerdicts(verdicts: readonly CellKind[]): CellKind {
  for (const k of CELL_PRECEDENCE) if (verdicts.includes(k)) return k;
  return 'not-run';
}

export const CELL_KIND_TEXT: Readonly<Record<CellKind, { label: string; meaning: string }>> = {
  conformant: { label: 'conformant', meaning: 'documented as supported; every test that ran passed' },
  regression: { label: 'regression', meaning: 'a test failed: a documented feature broke, a refusal was not the documented one, or an undocumented feature was accepted and does not work' },
  'unsupported-as-documented': { label: 'unsupported (as documented)', meaning: 'documented as unsupported; the device refused it the documented way' },
  'undocumented-support': { label: 'undocumented support', meaning: 'documented as unsupported, yet the device accepted it and it worked (the documentation or a platform ASSUMPTION is wrong)' },
  'not-run': { label: 'not run', meaning: 'no test of this feature ran on this device (not in the lab, filtered out, or skipped)' },
};
