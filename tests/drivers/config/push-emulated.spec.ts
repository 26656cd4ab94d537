// Push, verify and roll back against the emulated router started as a process (issue 8,
// drivers/config): the device shows its config with `show config` (facts §3.4); after a rollback
// every line is back in its block. Secrets (issue 8 point 3) never appear in logs, errors or the
// transcript of any session the driver opened.

import { test as base, expect } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliCommandError } from '../../../drivers/cli/errors.ts';
import { configFixture, withConfig, type PushConfig } from '../../../drivers/config/fixture.ts';
import { journalPath } from '../../../drivers/config/journal.ts';
import { ConfigPlanError } from '../../../drivers/config/plan.ts';
import { ConfigPush } from '../../../drivers/config/push.ts';
import { Redactor } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../drivers/transcript/transcript.ts';
import { sshSession, startEmulatedRouter, type EmulatedRouter } from './helpers/emulated-router.ts';
import { BASE_CONFIG, blockLines, LOGIN, routerDevice, SECRETS } from './helpers/lab.ts';

let router: EmulatedRouter;
let dir: string;
const logs: string[] = [];
const log = (l: string) => logs.push(l);
let transcript: TranscriptRecorder;
let original: string[];

const test = base.extend<{ pushConfig: PushConfig }>({
  pushConfig: configFixture(() => ({ journalDir: join(dir, 'j6'), log })),
});

async function showConfig(login = LOGIN): Promise<string> {
  const s = sshSession(router, login, { transcript });
  await s.connect();
  try {
    return await s.showConfig();
  } finally {
    await s.close();
  }
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  router = await startEmulatedRouter(BASE_CONFIG, 'drivers-config-push');
  dir = mkdtempSync(join(tmpdir(), 'drivers-config-journal-'));
  transcript = new TranscriptRecorder({ redactor: new Redactor() });
  original = blockLines(await showConfig());
});

test.afterAll(() => {
  router?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const device = () => routerDevice(router, 'rt-push', { transcript });

test('push: lines land in their tunnel blocks, read back verified; rollback restores every line and the journal is gone', async () => {
  const journalDir = join(dir, 'j1');
  const push = await ConfigPush.apply(device(), ['tunnel select 1', ' l2tp hostname pushed', ' no l2tp keepalive use', 'syslog host 192.0.2.50'], { journalDir, log });
  // the harness's observation settings first (plan.ts OBSERVATION_COMMANDS), then removals, then the rest
  expect(push.commands).toEqual(['syslog host 192.0.2.50', 'no l2tp keepalive use on 60 3', 'l2tp hostname pushed']);
  expect(existsSync(journalPath(journalDir, 'rt-push'))).toBe(true);
  const changed = blockLines(await showConfig());
  expect(changed).toContain('1|l2tp hostname pushed');
  expect(changed).not.toContain('1|l2tp keepalive use on 60 3');
  expect(changed).toContain('-|syslog host 192.0.2.50');
  expect(changed).toContain('2|l2tp hostname base-rt2');
  await push.rollback();
  expect(blockLines(await showConfig())).toEqual(original);
  expect(existsSync(journalPath(journalDir, 'rt-push'))).toBe(false);
});

test('a changed secret is restored from the known config: the original login password works again, the pushed one does not', async () => {
  const journalDir = join(dir, 'j2');
  const push = await ConfigPush.apply(device(), [`login user yamaha ${SECRETS.pushedUser}`, 'tunnel select 1', ` l2tp tunnel auth on ${SECRETS.pushedAuth}`], { journalDir, log });
  // credentials go last (plan.ts CREDENTIAL_COMMANDS)
  expect(push.commands).toEqual(['l2tp tunnel auth on *', 'login user yamaha *']);
  // the device now takes the pushed password only
  expect(blockLines(await showConfig({ ...LOGIN, password: SECRETS.pushedUser }))).toEqual(original);
  await push.rollback();
  expect(blockLines(await showConfig())).toEqual(original);
  await expect(showConfig({ ...LOGIN, password: SECRETS.pushedUser })).rejects.toThrow(/authentication failed/);
});

test('a push whose secret could not be put back is refused before any change', async () => {
  const journalDir = join(dir, 'j3');
  const err = await ConfigPush.apply(routerDevice(router, 'rt-push', { known: false, transcript }), ['tunnel select 1', ` l2tp tunnel auth on ${SECRETS.pushedAuth}`], { journalDir, log }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigPlanError);
  expect((err as Error).message).toMatch(/l2tp tunnel auth on \*.*knownConfig/);
  expect(existsSync(journalPath(journalDir, 'rt-push'))).toBe(false);
  expect(blockLines(await showConfig())).toEqual(original);
});

test('a line the device refuses mid-push: the lines before it are rolled back, the CLI error is thrown', async () => {
  const journalDir = join(dir, 'j4');
  // a command name the device does not know: it answers `Error:` (facts §3.1); the driver's own
  // parser keeps unknown commands as they are, so only the device can refuse it
  const err = await ConfigPush.apply(device(), ['tunnel select 2', ' l2tp hostname first-applied', 'tunnel select none', 'frobnicate on'], { journalDir, log }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CliCommandError);
  expect((err as CliCommandError).errorLines[0]).toMatch(/^Error: /);
  expect(blockLines(await showConfig())).toEqual(original);
  expect(existsSync(journalPath(journalDir, 'rt-push'))).toBe(false);
});

test('withConfig: the body throws, the device is still rolled back and the body error comes out', async () => {
  const journalDir = join(dir, 'j5');
  let inside: string[] = [];
  const err = await withConfig(device(), ['tunnel select 2', ' l2tp hostname inside-body'], { journalDir, log }, async () => {
    inside = blockLines(await showConfig());
    throw new Error('body failed');
  }).catch((e: unknown) => e);
  expect((err as Error).message).toBe('body failed');
  expect(inside).toContain('2|l2tp hostname inside-body');
  expect(blockLines(await showConfig())).toEqual(original);
});

test.describe('the Playwright fixture', () => {
  test('a failing test that pushed through the fixture (expected to fail)', async ({ pushConfig }) => {
    test.fail(true, 'this test fails on purpose: the next test checks that fixture teardown rolled the device back');
    await pushConfig(device(), ['tunnel select 1', ' l2tp hostname from-fixture']);
    expect(blockLines(await showConfig())).toContain('1|l2tp hostname from-fixture');
    throw new Error('failing on purpose after a push');
  });

  test('... its push was rolled back by the fixture teardown', async () => {
    expect(blockLines(await showConfig())).toEqual(original);
    expect(existsSync(journalPath(join(dir, 'j6'), 'rt-push'))).toBe(false);
  });
});

test('redaction: no configured or pushed secret in logs, errors or the transcript of any session', () => {
  const text = [logs.join('\n'), transcript.toJsonLines()].join('\n');
  expect(logs.length).toBeGreaterThan(5);
  expect(text).toContain('l2tp tunnel auth on');
  for (const v of Object.values(SECRETS)) expect(text).not.toContain(v);
});
