// Runs a fixture "suite" (tests/reports/allure/fixture/*.fixture-spec.ts) in a temporary project by
// its own Playwright process with the conformance reporters writing into <dir>/out, as the run
// command does. Bounded (90 s) and event-driven.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface FixtureRun {
  readonly code: number | null;
  readonly output: string;
}

export interface FixtureSuiteOptions {
  /** File name under tests/reports/allure/fixture/. */
  readonly fixture: string;
  /** Extra environment of the inner run (never the outer runner's worker variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Playwright config properties, as source text (e.g. `retries: 1, projects: [...]`). */
  readonly configExtra?: string;
}

export async function runFixtureSuite(dir: string, opts: FixtureSuiteOptions): Promise<FixtureRun> {
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const spec = readFileSync(join(ROOT, 'tests/reports/allure/fixture', opts.fixture), 'utf8').replaceAll("'../../../../", `'${ROOT}/`);
  writeFileSync(join(dir, 'device.spec.ts'), spec);
  writeFileSync(
    join(dir, 'playwright.config.ts'),
    `import { defineConfig } from '@playwright/test';
import { conformanceReporters, reportPaths } from '${ROOT}/reports/allure/reporter-config.ts';
export default defineConfig({
  testDir: '.', testMatch: 'device.spec.ts', workers: 1, timeout: 30_000, outputDir: 'pw-output',
  reporter: conformanceReporters(reportPaths('${join(dir, 'out')}'), { display: 'line', environmentInfo: { lab: 'fixture' } }),
  ${opts.configExtra ?? ''}
});
`,
  );
  // The outer runner's worker variables would confuse the inner runner.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(k))), ...(opts.env ?? {}) };
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', join(dir, 'playwright.config.ts')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, output });
    });
  });
}
