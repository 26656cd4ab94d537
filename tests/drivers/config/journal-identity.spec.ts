// Issue 16, "a journal restored onto the wrong router": journals are keyed by the device (model
// and serial from `show environment`, and the address it was reached at), not by the role an
// inventory gives it. Two emulated routers pose as benches A and B, both called `site1`: a
// journal left by a dead run on A is refused on B (a clear error, B unchanged, A's journal kept),
// and restores A. A journal whose owner still runs is refused too (issue 16: "a new run restores
// a journal without checking that its owner is dead").

import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalRefusedError, journalFiles, readJournalFile, writeJournal } from '../../../drivers/config/journal.ts';
import { ConfigPush, recoverDevice } from '../../../drivers/config/push.ts';
import { showConfigOf, startEmulatedRouter, type EmulatedRouter } from './helpers/emulated-router.ts';
import { BASE_CONFIG, blockLines, LOGIN, routerDevice } from './helpers/lab.ts';

let benchA: EmulatedRouter;
let benchB: EmulatedRouter;
let dir: string;

test.beforeAll(async () => {
  benchA = await startEmulatedRouter(BASE_CONFIG + 'ip lan1 address 192.168.50.1/24\n', 'journal-identity-a');
  benchB = await startEmulatedRouter(BASE_CONFIG + 'ip lan1 address 192.168.60.1/24\n', 'journal-identity-b');
  dir = mkdtempSync(join(tmpdir(), 'journal-identity-'));
});

test.afterAll(() => {
  benchA?.stop();
  benchB?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const showConfig = (r: EmulatedRouter): Promise<string> => showConfigOf(r, LOGIN);

/** The pid of a process that has exited (a killed run's worker). */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => c.once('exit', resolve));
  return c.pid!;
}

/** A push to bench A that is never rolled back, its journal's owner made `pid` (a run that died there). */
async function leaveJournalOnA(journalDir: string, pid: number): Promise<string> {
  await ConfigPush.apply(routerDevice(benchA, 'site1'), ['ip lan1 address 10.9.9.1/24'], { journalDir });
  const [file] = journalFiles(journalDir);
  const j = readJournalFile(file.path);
  writeJournal(journalDir, { ...j, owner: { ...j.owner, pid, pidStart: undefined } });
  return file.path;
}

test('a journal left by bench A (role site1) is refused on bench B (also site1): clear error, B unchanged; it restores A', async () => {
  const journalDir = join(dir, 'wrong-router');
  const aBefore = blockLines(await showConfig(benchA));
  const bBefore = blockLines(await showConfig(benchB));
  const file = await leaveJournalOnA(journalDir, await deadPid());
  expect(blockLines(await showConfig(benchA))).toContain('-|ip lan1 address 10.9.9.1/24');

  const logs: string[] = [];
  const err = await recoverDevice(routerDevice(benchB, 'site1'), journalDir, (l) => logs.push(l)).catch((e: unknown) => e);
  expect(err, `recoverDevice on B returned ${String(err)}; log: ${logs.join(' | ')}`).toBeInstanceOf(JournalRefusedError);
  const msg = (err as Error).message;
  expect(msg).toContain(file);
  expect(msg).toContain(`at 127.0.0.1:${benchA.port}`); // the device it names
  expect(msg).toContain(`at 127.0.0.1:${benchB.port}`); // and this one
  expect(msg).toContain('nothing changed');
  // B untouched (its LAN address is its own), A's journal still there for A
  expect(blockLines(await showConfig(benchB))).toEqual(bBefore);
  expect(existsSync(file)).toBe(true);
  // a push to B is refused the same way, before any change
  const pushErr = await ConfigPush.apply(routerDevice(benchB, 'site1'), ['ip lan1 address 10.8.8.1/24'], { journalDir }).catch((e: unknown) => e);
  expect(pushErr).toBeInstanceOf(JournalRefusedError);
  expect(blockLines(await showConfig(benchB))).toEqual(bBefore);

  // on A, the journal restores A
  expect(await recoverDevice(routerDevice(benchA, 'site1'), journalDir, (l) => logs.push(l))).toBe(true);
  expect(blockLines(await showConfig(benchA))).toEqual(aBefore);
  expect(existsSync(file)).toBe(false);
  expect(logs.join('\n')).toMatch(/journal left by pid \d+ .* for RTX1210 serial \S+ \(pushed, 1\/1 applied\): restoring/);
  expect(logs.join('\n')).toContain('rollback verified');
});

test('a journal whose owner process still runs is refused (nothing changed); once it is dead, it is restored', async () => {
  const journalDir = join(dir, 'live-owner');
  const aBefore = blockLines(await showConfig(benchA));
  const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const file = await leaveJournalOnA(journalDir, owner.pid!);
    const err = await recoverDevice(routerDevice(benchA, 'site1'), journalDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalRefusedError);
    expect((err as Error).message).toContain(`belongs to pid ${owner.pid}`);
    expect((err as Error).message).toContain('is still running');
    expect(blockLines(await showConfig(benchA))).toContain('-|ip lan1 address 10.9.9.1/24');
    expect(existsSync(file)).toBe(true);
  } finally {
    const exited = new Promise((resolve) => owner.once('exit', resolve));
    owner.kill('SIGKILL');
    await exited;
  }
  expect(await recoverDevice(routerDevice(benchA, 'site1'), journalDir)).toBe(true);
  expect(blockLines(await showConfig(benchA))).toEqual(aBefore);
});
