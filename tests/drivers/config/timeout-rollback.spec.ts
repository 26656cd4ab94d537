// Rollback when a test TIMES OUT (issue 8, drivers/config): a nested Playwright run whose test
// pushes through configFixture and hangs; Playwright's fixture teardown still rolls the
// emulated router back (a `finally` in the body could not: the body never returns).

import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { journalPath } from '../../../drivers/config/journal.ts';
import { ROOT, showConfigOf, startEmulatedRouter, type EmulatedRouter } from './helpers/emulated-router.ts';
import { BASE_CONFIG, blockLines, LOGIN, SECRETS } from './helpers/lab.ts';

const CONFIG = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'timeout.config.ts');
let router: EmulatedRouter;
let dir: string;

test.beforeAll(async () => {
  router = await startEmulatedRouter(BASE_CONFIG, 'drivers-config-timeout');
  dir = mkdtempSync(join(tmpdir(), 'drivers-config-timeout-'));
});

test.afterAll(() => {
  router?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const showConfig = (): Promise<string> => showConfigOf(router, LOGIN);

test('a test that times out after a push: the fixture teardown rolls the router back', async () => {
  test.setTimeout(90_000);
  const original = blockLines(await showConfig());
  const journalDir = join(dir, 'journal');
  const cli = join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js');
  const child = spawn(process.execPath, [cli, 'test', '-c', CONFIG, `--output=${join(dir, 'pw-out')}`], {
    cwd: ROOT,
    env: { ...process.env, ROUTER_HOST: router.host, ROUTER_PORT: String(router.port), JOURNAL_DIR: journalDir, CI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, out).toBe(1);
  expect(out).toContain('pushed; hanging');
  expect(out).toMatch(/Test timeout of 3000ms exceeded/);
  expect(out).toContain('rt-timeout: rollback: 1 command(s): l2tp hostname base-rt');
  expect(blockLines(await showConfig())).toEqual(original);
  expect(existsSync(journalPath(journalDir, 'rt-timeout'))).toBe(false);
  for (const v of Object.values(SECRETS)) expect(out).not.toContain(v);
});
