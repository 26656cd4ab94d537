// Builds the compatibility matrix (model x firmware x feature) from test outcomes. Rows: every
// model x firmware that has outcomes, and every model of the support table that has none (so the
// eleven models are always listed); with `coverage: 'bands'`, also every untested band.

import {
  MODEL_NAMES,
  PLATFORM_ASSUMPTIONS,
  UnknownModelError,
  capabilities,
  formatRevision,
  isModelName,
  parseRevision,
  supportBands,
  type ModelName,
  type PlatformAssumption,
} from '../../reference-impl/platform/index.ts';
import {
  combineVerdicts,
  outcomeRule,
  type CellKind,
  type TestOutcome,
} from './cell-rules.ts';
import { FEATURES, featureDef, type FeatureDef } from './features.ts';
import type { RunIdentity } from './run-identity.ts';

export interface MatrixRow {
  readonly model: ModelName;
  /** Normalised revision (`Rev.15.02.22`) or `any`; a placeholder row's sample revision. */
  readonly firmware: string;
  /** The support-table band the firmware falls in, as the seed prints it. */
  readonly band: string;
  /** false: a placeholder for a model (or band) no test ran on. */
  readonly tested: boolean;
}

/** Where a test's result is in the Allure HTML report (reports/matrix/allure-links.ts). */
export interface AllureTestLink {
  /** The test result's uid in that generated report (data/test-cases/<uid>.json). */
  readonly uid: string;
  /** Relative to the folder of matrix.html: `allure-report/index.html#testresult/<uid>`. */
  readonly href: string;
}

export interface CellTest {
  readonly testId: string;
  readonly title?: string;
  readonly status: TestOutcome['status'];
  readonly verdict: CellKind;
  readonly why: string;
  readonly playwrightTestId?: string;
  /** Absent when the Allure report was not generated (or does not hold this test). */
  readonly allure?: AllureTestLink;
}

export interface MatrixCell {
  readonly model: ModelName;
  readonly firmware: string;
  readonly feature: string;
  readonly kind: CellKind;
  /** undefined for a cell with no outcome. */
  readonly expectation?: TestOutcome['expectation'];
  readonly counts: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /** The tests behind a regression / undocumented-support verdict (all tests for other kinds are counted only). */
  readonly evidence: readonly CellTest[];
  /** Every test of the cell, in outcome order, with its own verdict. */
  readonly tests: readonly CellTest[];
}

export interface CompatibilityMatrix {
  readonly schema: 'l2tpv3-conformance/matrix@1';
  readonly runId: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  readonly features: readonly FeatureDef[];
  readonly rows: readonly MatrixRow[];
  readonly cells: readonly MatrixCell[];
  readonly summary: Readonly<Record<CellKind, number>>;
  readonly assumptions: readonly PlatformAssumption[];
  /** Set when the cells' tests were linked to an Allure HTML report. */
  readonly allureReport?: AllureReportLinks;
  /** The harness version and commit, hardware or emulated, each device's model/firmware/serial. */
  readonly identity?: RunIdentity;
}

export interface AllureReportLinks {
  /** The report's index.html relative to the folder of matrix.html. */
  readonly href: string;
  /** Tests of the matrix that have a link, and all tests. */
  readonly linkedTests: number;
  readonly tests: number;
  /** Why no test is linked (no report, or the report is of another run). */
  readonly unlinked?: string;
}

export interface BuildOptions {
  readonly runId: string;
  /** Injected so the builder is deterministic. */
  readonly generatedAt: Date;
  /** 'models' (default): one placeholder row per untested model; 'bands': per untested band. */
  readonly coverage?: 'models' | 'bands';
  /** The harness and the devices of the run (run-identity.ts), printed in every report. */
  readonly identity?: RunIdentity;
}

/** Bad outcome input: names the test and the field. */
export class OutcomeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutcomeInputError';
  }
}

// The seed leaves the firmware cell of some rows empty (platform ASSUMPTION firmware-cell-empty).
const ALL_REVISIONS = 'all revisions (empty firmware cell)';

export function cellKey(model: string, firmware: string, feature: string): string {
  return `${model} / ${firmware} / ${feature}`;
}

export function normaliseFirmware(firmware: string, where: string): string {
  if (firmware.trim() === 'any') return 'any';
  try {
    return formatRevision(parseRevision(firmware));
  } catch (e) {
    throw new OutcomeInputError(`${where}: ${(e as Error).message}`);
  }
}

function bandOf(model: ModelName, firmware: string): string {
  try {
    return capabilities(model, firmware === 'any' ? 'any' : firmware).bandText || ALL_REVISIONS;
  } catch {
    // A lab may run a revision the seed's table does not cover; the row still shows.
    return 'not in the support table';
  }
}

function checkOutcome(o: TestOutcome, i: number): { model: ModelName; firmware: string } {
  const where = `outcome ${i} (test "${o.testId}")`;
  if (!isModelName(o.model)) throw new OutcomeInputError(`${where}: ${new UnknownModelError(o.model).message}`);
  featureDef(o.feature, where);
  if (o.expectation !== 'supported' && o.expectation !== 'unsupported') {
    throw new OutcomeInputError(`${where}: expectation "${String(o.expectation)}" is not supported | unsupported`);
  }
  return { model: o.model, firmware: normaliseFirmware(o.firmware, where) };
}

function placeholderRows(tested: readonly MatrixRow[], coverage: 'models' | 'bands'): MatrixRow[] {
  const out: MatrixRow[] = [];
  const bands = supportBands();
  for (const model of MODEL_NAMES) {
    const mine = tested.filter((r) => r.model === model);
    const modelBands = bands.filter((b) => b.model === model);
    if (coverage === 'bands') {
      for (const b of modelBands) {
        if (mine.some((r) => r.band === (b.bandText || ALL_REVISIONS))) continue;
        const fw = b.sampleRevision === 'any' ? 'any' : formatRevision(b.sampleRevision);
        out.push({ model, firmware: fw, band: b.bandText || ALL_REVISIONS, tested: false });
      }
    } else if (mine.length === 0) {
      // The newest band: what the default emulated lab runs.
      const b = modelBands[modelBands.length - 1];
      const fw = b.sampleRevision === 'any' ? 'any' : formatRevision(b.sampleRevision);
      out.push({ model, firmware: fw, band: b.bandText || ALL_REVISIONS, tested: false });
    }
  }
  return out;
}

export function buildMatrix(outcomes: readonly TestOutcome[], opts: BuildOptions): CompatibilityMatrix {
  const groups = new Map<string, { model: ModelName; firmware: string; feature: string; items: TestOutcome[] }>();
  const testedRows = new Map<string, MatrixRow>();
  outcomes.forEach((o, i) => {
    const { model, firmware } = checkOutcome(o, i);
    const key = cellKey(model, firmware, o.feature);
    const g = groups.get(key) ?? { model, firmware, feature: o.feature, items: [] };
    const first = g.items[0];
    if (first !== undefined && first.expectation !== o.expectation) {
      throw new OutcomeInputError(
        `outcome ${i} (test "${o.testId}"): expectation "${o.expectation}" contradicts "${first.expectation}" of test "${first.testId}" for ${key}; a cell has one documented expectation`,
      );
    }
    g.items.push(o);
    groups.set(key, g);
    const rowKey = `${model} | ${firmware}`;
    if (!testedRows.has(rowKey)) testedRows.set(rowKey, { model, firmware, band: bandOf(model, firmware), tested: true });
  });

  const order = (m: string): number => (MODEL_NAMES as readonly string[]).indexOf(m);
  const tested = [...testedRows.values()];
  const rows = [...tested, ...placeholderRows(tested, opts.coverage ?? 'models')].sort(
    (a, b) => order(a.model) - order(b.model) || a.firmware.localeCompare(b.firmware),
  );

  const cells: MatrixCell[] = [];
  for (const row of rows) {
    for (const f of FEATURES) {
      const g = groups.get(cellKey(row.model, row.firmware, f.id));
      const items = g?.items ?? [];
      const judged = items.map((o) => ({ o, rule: outcomeRule(o) }));
      const kind = combineVerdicts(judged.map((j) => j.rule.verdict).filter((v) => v !== 'not-run'));
      const tests: CellTest[] = judged.map((j) => ({
        testId: j.o.testId,
        title: j.o.title,
        status: j.o.status,
        verdict: j.rule.verdict,
        why: j.rule.why,
        ...(j.o.playwrightTestId === undefined ? {} : { playwrightTestId: j.o.playwrightTestId }),
      }));
      const evidence = tests.filter((t) => t.verdict === kind && (kind === 'regression' || kind === 'undocumented-support'));
      cells.push({
        model: row.model,
        firmware: row.firmware,
        feature: f.id,
        kind,
        expectation: items[0]?.expectation,
        counts: {
          passed: items.filter((o) => o.status === 'passed').length,
          failed: items.filter((o) => o.status !== 'passed' && o.status !== 'skipped').length,
          skipped: items.filter((o) => o.status === 'skipped').length,
        },
        evidence,
        tests,
      });
    }
  }
  const summary = { conformant: 0, regression: 0, 'unsupported-as-documented': 0, 'undocumented-support': 0, 'not-run': 0 };
  for (const c of cells) summary[c.kind]++;
  return {
    schema: 'l2tpv3-conformance/matrix@1',
    runId: opts.runId,
    generatedAt: opts.generatedAt.toISOString(),
    features: FEATURES,
    rows,
    cells,
    summary,
    assumptions: PLATFORM_ASSUMPTIONS,
    ...(opts.identity ? { identity: opts.identity } : {}),
  };
}

export function cellAt(m: CompatibilityMatrix, model: string, firmware: string, feature: string): MatrixCell | undefined {
  return m.cells.find((c) => c.model === model && c.firmware === firmware && c.feature === feature);
}
