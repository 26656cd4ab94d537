// The Playwright reporters of a conformance run, in one place so the run command and the docs
// agree: a terminal display, allure-playwright into <out>/allure-results, JUnit XML for CI systems,
// and Playwright's JSON report, from which the matrix outcomes are read.

import { join } from 'node:path';
import type { ReporterDescription } from '@playwright/test';
import { identityProperties, readRunIdentityEnv } from '../matrix/run-identity.ts';

export interface ReportPaths {
  readonly outDir: string;
  readonly allureResults: string;
  readonly allureReport: string;
  readonly junit: string;
  readonly playwrightJson: string;
  readonly matrixJson: string;
  readonly matrixHtml: string;
  readonly matrixMarkdown: string;
  readonly history: string;
}

/** Where a run writes; `outDir` is reports/out by default (git-ignored). */
export function reportPaths(outDir = 'reports/out'): ReportPaths {
  return {
    outDir,
    allureResults: join(outDir, 'allure-results'),
    allureReport: join(outDir, 'allure-report'),
    junit: join(outDir, 'junit.xml'),
    playwrightJson: join(outDir, 'results.json'),
    matrixJson: join(outDir, 'matrix.json'),
    matrixHtml: join(outDir, 'matrix.html'),
    matrixMarkdown: join(outDir, 'matrix.md'),
    history: join(outDir, 'history.json'),
  };
}

export interface ReporterOptions {
  /** 'list' for a terminal, 'line' for CI logs, 'dot' for big runs. */
  readonly display?: 'list' | 'line' | 'dot';
  /** Shown in Allure's Environment widget (lab file, time scale, git commit, ...). */
  readonly environmentInfo?: Readonly<Record<string, string>>;
}

/** The Allure environment entries of the run's identity (RUN_IDENTITY_ENV), none when run alone. */
export function identityEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const id = readRunIdentityEnv(env);
  return id === undefined ? {} : identityProperties(id);
}

export function conformanceReporters(paths: ReportPaths, opts: ReporterOptions = {}): ReporterDescription[] {
  return [
    [opts.display ?? 'list'],
    [
      'allure-playwright',
      {
        resultsDir: paths.allureResults,
        // No Playwright-internal steps (fixtures, hooks) in Allure: QA reads the test's own steps.
        detail: false,
        suiteTitle: false,
        // `run` passes the run's identity (harness commit, devices as read by the preflight): it wins
        // over the config's own keys, so a real-time hardware run never shows the emulated timeScale
        environmentInfo: { ...(opts.environmentInfo ?? {}), ...identityEnvironment() },
      },
    ],
    // embedAnnotationsAsProperties: the model / firmware / feature annotations become JUnit properties.
    ['junit', { outputFile: paths.junit, embedAnnotationsAsProperties: true }],
    ['json', { outputFile: paths.playwrightJson }],
  ];
}
