// The bundle cache behind the lab's router launcher (drivers/lab/bundle-cache.ts), on a tiny
// project of its own in a temp dir: reuse while the sources are unchanged, a rebuild when any
// bundled source changes (also one imported only since the last build), whole files under
// concurrent builders, and a clear error for a source that does not compile.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildBundle, cachedBundle, type BundleRecipe } from '../../../drivers/lab/bundle-cache.ts';

let root: string;
let recipe: BundleRecipe;

test.beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'bundle-cache-'));
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'word.ts'), "export const word: string = 'one';\n");
  recipe = {
    name: 'demo', root, resolveDir: path.join(root, 'src'), external: [],
    entrySource: "import { word } from './word.ts';\nconsole.log(word);\n",
    cacheDir: path.join(root, 'node_modules', '.cache', 'demo'),
  };
});

test.afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = (file: string) => execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim();

test('an unchanged source tree reuses the bundle; an edit to a bundled file rebuilds it', async () => {
  const first = await cachedBundle(recipe);
  expect(first.built).toBe(true);
  expect(run(first.file)).toBe('one');
  const again = await cachedBundle(recipe);
  expect(again).toEqual({ file: first.file, key: first.key, built: false });

  writeFileSync(path.join(root, 'src', 'word.ts'), "export const word: string = 'two';\n");
  const edited = await cachedBundle(recipe);
  expect(edited.built).toBe(true);
  expect(edited.key).not.toBe(first.key);
  expect(run(edited.file)).toBe('two');
  // the old bundle is still whole (a launcher may be about to spawn it)
  expect(run(first.file)).toBe('one');
});

test('a file imported since the last build is watched from the rebuild on', async () => {
  await cachedBundle(recipe);
  writeFileSync(path.join(root, 'src', 'suffix.ts'), "export const suffix = '!';\n");
  writeFileSync(path.join(root, 'src', 'word.ts'), "import { suffix } from './suffix.ts';\nexport const word: string = 'three' + suffix;\n");
  const withImport = await cachedBundle(recipe);
  expect(withImport.built).toBe(true);
  expect(run(withImport.file)).toBe('three!');
  writeFileSync(path.join(root, 'src', 'suffix.ts'), "export const suffix = '?';\n");
  const b = await cachedBundle(recipe);
  expect(b.built).toBe(true);
  expect(run(b.file)).toBe('three?');
});

test('concurrent builders of the same sources leave one whole bundle and no temp files', async () => {
  const all = await Promise.all([1, 2, 3, 4].map(() => buildBundle(recipe)));
  expect(new Set(all.map((b) => b.file)).size).toBe(1);
  expect(run(all[0].file)).toBe('one');
  const files = readdirSync(recipe.cacheDir);
  expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect(files.sort()).toEqual([path.basename(all[0].file), 'demo.inputs.json']);
  expect((await cachedBundle(recipe)).built).toBe(false);
});

test('a source that does not compile is an error naming the file, and leaves no bundle', async () => {
  writeFileSync(path.join(root, 'src', 'word.ts'), 'export const word: string = ;\n');
  await expect(cachedBundle(recipe)).rejects.toThrow(/word\.ts/);
  expect(() => readdirSync(recipe.cacheDir)).toThrow(); // never created: nothing half-written
});
