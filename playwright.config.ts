// One test runner for everything: `unit` runs the oracle's and drivers' own tests
// (no device), later projects run the device suites against a lab.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  // Bounded: no single test may hang CI.
  timeout: 120_000,
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
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
