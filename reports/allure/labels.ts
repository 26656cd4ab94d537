// Custom Allure label names (Allure shows any label; these group and filter the report), shared by
// the test side (test-metadata.ts) and the report side (the matrix's links), which must not load
// the Playwright test runtime.

import { OUTCOME_ANNOTATION } from '../matrix/outcome-annotations.ts';

export const ALLURE_LABEL = { model: 'model', firmware: 'firmware', feature: 'feature', severity: 'severity', testId: OUTCOME_ANNOTATION.testId } as const;
