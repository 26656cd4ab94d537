// Matrix rows and documented expectations: all eleven models of the seed's support table are
// listed even when not run; expectations come from the platform matrix, not from the suites.
import { test, expect } from '@playwright/test';
import { buildMatrix, cellAt } from '../../../reports/matrix/build.ts';
import { documentedExpectation, FEATURES } from '../../../reports/matrix/features.ts';
import { capabilities } from '../../../reference-impl/platform/index.ts';

// seed: 対応機種とファームウェアリビジョン, the model column top to bottom.
const SEED_MODELS = ['vRX VMware ESXi版', 'RTX3510', 'RTX1300', 'RTX1220', 'RTX830', 'NVR700W', 'RTX1210', 'RTX5000', 'RTX3500', 'RTX810', 'RTX1200'];
const T0 = new Date('2025-01-01T00:00:00Z');

test('no outcome: one not-run row per model of the seed, every cell not-run', () => {
  const m = buildMatrix([], { runId: 'r', generatedAt: T0 });
  expect(m.rows.map((r) => r.model)).toEqual(SEED_MODELS);
  expect(m.rows.every((r) => !r.tested)).toBe(true);
  expect(m.cells.length).toBe(SEED_MODELS.length * FEATURES.length);
  expect(m.summary['not-run']).toBe(m.cells.length);
  expect(m.generatedAt).toBe('2025-01-01T00:00:00.000Z');
});

test("coverage 'bands': one row per band of the seed's table (24 rows)", () => {
  // seed rows: vRX 1, RTX3510 1, RTX1300 1, RTX1220 1, RTX830 3, NVR700W 3, RTX1210 4, RTX5000 3, RTX3500 3, RTX810 2, RTX1200 2.
  const m = buildMatrix([], { runId: 'r', generatedAt: T0, coverage: 'bands' });
  expect(m.rows.length).toBe(24);
  expect(m.rows.filter((r) => r.model === 'RTX1210').map((r) => r.band).sort()).toEqual(
    ['Rev.14.01.09より前', 'Rev.14.01.09以降', 'Rev.14.01.20以降', 'Rev.14.01.26以降'].sort(),
  );
});

test('a tested device: firmware normalised, band named, the placeholder of its model dropped', () => {
  const m = buildMatrix(
    [{ model: 'RTX1210', firmware: '14.01.26', feature: 'control-connection', testId: 't', status: 'passed', expectation: 'supported' }],
    { runId: 'r', generatedAt: T0 },
  );
  const rows = m.rows.filter((r) => r.model === 'RTX1210');
  expect(rows).toEqual([{ model: 'RTX1210', firmware: 'Rev.14.01.26', band: 'Rev.14.01.26以降', tested: true }]);
  expect(m.rows.map((r) => r.model)).toEqual(SEED_MODELS);
  expect(cellAt(m, 'RTX1210', 'Rev.14.01.26', 'control-connection')?.kind).toBe('conformant');
  expect(cellAt(m, 'RTX1210', 'Rev.14.01.26', 'filters')?.kind).toBe('not-run');
});

test('documented expectation follows the support-table column of a gated feature', () => {
  // seed: RTX1210 "Rev.14.01.09より前" row has "- - -": no tag VLAN, L2MS or tunnel filtering.
  const old = capabilities('RTX1210', 'Rev.14.01.08');
  expect(documentedExpectation('tag-vlan', old)).toBe('unsupported');
  expect(documentedExpectation('tunnel-interface-filter', old)).toBe('unsupported');
  // L2TPv3 itself is documented on every row.
  expect(documentedExpectation('control-connection', old)).toBe('supported');
  // seed: RTX1300 row has no "-".
  const rtx1300 = capabilities('RTX1300', 'any');
  for (const f of FEATURES) expect(documentedExpectation(f.id, rtx1300)).toBe('supported');
  expect(() => documentedExpectation('nope', rtx1300)).toThrow(/unknown feature "nope"/);
});

test('the matrix carries the platform assumptions for the reports', () => {
  const m = buildMatrix([], { runId: 'r', generatedAt: T0 });
  expect(m.assumptions.map((a) => a.id)).toContain('column-chronology');
  expect(m.assumptions.every((a) => a.assumption.length > 0)).toBe(true);
});
