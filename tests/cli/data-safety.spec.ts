// Issue 17 point 1: nothing is deleted or changed before every input is validated, and nothing is
// deleted that the tool did not create. Each case below failed on the code before the command
// table: `mutation --workers 0 --out DIR` removed DIR recursively (a user's sub/notes.txt and the
// history) before it reported the bad flag; `run --workers 0` removed the last results first.
import { test, expect } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../suites/helpers/cli-process.ts';
import { treeSnapshot } from './tree-snapshot.ts';
import { OUTPUT_MARKER } from '../../cli/output-folder.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A folder the user owns: notes in a subfolder and a run history. */
function userFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-safety-user-'));
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'my notes\n');
  writeFileSync(path.join(dir, 'history.json'), '{"version":1,"runs":[]}\n');
  return dir;
}

/** A folder an earlier run wrote (marked), with its results and the history. */
function earlierRunFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-safety-run-'));
  writeFileSync(path.join(dir, OUTPUT_MARKER), 'marker\n');
  writeFileSync(path.join(dir, 'results.json'), '{"suites":[]}\n');
  mkdirSync(path.join(dir, 'allure-results'));
  writeFileSync(path.join(dir, 'allure-results', 'a-result.json'), '{}\n');
  writeFileSync(path.join(dir, 'history.json'), '{"version":1,"runs":[]}\n');
  return dir;
}

test('mutation --workers 0 --out DIR: exit 2, DIR untouched (it deleted DIR before)', async () => {
  const dir = earlierRunFolder(); // the tool's own folder, where the user also keeps notes
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'my notes\n');
  const before = treeSnapshot(dir);
  const r = await runCli(['mutation', '--workers', '0', '--out', dir], 60_000);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--workers must be an integer from 1 to 64');
  expect(treeSnapshot(dir)).toEqual(before);
});

test('mutation --out DIR with files the tool did not write: refused (exit 2), DIR untouched', async () => {
  const dir = userFolder();
  const before = treeSnapshot(dir);
  const r = await runCli(['mutation', '--defects', 'syslog-typo', '--out', dir], 60_000);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--out .* is not empty and was not created by this tool \(no \.l2tpv3-conformance-output file; it holds sub\)/);
  expect(treeSnapshot(dir)).toEqual(before);
});

test('run --workers 0: exit 2, the last results untouched (it deleted them before)', async () => {
  const dir = earlierRunFolder();
  const before = treeSnapshot(dir);
  const r = await runCli(['run', '--workers', '0', '--out', dir], 60_000);
  expect(r.code).toBe(2);
  expect(treeSnapshot(dir)).toEqual(before);
  // the same for a bad value found later, after the table (an unknown model)
  const m = await runCli(['run', '--models', 'RTX9999', '--out', dir], 60_000);
  expect(m.code).toBe(2);
  expect(treeSnapshot(dir)).toEqual(before);
});

test('run --out: a user folder, a git checkout and this checkout (--out .) are refused, untouched', async () => {
  const user = userFolder();
  const before = treeSnapshot(user);
  const a = await runCli(['run', '--out', user], 60_000);
  expect(a.code).toBe(2);
  expect(a.stderr).toContain('was not created by this tool');
  expect(treeSnapshot(user)).toEqual(before);
  const checkout = mkdtempSync(path.join(tmpdir(), 'cli-safety-git-'));
  mkdirSync(path.join(checkout, '.git'));
  writeFileSync(path.join(checkout, OUTPUT_MARKER), 'even a marker does not make a checkout an output folder\n');
  const b = await runCli(['run', '--out', checkout], 60_000);
  expect(b.code).toBe(2);
  expect(b.stderr).toContain('is a git checkout');
  const c = await runCli(['run', '--out', '.'], 60_000); // cwd: this checkout
  expect(c.code).toBe(2);
  expect(c.stderr).toContain(`is (or holds) the project checkout ${ROOT}`);
  expect(existsSync(path.join(ROOT, OUTPUT_MARKER))).toBe(false);
  for (const r of [a, b, c]) expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('report --out DIR: refuses to overwrite a matrix file it did not write, DIR untouched', async () => {
  const dir = userFolder();
  writeFileSync(path.join(dir, 'matrix.html'), '<p>my own page</p>\n');
  const results = path.join(dir, 'shard.json');
  writeFileSync(results, JSON.stringify({ suites: [] }));
  const before = treeSnapshot(dir);
  const r = await runCli(['report', '--results', results, '--out', dir], 60_000);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('which report would overwrite');
  expect(treeSnapshot(dir)).toEqual(before);
});

test('peer --pcap into a missing folder fails before the run (nothing bound, exit 2)', async () => {
  const r = await runCli(['peer', '--listen', '127.0.0.1', '--port', '1', '--duration', '60', '--pcap', '/nonexistent-folder/x.pcap'], 60_000);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--pcap /nonexistent-folder/x.pcap: its folder /nonexistent-folder cannot be used (no such file)');
  expect(r.stdout).not.toContain('listening'); // it never started
});

test('lab up with an unknown model: exit 2, no process started, no state file written', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-safety-lab-'));
  const topo = path.join(dir, 'bad.yaml');
  const text = (await import('node:fs')).readFileSync(path.join(ROOT, 'topologies/seed/ex1-two-sites.yaml'), 'utf8');
  writeFileSync(topo, text.replaceAll('model: RTX1210', 'model: RTX1211').replaceAll('config_file: configs/', `config_file: ${path.join(ROOT, 'topologies/seed/configs')}/`));
  const state = path.join(dir, 'state.json');
  const r = await runCli(['lab', 'up', topo, '--state', state], 60_000);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("unknown model 'RTX1211'");
  expect(r.stderr).toContain('nothing was started');
  expect(r.stderr).not.toContain('started router');
  expect(existsSync(state)).toBe(false);
});

test('inside a marked folder only the tool\'s own outputs go; user files and the history stay', async () => {
  const { claimOutputFolder, removeOwnOutputs } = await import('../../cli/output-folder.ts');
  const dir = earlierRunFolder();
  mkdirSync(path.join(dir, 'sub'));
  writeFileSync(path.join(dir, 'sub', 'notes.txt'), 'my notes\n');
  claimOutputFolder(dir);
  removeOwnOutputs(dir, ['allure-results', 'results.json']);
  expect(Object.keys(treeSnapshot(dir)).sort()).toEqual([OUTPUT_MARKER, 'history.json', 'sub/', 'sub/notes.txt']);
  expect(() => removeOwnOutputs(dir, ['history.json'])).toThrow(/not a removable output/);
  expect(() => removeOwnOutputs(dir, ['sub'])).toThrow(/not a removable output/);
  // a folder that only ever held the tool's outputs (written before markers existed) is adopted
  const legacy = mkdtempSync(path.join(tmpdir(), 'cli-safety-legacy-'));
  writeFileSync(path.join(legacy, 'results.json'), '{}');
  writeFileSync(path.join(legacy, 'history.json'), '{}');
  claimOutputFolder(legacy);
  expect(existsSync(path.join(legacy, OUTPUT_MARKER))).toBe(true);
});
