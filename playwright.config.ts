// One test runner for everything: `unit` runs the oracle's and drivers' own tests
// (no device), later projects run the device suites against a lab.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  // Bounded: no single test may hang CI.
  timeout: 120_000,
  fullyParallel: true,
  // Two workers whether or not CI sets $CI (Playwright's default would be half the cores: one here).
  workers: Number(process.env.PW_WORKERS ?? 2),
  reporter: [
    ['list'],
    ['json', { outputFile: 'test-results/results.json' }],
  ],
  projects: [
    {
      name: 'unit',
      testDir: './tests',
      testMatch: '**/*.spec.ts',
    },
  ],
});
