// Issue 8 point 4: a test process killed (SIGKILL) in the middle of a config push leaves a
// journal; the next run restores the router's original config, checked with `show config`.
// The child is paused after its second acknowledged command and killed once the journal says so
// (fs.watch on the journal directory, bounded); nothing in it gets to run a finally.
// Point 3 for this path: no secret in the journal-related logs, the child's output or transcript.

import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { journalPath, readJournal } from '../../../drivers/config/journal.ts';
import { recoverDevice } from '../../../drivers/config/push.ts';
import { Redactor } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../drivers/transcript/transcript.ts';
import { RUN_TS, showConfigOf, startEmulatedRouter, type EmulatedRouter } from './helpers/emulated-router.ts';
import { BASE_CONFIG, blockLines, LOGIN, routerDevice, SECRETS } from './helpers/lab.ts';
import { KILLED_PUSH_DEVICE } from './helpers/push-lines.ts';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'helpers', 'push-child.ts');
let router: EmulatedRouter;
let dir: string;

test.beforeAll(async () => {
  router = await startEmulatedRouter(BASE_CONFIG, 'drivers-config-killed');
  dir = mkdtempSync(join(tmpdir(), 'drivers-config-killed-'));
});

test.afterAll(() => {
  router?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const showConfig = (login = LOGIN): Promise<string> => showConfigOf(router, login);

/** Resolve when the journal records at least `n` applied commands (fs.watch, bounded). */
function journalApplied(journalDir: string, n: number, timeoutMs: number): Promise<number> {
  mkdirSync(journalDir, { recursive: true, mode: 0o700 });
  return new Promise((resolve, reject) => {
    const check = () => {
      try {
        const j = readJournal(journalDir, KILLED_PUSH_DEVICE);
        if (j && j.applied >= n) {
          done();
          resolve(j.applied);
        }
      } catch {
        /* a rename in progress: the next event reads it */
      }
    };
    // the journal is in its device folder (journal.ts): watch the top, and each folder once it appears
    const watchers = [watch(journalDir, () => {
      for (const f of readdirSync(journalDir, { withFileTypes: true })) {
        if (f.isDirectory() && !watched.has(f.name)) {
          watched.add(f.name);
          watchers.push(watch(join(journalDir, f.name), check));
        }
      }
      check();
    })];
    const watched = new Set<string>();
    const timer = setTimeout(() => {
      done();
      reject(new Error(`journal did not record ${n} applied commands within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    };
    check();
  });
}

test('SIGKILL mid-push leaves a 0600 journal; the next run restores the original config', async () => {
  const original = await showConfig();
  const journalDir = join(dir, 'journal');
  const transcriptPath = join(dir, 'child-transcript.jsonl');
  const child = spawn(process.execPath, [RUN_TS, CHILD, router.host, String(router.port), journalDir, transcriptPath, '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let childOut = '';
  child.stdout!.on('data', (b: Buffer) => (childOut += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (childOut += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  try {
    const applied = await Promise.race([journalApplied(journalDir, 2, 30_000), exited.then(() => Promise.reject(new Error(`child exited early: ${childOut.slice(-400)}`)))]);
    expect(applied).toBe(2);
    // The journal can record the second command before the child prints that it paused: wait
    // for the line too (bounded), so the kill lands while it is paused, not while it pushes.
    await new Promise<void>((resolve, reject) => {
      const seen = (): boolean => childOut.includes('paused after 2 command(s)');
      if (seen()) return resolve();
      const timer = setTimeout(() => reject(new Error(`child did not report its pause within 10 s: ${childOut.slice(-400)}`)), 10_000);
      const onData = (): void => {
        if (!seen()) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      };
      child.stdout!.on('data', onData);
    });
  } finally {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
  }
  expect(await exited).toBe('SIGKILL');

  // the killed run left the device changed and the journal behind, readable by its owner only
  const path = journalPath(journalDir, KILLED_PUSH_DEVICE);
  // keyed by the device (its model and serial from `show environment`), not by the role alone
  expect(path).toMatch(/RTX1210_EMU\w+[/\\]rt-killed\.rollback\.json$/);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const journal = readJournal(journalDir, KILLED_PUSH_DEVICE)!;
  expect(journal.state).toBe('pushing');
  expect(journal.owner.pid).toBe(child.pid);
  expect(journal.planned).toBeGreaterThan(journal.applied);
  expect(blockLines(await showConfig())).not.toEqual(blockLines(original));

  // the next run: recovery from the journal, over a session with its own transcript
  const logs: string[] = [];
  const transcript = new TranscriptRecorder({ redactor: new Redactor(), path: join(dir, 'recovery-transcript.jsonl') });
  expect(await recoverDevice(routerDevice(router, KILLED_PUSH_DEVICE, { transcript }), journalDir, (l) => logs.push(l))).toBe(true);
  expect(blockLines(await showConfig())).toEqual(blockLines(original));
  expect(existsSync(path)).toBe(false);
  expect(logs[0]).toContain(`journal left by pid ${child.pid}`);

  // nothing else to do on a second run
  expect(await recoverDevice(routerDevice(router, KILLED_PUSH_DEVICE), journalDir)).toBe(false);

  // point 3: no secret in the child's log/output, the recovery log, or either transcript
  const texts = [childOut, logs.join('\n'), readFileSync(transcriptPath, 'utf8'), readFileSync(join(dir, 'recovery-transcript.jsonl'), 'utf8')];
  expect(childOut).toContain('paused after 2 command(s)');
  expect(texts[3]).toContain('l2tp hostname base-rt');
  for (const t of texts) for (const v of Object.values(SECRETS)) expect(t).not.toContain(v);
});
