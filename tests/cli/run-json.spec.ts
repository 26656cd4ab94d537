// `run --json`: the run summary as one JSON document on stdout (the suites' progress on stderr), so
// CI can read the outcome without scraping the table.
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../suites/helpers/cli-process.ts';

test('run --json: stdout is one JSON document with the summary, the files and the exit code', async () => {
  test.setTimeout(240_000);
  const out = mkdtempSync(path.join(tmpdir(), 'cli-run-json-'));
  const r = await runCli(['run', '--models', 'rtx830', '--grep', '@syslog', '--out', out, '--run-id', 'json-1', '--no-allure', '--workers', '1', '--json'], 220_000);
  await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  expect(r.code, r.stderr).toBe(0);
  const doc = JSON.parse(r.stdout) as { runId: string; exitCode: number; interrupted: boolean; devices: string[]; summary: Record<string, number>; files: string[]; wallTimeS: number };
  expect(doc.runId).toBe('json-1');
  expect(doc.exitCode).toBe(0);
  expect(doc.interrupted).toBe(false);
  expect(doc.devices).toEqual(['RTX830 Rev.15.02.22']); // `rtx830` resolved to the seed's name
  expect(doc.summary.regression).toBe(0);
  expect(doc.summary.conformant).toBeGreaterThan(0);
  expect(doc.files).toContain(path.join(out, 'matrix.json'));
  expect(doc.wallTimeS).toBeGreaterThan(0);
  expect(r.stderr).toMatch(/passed/); // Playwright's own progress went to stderr
});
