// Issue 13 "What must be shown" 1 (and issue 9 point 3): every defect of the emulated router is killed,
// on RTX5000 and RTX1210, and with no defect there is no failure in 3 repeated baseline runs. One
// default `mutation` invocation, whose two parts (cli/mutation.ts mutationParts) keep CI within budget:
//   - RTX5000 (two or more tunnels, the policy-filter stages, a revision below its oldest band) runs
//     every defect it can show, with its whole baseline run 3 times;
//   - RTX1210 (newest band: the L2MS-manager combination) runs the defects RTX5000 cannot show
//     (suites/support/mutants.ts L2MS_MANAGER_DEFECTS: it has no L2MS commands), within @l2ms minus its
//     namespace lab (cli/mutation.ts L2MS_MANAGER_GREP), whose
//     baseline it runs 3 times.
// The kill table (defect, device, the test that killed it) is printed and attached. The whole
// catalogue on RTX1210 is `mutation --models RTX1210` (README), too long for every CI run.
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFECT_NAMES } from '../../reference-impl/router/defects.ts';
import { DEFECT_SYMPTOM_TAGS, defectOfProject, L2MS_MANAGER_DEFECTS, L2MS_MANAGER_MUTATION_MODEL, mutantProjectName, tagsGrep } from '../../suites/support/mutants.ts';
import { L2MS_MANAGER_GREP, mutationParts } from '../../cli/mutation.ts';
import { runCli } from './helpers/cli-process.ts';

const BASELINE_REPEAT = 3;

interface Kill { readonly defect: string; readonly device: string; readonly test: string }

/** The progress lines of cli/mutation.ts: `killed   DEFECT on DEVICE by TEST (+T s)`. */
function kills(stdout: string): Kill[] {
  return [...stdout.matchAll(/^killed +(\S+) on (.+?) by (.+) \(\+[\d.]+ s\)$/gm)].map((m) => ({ defect: m[1], device: m[2], test: m[3] }));
}

test('mutation over every defect on RTX5000 and RTX1210: each killed; each baseline passes 3 times; kill table printed with the killing test', async () => {
  test.setTimeout(1_200_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-mutation-'));
  const started = Date.now();
  // --workers 2: it shares the CI machine with the default run (tests/suites/run.spec.ts)
  const r = await runCli(['mutation', '--baseline-repeat', String(BASELINE_REPEAT), '--out', out, '--workers', '2'], 1_150_000);
  const seconds = (Date.now() - started) / 1000;
  await test.info().attach('mutation output', { body: `${r.stdout}${r.stderr}\n(${seconds.toFixed(1)} s)`, contentType: 'text/plain' });
  expect(r.stdout).toMatch(new RegExp(`baseline \\(no defect, ${BASELINE_REPEAT} run\\(s\\), \\d+ test runs\\): no test failed`));
  // both devices ran, each with its baseline
  expect(r.stdout).toMatch(/^baseline RTX5000 .*: \d+ test runs, all passed/m);
  expect(r.stdout).toMatch(new RegExp(`^baseline ${L2MS_MANAGER_MUTATION_MODEL} .*: \\d+ test runs, all passed`, 'm'));
  const found = kills(r.stdout);
  const table = DEFECT_NAMES.map((d) => found.find((k) => k.defect === d) ?? { defect: d, device: '-', test: 'SURVIVED' });
  const width = Math.max(...DEFECT_NAMES.map((d) => d.length));
  const text = [`kill table (${DEFECT_NAMES.length} defects, ${seconds.toFixed(0)} s)`, ...table.map((k) => `${k.defect.padEnd(width)}  ${k.device.padEnd(22)}  ${k.test}`)].join('\n');
  console.log(text);
  await test.info().attach('kill table.txt', { body: text, contentType: 'text/plain' });
  expect(table.filter((k) => k.device === '-').map((k) => k.defect), 'surviving defects').toEqual([]);
  for (const d of L2MS_MANAGER_DEFECTS) expect(table.find((k) => k.defect === d)?.device, d).toMatch(new RegExp(`^${L2MS_MANAGER_MUTATION_MODEL} `));
  // per defect, the CLI's progress says how many tests failed
  for (const d of DEFECT_NAMES) expect(r.stdout, d).toMatch(new RegExp(`^done +${d}: [1-9]\\d* of \\d+ tests failed`, 'm'));
  expect(r.stdout).toContain('kill table');
  expect(r.stdout).toContain(`killed ${DEFECT_NAMES.length}/${DEFECT_NAMES.length}`);
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
});

test('mutation parts: the default run puts the L2MS-manager defects on RTX1210 within @l2ms, the rest on RTX5000; --models runs every defect there', () => {
  const parts = mutationParts(DEFECT_NAMES, [], undefined, '/tmp/x');
  expect(parts.map((p) => p.models)).toEqual([['RTX5000'], [L2MS_MANAGER_MUTATION_MODEL]]);
  expect(parts[1].defects).toEqual([...L2MS_MANAGER_DEFECTS]);
  expect(parts[1].grep).toBe(L2MS_MANAGER_GREP);
  // the grep Playwright gets: @l2ms titles, not the namespace lab's
  const grep = new RegExp(L2MS_MANAGER_GREP);
  expect(grep.test('L2TPv3 and L2MS the endpoint as L2MS manager: accepted ... @l2ms')).toBe(true);
  expect(grep.test('L2TPv3 and L2MS seed topology l2ms-pass-through.yaml ... @l2ms @netns')).toBe(false);
  expect(grep.test('router CLI `save` writes the running config @cli')).toBe(false);
  expect([...parts[0].defects, ...parts[1].defects].sort()).toEqual([...DEFECT_NAMES].sort());
  expect(new Set(parts.map((p) => p.outDir)).size).toBe(2);
  expect(mutationParts(['syslog-typo'], [], undefined, '/tmp/x').map((p) => p.models)).toEqual([['RTX5000']]);
  expect(mutationParts(DEFECT_NAMES, ['RTX1210'], '@control', '/tmp/x')).toEqual([{ models: ['RTX1210'], defects: DEFECT_NAMES, grep: '@control', outDir: '/tmp/x' }]);
});

test('mutation: every defect has symptom areas; project names carry the defect; tag grep matches only those tags', () => {
  for (const d of DEFECT_NAMES) expect(DEFECT_SYMPTOM_TAGS[d].length, d).toBeGreaterThan(0);
  // the RTX1210 half of the CI kill table runs @l2ms only: its defects must show there
  for (const d of L2MS_MANAGER_DEFECTS) expect(DEFECT_SYMPTOM_TAGS[d], d).toContain('@l2ms');
  const device = { model: 'RTX5000', firmware: 'Rev.14.00.26', kind: 'emulated' as const, role: 'RTX5000', defects: [] };
  expect(defectOfProject(mutantProjectName(device, 'syslog-typo'))).toBe('syslog-typo');
  expect(defectOfProject('RTX5000 Rev.14.00.26')).toBeUndefined();
  const g = tagsGrep(['@tie-break', '@ids']);
  expect(g.test('simultaneous SCCRQ @tie-break')).toBe(true);
  expect(g.test('wrong Router ID @ids')).toBe(true);
  expect(g.test('learning @learning')).toBe(false);
  expect(g.test('x @idsomething')).toBe(false);
});

test('mutation: bad input is a one-line error, exit 2', async () => {
  const a = await runCli(['mutation', '--defects', 'no-such-defect'], 60_000);
  expect(a.code).toBe(2);
  expect(a.stderr).toContain("unknown defect 'no-such-defect'");
  const b = await runCli(['mutation', '--baseline-repeat', '0'], 60_000);
  expect(b.code).toBe(2);
  expect(a.stderr + b.stderr).not.toMatch(/\n\s+at /);
});
