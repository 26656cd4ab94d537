// Issue 13 (kill table): a defect no test kills on a device is printed as "not observable on MODEL:
// reason" instead of SURVIVED only when the oracle rules its trigger out on that model
// (suites/support/mutants.ts notObservableOn / notObservableReason). The reasons come from the
// oracle itself: the filter oracle (input blocking bound to a LAN member, filter/interface-acceptance.ts)
// and the seed's support table (platform/support-table.ts); every device of the full matrix is
// checked against those oracles here, so a hard-coded model list would disagree somewhere.
import { test, expect } from '@playwright/test';
import { filterCommandAccepted } from '../../reference-impl/filter/index.ts';
import { capabilities, MODEL_NAMES, rowsOf, supportRowFor, UnknownRevisionError, type ModelName, type Revision } from '../../reference-impl/platform/index.ts';
import { fullMatrixDevices, type SuiteDevice } from '../../suites/support/devices.ts';
import { DEFECT_SYMPTOM_TAGS, notObservableOn, notObservableReason } from '../../suites/support/mutants.ts';

const matrix = fullMatrixDevices();
const newest = (model: string): SuiteDevice => {
  const mine = matrix.filter((d) => d.model === model);
  expect(mine.length, `${model} in the full matrix`).toBeGreaterThan(0);
  return mine[mine.length - 1];
};
const inputBlockingOnLan = (d: SuiteDevice) => filterCommandAccepted('ip-inbound-filter', 'lan', capabilities(d.model, d.firmware));
/**
 * A revision of `model`'s series that the platform oracle places in no band of the support table
 * (supportRowFor throws: L2TPv3 support not documented, so a config of it is refused), probing one
 * patch either side of every band bound; undefined when every probe is in some band.
 */
function unsupportedRevision(model: ModelName): string | undefined {
  const bounds = rowsOf(model).flatMap((r): Revision[] => (r.firmware.kind === 'from' ? [r.firmware.lower] : r.firmware.kind === 'before' ? [r.firmware.upper] : r.firmware.kind === 'exact' ? [...r.firmware.revisions] : []));
  const probes = bounds.flatMap((b) => [-1, 1].map((d) => ({ ...b, patch: b.patch + d }))).filter((r) => r.patch >= 0);
  for (const r of probes) {
    try {
      supportRowFor(model, r);
    } catch (e) {
      if (e instanceof UnknownRevisionError && /in no band/.test(e.message)) return `Rev.${r.major}.${String(r.minor).padStart(2, '0')}.${String(r.patch).padStart(2, '0')}`;
      throw e;
    }
  }
  return undefined;
}

test('input-blocking-on-out: not observable on RTX1210 for the filter oracle\'s reason, observable on RTX5000', () => {
  const rtx1210 = newest('RTX1210');
  const refused = inputBlockingOnLan(rtx1210);
  expect(refused.accepted).toBe(false);
  const why = notObservableOn('input-blocking-on-out', rtx1210);
  expect(why).toContain(`filter oracle: ${refused.note}`);
  expect(why).toMatch(/no input-blocking filter can be bound to a LAN member/);
  expect(notObservableReason('input-blocking-on-out', [rtx1210])).toBe(`not observable on RTX1210: ${why}`);

  const rtx5000 = newest('RTX5000');
  expect(inputBlockingOnLan(rtx5000).accepted).toBe(true);
  expect(notObservableOn('input-blocking-on-out', rtx5000)).toBeUndefined();
  // observable on one device it ran on: no reason, it counts as a survivor if nothing killed it
  expect(notObservableReason('input-blocking-on-out', [rtx1210, rtx5000])).toBeUndefined();
});

test('input-blocking-on-out on every band of the matrix: not observable exactly where the filter oracle refuses the binding', () => {
  for (const d of matrix) {
    const v = inputBlockingOnLan(d);
    const why = notObservableOn('input-blocking-on-out', d);
    if (v.accepted) expect(why, `${d.model} ${d.firmware}`).toBeUndefined();
    else expect(why, `${d.model} ${d.firmware}`).toContain(v.note);
  }
});

test('unsupported-feature-accepted: not observable on RTX1210 (its bands cover every revision), observable on RTX5000 (a revision below its oldest band is in none)', () => {
  expect(unsupportedRevision('RTX1210')).toBeUndefined();
  const rtx1210 = newest('RTX1210');
  const why = notObservableOn('unsupported-feature-accepted', rtx1210);
  expect(why).toMatch(/support table .* lists L2TPv3 and L2TPv3\/IPsec on every revision/);
  expect(notObservableReason('unsupported-feature-accepted', [rtx1210])).toBe(`not observable on RTX1210: ${why}`);

  expect(unsupportedRevision('RTX5000')).toBeDefined();
  expect(notObservableOn('unsupported-feature-accepted', newest('RTX5000'))).toBeUndefined();
});

test('unsupported-feature-accepted on every model: not observable exactly where the platform oracle places every revision in a band', () => {
  const observable = MODEL_NAMES.filter((m) => unsupportedRevision(m) !== undefined);
  expect(observable.length).toBeGreaterThan(0);
  expect(observable.length).toBeLessThan(MODEL_NAMES.length);
  for (const d of matrix) {
    const why = notObservableOn('unsupported-feature-accepted', d);
    if (observable.includes(d.model as ModelName)) expect(why, `${d.model} ${d.firmware}: ${unsupportedRevision(d.model as ModelName)} is in no band`).toBeUndefined();
    else expect(why, `${d.model} ${d.firmware}`).toBeDefined();
  }
});

test('every other defect is observable on every band of the matrix', () => {
  const others = Object.keys(DEFECT_SYMPTOM_TAGS).filter((d) => d !== 'input-blocking-on-out' && d !== 'unsupported-feature-accepted');
  expect(others.length).toBeGreaterThan(50);
  for (const defect of others) {
    for (const d of matrix) expect(notObservableOn(defect, d), `${defect} on ${d.model} ${d.firmware}`).toBeUndefined();
    expect(notObservableReason(defect, matrix)).toBeUndefined();
  }
  expect(notObservableReason('input-blocking-on-out', [])).toBeUndefined(); // ran nowhere: no reason to give
});
