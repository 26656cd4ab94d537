// matrix.json: the matrix itself plus the comparison with earlier runs and the per-cell trend.

import type { MatrixReport } from './report-view.ts';

export function renderMatrixJson(r: MatrixReport): string {
  const out = {
    ...r.matrix,
    history:
      r.comparison === undefined
        ? null
        : {
            previousRunId: r.comparison.previousRunId ?? null,
            newRegressions: r.comparison.newRegressions,
            ongoingRegressions: r.comparison.ongoingRegressions,
            fixed: r.comparison.fixed,
            newUndocumentedSupport: r.comparison.newUndocumentedSupport,
            trends: r.trends,
          },
  };
  return JSON.stringify(out, null, 2) + '\n';
}
