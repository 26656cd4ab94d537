// Issue 16 "What must be shown" 3: "`profile learn` against a deliberately different emulated
// profile reports exactly the planted differences; `run --lab` with that profile is green where it
// was red with the defaults." The bench device is an emulated RTX1210 posing as a physical one
// (helpers/bench.ts: reached only over SSH through a lab inventory) that runs the `sequencing`
// firmware-profile variant (`router --profile sequencing`: it asks for the Default L2-Specific
// Sublayer and Data Sequencing level 2, where the project assumes neither). Then
// (a) `profile learn` refutes exactly those two assumptions and nothing else;
// (b) `run --lab` over the sequencing area fails with the default profile: the oracle predicts a
//     router that asks for no sequencing;
// (c) the same run with `--profiles DIR` holding the learned file passes, and says which file it
//     used for which device on the terminal, in matrix.json and in Allure's environment;
// (d) the default folder (profiles/ beside the inventory) is picked up without the flag, and a
//     file there that is not a profile is named.
import { test, expect } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SESSION_PROFILE_ASSUMPTIONS } from '../../reference-impl/control/session-profile-assumptions.ts';
import { readProfile } from '../../drivers/learn/profile-file.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, startBench, type Bench } from './helpers/bench.ts';
import { runCli } from './helpers/cli-process.ts';

/** The one test where the router's own L2SS and sequencing request show (suites/sequencing.spec.ts). */
const GREP = 'own L2SS and sequencing request follow the firmware profile';

function run(b: Bench, out: string, extra: readonly string[] = []) {
  return runCli(['run', '--lab', b.inventory, '--grep', GREP, '--out', out, '--display', 'list', ...extra], 150_000, b.env);
}

test('a bench with a planted profile: learn reports exactly the planted differences; run --lab is red with the defaults, green with the learned profile', async () => {
  test.setTimeout(420_000);
  const b = await startBench('learned-run', { profile: 'sequencing' });
  try {
    // (a) learn: exactly the planted differences refuted, in the file and on the terminal
    const learnedDir = path.join(b.dir, 'learned');
    mkdirSync(learnedDir);
    const file = path.join(learnedDir, 'rtx1210-14.01.26.json');
    const learn = await runCli(['profile', 'learn', '--lab', b.inventory, '--out', file], 120_000, b.env);
    expect(learn.code, learn.stderr).toBe(0);
    const profile = readProfile(file);
    const refuted = profile.assumptions.filter((a) => a.verdict === 'refuted').map((a) => a.id);
    expect(refuted).toEqual([SESSION_PROFILE_ASSUMPTIONS.l2ssOffered.id, SESSION_PROFILE_ASSUMPTIONS.dataSequencing.id]);
    expect(profile.assumptions.filter((a) => a.verdict === 'not-probed').map((a) => a.id), 'learn probed everything it could judge').toEqual([]);
    expect(learn.stdout).toContain(`refuted 2 (${refuted.join(', ')})`);

    // (b) the defaults: the oracle predicts no L2SS and no sequencing, the device asks for both
    const red = await run(b, path.join(b.dir, 'out-defaults'));
    await test.info().attach('run with the defaults', { body: red.stdout + red.stderr, contentType: 'text/plain' });
    expect(red.code, red.stdout.slice(-3000) + red.stderr.slice(-2000)).toBe(1);
    expect(red.stdout).toMatch(/1 failed/);
    // red for the planted reason: the router's requests, not anything else of the test
    expect(red.stdout).toContain('L2-Specific Sublayer the router asked for (firmware profile l2ssOffered)');
    expect(red.stdout).toContain('Data Sequencing level the router asked for (firmware profile dataSequencing)');
    expect(red.stdout).not.toContain('learned profiles');

    // (c) the learned profile: the same test green, and the run says which file it used
    const outLearned = path.join(b.dir, 'out-learned');
    const green = await run(b, outLearned, ['--profiles', learnedDir]);
    await test.info().attach('run with the learned profile', { body: green.stdout + green.stderr, contentType: 'text/plain' });
    expect(green.code, green.stdout.slice(-3000) + green.stderr.slice(-2000)).toBe(0);
    expect(green.stdout).toMatch(/1 passed/);
    expect(green.stdout).toContain(`bench (RTX1210 Rev.14.01.26) predicted with ${file}`);
    expect(green.stdout).toContain('differs from the defaults: l2ssOffered=1, dataSequencing=2)');
    const matrix = JSON.parse(readFileSync(path.join(outLearned, 'matrix.json'), 'utf8')) as { identity: { devices: { role: string; learnedProfile?: string }[] } };
    expect(matrix.identity.devices.map((d) => [d.role, d.learnedProfile])).toEqual([['bench', file]]);
    const envFile = readdirSync(path.join(outLearned, 'allure-results')).find((f) => f.startsWith('environment'));
    expect(readFileSync(path.join(outLearned, 'allure-results', envFile!), 'utf8')).toContain(`learnedProfile.bench=${file}`);

    // (d) without the flag, profiles/ beside the inventory is used
    const beside = path.join(b.dir, 'profiles');
    mkdirSync(beside);
    copyFileSync(file, path.join(beside, 'rtx1210.json'));
    writeFileSync(path.join(beside, 'notes.json'), '{"not": "a profile"}');
    const byDefault = await run(b, path.join(b.dir, 'out-default-folder'), ['--no-allure']);
    expect(byDefault.code, byDefault.stdout.slice(-3000) + byDefault.stderr.slice(-2000)).toBe(0);
    expect(byDefault.stdout).toContain(`predicted with ${path.join(beside, 'rtx1210.json')}`);
    expect(byDefault.stdout).toMatch(/skipped .*notes\.json: format is not/);

    for (const r of [learn, red, green, byDefault]) for (const secret of [BENCH_PASSWORD, BENCH_ADMIN]) expect(r.stdout + r.stderr).not.toContain(secret);
  } finally {
    await b.stop();
  }
});
