// The code-cache loader runs a CommonJS bundle as `node BUNDLE ARGS` would (arguments, exit code,
// stdout/stderr, require of packages next to the bundle, __filename), writes the V8 cache when the
// first process exits, uses it in the next one (V8 accepts it), and rewrites a cache V8 rejects.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CODE_CACHE_LOADER } from '../../../drivers/lab/router-launch.ts';

// Under node_modules/.cache as the router bundle is, so `require('yaml')` resolves from it.
const CACHE_ROOT = path.resolve(import.meta.dirname, '../../../node_modules/.cache');
let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(path.join(CACHE_ROOT, 'code-cache-loader-test-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BUNDLE = `
const { stringify } = require('yaml');
const v8 = require('node:v8');
process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), file: __filename, yaml: stringify({ a: 1 }).trim(), url: require('node:url').pathToFileURL(__filename).href }) + '\\n');
process.stderr.write('to stderr\\n');
process.exitCode = Number(process.argv[2] ?? '0');
void v8;
`;

function run(bundle: string, args: string[]) {
  const r = spawnSync(process.execPath, [CODE_CACHE_LOADER, bundle, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout.trim() === '' ? undefined : JSON.parse(r.stdout) as { argv: string[]; file: string; yaml: string }, stderr: r.stderr };
}

test('runs the bundle as node BUNDLE ARGS would: its arguments, exit code, output, require next to it', () => {
  const bundle = path.join(dir, 'b.cjs');
  writeFileSync(bundle, BUNDLE);
  const r = run(bundle, ['3', '--flag']);
  expect(r.status).toBe(3);
  expect(r.out).toEqual({ argv: [bundle, '3', '--flag'], file: bundle, yaml: 'a: 1', url: `file://${bundle}` });
  expect(r.stderr).toBe('to stderr\n');
});

test('the V8 cache is written by the first run, accepted by the next, and a rejected one is rewritten', () => {
  const bundle = path.join(dir, 'b.cjs');
  writeFileSync(bundle, BUNDLE);
  const cache = `${bundle}.v8cache`;
  expect(existsSync(cache)).toBe(false);
  expect(run(bundle, ['0']).status).toBe(0);
  const first = readFileSync(cache);
  expect(first.length).toBeGreaterThan(0);
  // accepted: a second run leaves the file alone (a missing or rejected cache is written anew,
  // by a rename: another inode)
  const inode = statSync(cache).ino;
  expect(run(bundle, ['0']).status).toBe(0);
  expect(statSync(cache).ino).toBe(inode);
  expect(readFileSync(cache).equals(first)).toBe(true);
  // rejected (not V8's data): the run still works, and the cache is made anew
  const junk = Buffer.from('not a V8 code cache');
  writeFileSync(cache, junk);
  expect(run(bundle, ['0']).status).toBe(0);
  const remade = readFileSync(cache);
  expect(remade.equals(junk)).toBe(false);
  expect(remade.length).toBeGreaterThan(junk.length);
  // and the remade one is accepted in turn
  const remadeInode = statSync(cache).ino;
  expect(run(bundle, ['0']).status).toBe(0);
  expect(statSync(cache).ino).toBe(remadeInode);
});

test('a missing or non-.cjs bundle argument is a usage error (exit 2), nothing run', () => {
  const r = spawnSync(process.execPath, [CODE_CACHE_LOADER], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('code-cache-loader: usage: node code-cache-loader.cjs BUNDLE.cjs ARGS...\n');
  expect(spawnSync(process.execPath, [CODE_CACHE_LOADER, path.join(dir, 'x.mjs')], { encoding: 'utf8' }).status).toBe(2);
});
