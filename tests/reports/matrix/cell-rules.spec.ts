// The matrix cell rules, table-driven: every cell kind, from the rules of issue 9 (documented-supported
// + all pass = conformant; + any fail = regression; documented-unsupported + refused as expected =
// unsupported-as-documented; + accepted and worked = undocumented-support; no outcome = not-run) and
// the edge cases the rules table in reports/matrix/cell-rules.ts settles.
import { test, expect } from '@playwright/test';
import { buildMatrix, cellAt, OutcomeInputError } from '../../../reports/matrix/build.ts';
import type { CellKind, TestOutcome } from '../../../reports/matrix/cell-rules.ts';

const DEV = { model: 'RTX1210', firmware: 'Rev.14.01.26' } as const;
type Part = Omit<TestOutcome, 'model' | 'firmware' | 'feature' | 'testId'>;
const sup = (status: TestOutcome['status'], extra: Partial<Part> = {}): Part => ({ status, expectation: 'supported', ...extra });
const uns = (status: TestOutcome['status'], extra: Partial<Part> = {}): Part => ({ status, expectation: 'unsupported', ...extra });

const CASES: { name: string; outcomes: Part[]; kind: CellKind }[] = [
  { name: 'no outcome', outcomes: [], kind: 'not-run' },
  { name: 'only skipped tests', outcomes: [sup('skipped'), sup('skipped')], kind: 'not-run' },
  { name: 'supported, all pass', outcomes: [sup('passed'), sup('passed'), sup('passed', { device: 'accepted' })], kind: 'conformant' },
  { name: 'supported, passes and a skip', outcomes: [sup('passed'), sup('skipped')], kind: 'conformant' },
  { name: 'supported, one failure among passes', outcomes: [sup('passed'), sup('failed'), sup('passed')], kind: 'regression' },
  { name: 'supported, a timeout', outcomes: [sup('passed'), sup('timedOut')], kind: 'regression' },
  { name: 'supported, interrupted', outcomes: [sup('interrupted')], kind: 'regression' },
  { name: 'supported, the device refused it (test passed by mistake)', outcomes: [sup('passed', { device: 'refused' })], kind: 'regression' },
  { name: 'unsupported, refused as expected', outcomes: [uns('passed', { device: 'refused' }), uns('passed', { device: 'refused' })], kind: 'unsupported-as-documented' },
  { name: 'unsupported, expected-refusal test passed (response not recorded)', outcomes: [uns('passed')], kind: 'unsupported-as-documented' },
  { name: 'unsupported, accepted and worked', outcomes: [uns('failed', { device: 'accepted', worked: true })], kind: 'undocumented-support' },
  { name: 'unsupported, one test refused, another accepted and worked', outcomes: [uns('passed', { device: 'refused' }), uns('failed', { device: 'accepted', worked: true })], kind: 'undocumented-support' },
  { name: 'unsupported, accepted but did not work', outcomes: [uns('failed', { device: 'accepted', worked: false })], kind: 'regression' },
  { name: 'unsupported, accepted, working not checked', outcomes: [uns('failed', { device: 'accepted' })], kind: 'regression' },
  { name: 'unsupported, refused the wrong way (refusal test failed)', outcomes: [uns('failed', { device: 'refused' })], kind: 'regression' },
  { name: 'unsupported, regression outranks undocumented support', outcomes: [uns('failed', { device: 'accepted', worked: true }), uns('failed', { device: 'refused' })], kind: 'regression' },
  { name: 'unsupported, only skipped', outcomes: [uns('skipped', { device: 'accepted', worked: true })], kind: 'not-run' },
];

for (const c of CASES) {
  test(`cell rule: ${c.name} -> ${c.kind}`, () => {
    const outcomes: TestOutcome[] = c.outcomes.map((p, i) => ({ ...DEV, feature: 'tag-vlan', testId: `t${i}`, ...p }));
    const m = buildMatrix(outcomes, { runId: 'r', generatedAt: new Date(0) });
    const cell = cellAt(m, 'RTX1210', 'Rev.14.01.26', 'tag-vlan');
    expect(cell?.kind).toBe(c.kind);
    // Evidence names exactly the tests behind a red or amber verdict.
    if (c.kind === 'regression' || c.kind === 'undocumented-support') expect(cell?.evidence.length).toBeGreaterThan(0);
    else expect(cell?.evidence).toEqual([]);
  });
}

test('every cell kind is reached by the table above', () => {
  expect(new Set(CASES.map((c) => c.kind))).toEqual(new Set(['conformant', 'regression', 'unsupported-as-documented', 'undocumented-support', 'not-run']));
});

test('counts per cell: passed, failed (timedOut included), skipped', () => {
  const o: TestOutcome[] = [
    { ...DEV, feature: 'filters', testId: 'a', status: 'passed', expectation: 'supported' },
    { ...DEV, feature: 'filters', testId: 'b', status: 'timedOut', expectation: 'supported' },
    { ...DEV, feature: 'filters', testId: 'c', status: 'skipped', expectation: 'supported' },
  ];
  const cell = cellAt(buildMatrix(o, { runId: 'r', generatedAt: new Date(0) }), 'RTX1210', 'Rev.14.01.26', 'filters');
  expect(cell?.counts).toEqual({ passed: 1, failed: 1, skipped: 1 });
  expect(cell?.evidence.map((e) => e.testId)).toEqual(['b']);
});

test('bad outcome input: clear errors naming the test and the field', () => {
  const ok: TestOutcome = { ...DEV, feature: 'filters', testId: 'x', status: 'passed', expectation: 'supported' };
  const build = (o: TestOutcome[]) => () => buildMatrix(o, { runId: 'r', generatedAt: new Date(0) });
  expect(build([{ ...ok, model: 'RTX9999' }])).toThrow(/outcome 0 \(test "x"\): unknown model "RTX9999".*RTX1210/);
  expect(build([{ ...ok, feature: 'teleport' }])).toThrow(/outcome 0 \(test "x"\): unknown feature "teleport".*control-connection/);
  expect(build([{ ...ok, firmware: 'v14' }])).toThrow(OutcomeInputError);
  expect(build([{ ...ok, firmware: 'v14' }])).toThrow(/test "x".*firmware revision "v14"/);
  expect(build([ok, { ...ok, testId: 'y', expectation: 'unsupported' }])).toThrow(/test "y".*contradicts "supported" of test "x"/);
});
