// `l2tpv3-conformance mutation`: runs the conformance suites against the emulated routers once per
// injected defect (router --list-defects) and prints the kill table: each defect and the tests that
// failed because of it. A defect no test notices survives. One Playwright invocation: per device a
// baseline project (no defect, repeated --baseline-repeat times: a test failing there cannot count
// as a kill) and one project per defect running the areas where the defect's symptom shows
// (suites/support/mutants.ts; --all-tests: all). While it runs, a reporter
// (suites/support/mutation-progress-reporter.ts) prints per defect: running, killed by which test, time.
// Flags: MUTATION_COMMAND below. Exit 1 when a defect survives or the baseline fails, 2 on bad input
// (checked before the output folder is touched; a folder the tool did not create is refused),
// 3 harness error, 130 interrupted.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { invoke, PROGRAM, type CommandDef, type ParsedCommand } from './command-table.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { claimOutputFolder, removeOwnOutputs, writeFailure } from './output-folder.ts';
import { resolveModels, SHARED_FLAGS } from './run.ts';
import { runSuites } from './suite-process.ts';
import { reportPaths } from '../reports/allure/reporter-config.ts';
import { DEFECT_NAMES } from '../reference-impl/router/defects.ts';
import { selectDevices, LabSelectionError, type LabSelection } from '../suites/support/devices.ts';
import { defectOfProject, MUTATION_ENV } from '../suites/support/mutants.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PROGRESS_REPORTER = resolve(ROOT, 'suites/support/mutation-progress-reporter.ts');
const DEFAULT_OUT = join(tmpdir(), 'l2tpv3-mutation');

/** Default device: one model keeps a mutation run short; it must be able to show every defect. */
export const MUTATION_DEFAULT_MODELS = ['RTX5000'];

export const MUTATION_COMMAND: CommandDef = {
  name: 'mutation',
  summary: 'run the suites once per injected emulator defect and print the kill table',
  description:
    'Progress is printed per defect while it runs (running, killed by which test, time), then the kill table.\n' +
    'The output folder gets a marker file; a non-empty folder the tool did not create is refused.',
  flags: [
    { name: 'defects', type: 'string', multiple: true, list: true, valueName: 'a,b,...', choices: DEFECT_NAMES, choiceNoun: 'defect', help: 'only these defects (default: every defect)' },
    { name: 'sample', type: 'string', valueName: 'N', int: [1, DEFECT_NAMES.length], help: 'N defects spread evenly over the defect table (deterministic; excludes --defects)' },
    { ...SHARED_FLAGS.models, default: MUTATION_DEFAULT_MODELS.join(','), help: 'devices of the default emulated lab to run (RTX5000 can show every defect: two or more tunnels, the policy-filter stage set, a revision below its oldest band)' },
    SHARED_FLAGS.grep,
    { name: 'out', type: 'string', valueName: 'DIR', output: 'folder', default: DEFAULT_OUT, help: 'output folder of the Playwright JSON report' },
    SHARED_FLAGS.timeScale,
    SHARED_FLAGS.workers,
    { name: 'baseline-repeat', type: 'string', valueName: 'N', int: [1, 20], default: '1', help: 'run the defect-free baseline N times; any failure there stops the count' },
    { name: 'no-baseline', type: 'boolean', help: 'skip the defect-free baseline' },
    { name: 'all-tests', type: 'boolean', help: "every defect runs every test, not only the areas where its symptom shows" },
  ],
  examples: [`${PROGRAM} mutation --sample 5`, `${PROGRAM} mutation --defects syslog-typo,no-ageing --out /tmp/mut`],
  run: mutationHandler,
};


/** N names spread evenly over `all` (indices floor(i * len / N)); deterministic. */
export function sampleDefects(all: readonly string[], n: number): string[] {
  const k = Math.min(n, all.length);
  return Array.from({ length: k }, (_, i) => all[Math.floor((i * all.length) / k)]);
}

interface JsonSuite { title: string; specs?: { title: string; tests: { projectName?: string; status: string }[] }[]; suites?: JsonSuite[] }

export interface TestTally {
  /** "project > spec title" of every test Playwright counted as unexpected (one per failed run). */
  failed: string[];
  /** Tests run per project (skipped ones excluded). */
  ran: Map<string, number>;
}

/** Failures and run counts of a Playwright JSON report. */
export function tallyResults(resultsFile: string): TestTally {
  if (!existsSync(resultsFile)) throw new Error(`no results at ${resultsFile}`);
  const json = JSON.parse(readFileSync(resultsFile, 'utf8')) as { suites: JsonSuite[] };
  const out: TestTally = { failed: [], ran: new Map() };
  const walk = (s: JsonSuite): void => {
    for (const sp of s.specs ?? []) {
      for (const t of sp.tests) {
        const project = t.projectName ?? '';
        if (t.status !== 'skipped') out.ran.set(project, (out.ran.get(project) ?? 0) + 1);
        if (t.status === 'unexpected') out.failed.push(`${project} > ${sp.title}`);
      }
    }
    for (const c of s.suites ?? []) walk(c);
  };
  json.suites.forEach(walk);
  return out;
}

/** Titles ("project > spec title") of the tests Playwright counted as unexpected. */
export function failedTests(resultsFile: string): string[] {
  return tallyResults(resultsFile).failed;
}

async function mutationHandler(args: ParsedCommand): Promise<number> {
  const started = Date.now();
  // 1. Every input is checked before anything on disk changes (issue 17 point 1).
  const named = args.strings('defects');
  const sample = args.int('sample');
  if (named.length > 0 && sample !== undefined) throw new UsageError('--defects and --sample exclude each other');
  const defects = named.length > 0 ? named : sample !== undefined ? sampleDefects(DEFECT_NAMES, sample) : [...DEFECT_NAMES];
  const models = resolveModels(args.strings('models'));
  const selection: LabSelection = { models: models.length > 0 ? models : MUTATION_DEFAULT_MODELS };
  try {
    selectDevices(selection);
  } catch (e) {
    if (e instanceof LabSelectionError) throw new UsageError(e.message);
    throw e;
  }
  const baselineRepeat = args.bool('no-baseline') ? 0 : (args.int('baseline-repeat') ?? 1);
  const paths = reportPaths(resolve(args.string('out') ?? DEFAULT_OUT));
  // 2. Claim the folder; remove only this tool's outputs of the last mutation run.
  claimOutputFolder(paths.outDir);
  try {
    removeOwnOutputs(paths.outDir, ['results.json', 'allure-results', 'junit.xml']);
  } catch (e) {
    throw writeFailure(paths.outDir, e);
  }
  console.log(`${PROGRAM} mutation: ${defects.length} defect(s) on ${selectDevices(selection).length} device(s), baseline x${baselineRepeat}${args.bool('all-tests') ? ', every test per defect' : ''}`);
  const run = await runSuites({
    selection, paths, grep: args.string('grep'), timeScale: args.number('time-scale'), workers: args.int('workers'),
    reporters: [PROGRESS_REPORTER, 'json'], childStdout: 'stdout',
    env: {
      [MUTATION_ENV.defects]: defects.join(','),
      [MUTATION_ENV.baselineRepeat]: String(baselineRepeat),
      [MUTATION_ENV.allTests]: args.bool('all-tests') ? '1' : '',
    },
  });
  let tally: TestTally;
  try {
    tally = tallyResults(paths.playwrightJson);
  } catch {
    console.error(`${PROGRAM} mutation: the suites wrote no results (${paths.playwrightJson}); playwright exited ${run.code}`);
    return run.interruptedBy ? EXIT.interrupted : EXIT.harness;
  }
  const projectOf = (t: string) => t.slice(0, t.indexOf(' > '));
  if (baselineRepeat > 0) {
    const base = tally.failed.filter((t) => defectOfProject(projectOf(t)) === undefined);
    const ran = [...tally.ran].filter(([p]) => defectOfProject(p) === undefined).reduce((a, [, n]) => a + n, 0);
    console.log(`baseline (no defect, ${baselineRepeat} run(s), ${ran} test runs): ${base.length === 0 ? 'no test failed' : `${base.length} failed`}`);
    if (base.length > 0) {
      for (const t of base) console.log(`  ${t}`);
      console.error(`${PROGRAM} mutation: the suites fail without a defect; fix that first (a failure there is no kill)`);
      return run.interruptedBy ? EXIT.interrupted : EXIT.failures;
    }
  }
  const rows = defects.map((d) => ({ defect: d, failed: tally.failed.filter((t) => defectOfProject(projectOf(t)) === d), ran: [...tally.ran].filter(([p]) => defectOfProject(p) === d).reduce((a, [, n]) => a + n, 0) }));
  console.log('\nkill table');
  const width = Math.max(6, ...rows.map((r) => r.defect.length));
  console.log(`${'defect'.padEnd(width)}  tests that failed`);
  console.log('-'.repeat(width + 20));
  for (const r of rows) {
    const none = r.ran === 0 ? (run.interruptedBy ? 'not run (interrupted)' : 'NONE (survived: no test ran; widen --grep)') : 'NONE (survived)';
    console.log(`${r.defect.padEnd(width)}  ${r.failed.length === 0 ? none : r.failed[0]}`);
    for (const t of r.failed.slice(1)) console.log(`${''.padEnd(width)}  ${t}`);
  }
  const survivors = rows.filter((r) => r.failed.length === 0).map((r) => r.defect);
  console.log(`\nkilled ${rows.length - survivors.length}/${rows.length}${survivors.length ? `; survived: ${survivors.join(', ')}` : ''}`);
  console.log(`wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (run.interruptedBy) {
    console.error(`${PROGRAM} mutation: interrupted by ${run.interruptedBy}; the table shows the defects run so far`);
    return EXIT.interrupted;
  }
  return survivors.length > 0 ? EXIT.failures : EXIT.ok;
}

/** `mutation ...` argv (tests call this); usage errors are thrown as UsageError. */
export function mutationCommand(argv: string[]): Promise<number> {
  return invoke(MUTATION_COMMAND, argv, [PROGRAM, 'mutation']);
}
