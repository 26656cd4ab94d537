// What a device test says about itself, once, at its start: Allure labels (model, firmware, feature,
// severity, plus Allure's own feature/suite grouping), Allure parameters, and the Playwright
// annotations the matrix reads back from the JSON report. Later, what the device did with the
// feature (accepted / refused, and whether it worked).
//
// Allure runtime API: allure-js-commons (the API allure-playwright documents; it is allure-playwright's
// own dependency, same version). In a run without the allure-playwright reporter the calls are
// harmless attachments of type application/vnd.allure.message+json.

import { test } from '@playwright/test';
import * as allure from 'allure-js-commons';
import { capabilities } from '../../reference-impl/platform/index.ts';
import { documentedExpectation, featureDef, type AllureSeverity } from '../matrix/features.ts';
import { OUTCOME_ANNOTATION } from '../matrix/outcome-annotations.ts';
import type { DeviceResponse } from '../matrix/cell-rules.ts';
import { ALLURE_LABEL } from './labels.ts';

export interface DeviceTestMeta {
  /** Model name as the seed prints it (reference-impl/platform MODEL_NAMES). */
  readonly model: string;
  /** `Rev.15.02.22` or `any`. */
  readonly firmware: string;
  /** A feature id of reports/matrix/features.ts. */
  readonly feature: string;
  /**
   * Default (and what it should be): documentedExpectation(feature, capabilities(model, firmware)),
   * from the platform matrix. Give it only to test the matrix machinery itself.
   */
  readonly expectation?: 'supported' | 'unsupported';
  /** Default: the feature's severity in reports/matrix/features.ts. */
  readonly severity?: AllureSeverity;
  /** Extra Allure parameters (e.g. frame kind, time scale); shown, and part of Allure's history id. */
  readonly parameters?: Readonly<Record<string, string | number | boolean>>;
}

export { ALLURE_LABEL };

function annotate(type: string, description: string): void {
  const annotations = test.info().annotations;
  const i = annotations.findIndex((a) => a.type === type);
  if (i >= 0) annotations.splice(i, 1);
  annotations.push({ type, description });
}

/** Call at the start of a device test (or in a fixture before `use`); returns the documented expectation. */
export async function describeDeviceTest(meta: DeviceTestMeta): Promise<'supported' | 'unsupported'> {
  const f = featureDef(meta.feature, `test "${test.info().title}"`);
  const device = `${meta.model} ${meta.firmware}`;
  const expectation = meta.expectation ?? documentedExpectation(f.id, capabilities(meta.model, meta.firmware));
  await allure.labels(
    { name: ALLURE_LABEL.model, value: meta.model },
    { name: ALLURE_LABEL.firmware, value: meta.firmware },
    // Allure's built-in "feature" label drives its Behaviors tab: the feature title reads better there.
    { name: ALLURE_LABEL.feature, value: f.title },
    { name: ALLURE_LABEL.severity, value: meta.severity ?? f.severity },
    { name: 'epic', value: device },
    { name: 'parentSuite', value: device },
    { name: 'suite', value: f.title },
    { name: 'tag', value: f.id },
    // The same id as the conformance.test-id annotation: the matrix links its cells to this result.
    { name: ALLURE_LABEL.testId, value: test.info().testId },
  );
  await allure.parameter('model', meta.model);
  await allure.parameter('firmware', meta.firmware);
  await allure.parameter('documented', expectation);
  for (const [k, v] of Object.entries(meta.parameters ?? {})) await allure.parameter(k, String(v));
  annotate(OUTCOME_ANNOTATION.model, meta.model);
  annotate(OUTCOME_ANNOTATION.firmware, meta.firmware);
  annotate(OUTCOME_ANNOTATION.feature, f.id);
  annotate(OUTCOME_ANNOTATION.expectation, expectation);
  annotate(OUTCOME_ANNOTATION.testId, test.info().testId);
  return expectation;
}

/**
 * What the device did with the feature's configuration. For a feature documented as unsupported that
 * the device accepted, call again with `worked` once the suite has exercised it.
 */
export async function recordDeviceResponse(response: Exclude<DeviceResponse, 'unobserved'>, worked?: boolean): Promise<void> {
  annotate(OUTCOME_ANNOTATION.device, response);
  if (worked !== undefined) annotate(OUTCOME_ANNOTATION.worked, worked ? 'yes' : 'no');
  await allure.parameter('device response', worked === undefined ? response : `${response}, ${worked ? 'worked' : 'did not work'}`);
}
