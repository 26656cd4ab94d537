// `l2tpv3-conformance mutation`: runs the conformance suites against the emulated routers once per
// injected defect (router --list-defects) and prints the kill table: each defect and the tests that
// failed because of it. A defect no test notices survives. One Playwright invocation: per device a
// baseline project (no defect, repeated --baseline-repeat times: a test failing there cannot count
// as a kill) and one project per defect running the areas where the defect's symptom shows
// (suites/support/mutants.ts; --all-tests: all). While it runs, a reporter
// (suites/support/mutation-progress-reporter.ts) prints per defect: running, killed by which test, time.
// By default the run has two parts (two Playwright invocations, merged into one kill table): RTX5000
// with every defect it can show, and RTX1210 (the L2MS-manager combination RTX5000 lacks) with the
// defects only such a device shows (mutants.ts L2MS_MANAGER_DEFECTS), within @l2ms. With --models,
// every defect runs on the devices named.
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
import { reportPaths, type ReportPaths } from '../reports/allure/reporter-config.ts';
import { DEFECT_NAMES } from '../reference-impl/router/defects.ts';
import { selectDevices, LabSelectionError } from '../suites/support/devices.ts';
import { defectOfProject, L2MS_MANAGER_DEFECTS, L2MS_MANAGER_MUTATION_MODEL, MUTATION_ENV, notObservableReason } from '../suites/support/mutants.ts';
import { projectName, type SuiteDevice } from '../suites/support/devices.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PROGRESS_REPORTER = resolve(ROOT, 'suites/support/mutation-progress-reporter.ts');
const DEFAULT_OUT = join(tmpdir(), 'l2tpv3-mutation');

/**
 * Default device: one model keeps a mutation run short; it shows every defect but the L2MS-manager
 * ones, which run on L2MS_MANAGER_MUTATION_MODEL (see mutationParts).
 */
export const MUTATION_DEFAULT_MODELS = ['RTX5000'];
/**
 * The grep of the default run's L2MS-manager part: @l2ms, where those defects show (mutants.ts), but
 * not its namespace lab (@netns, ~20 s a run: the manager-on-endpoint test kills them; the default
 * conformance run and tests/l2ms run the lab).
 */
export const L2MS_MANAGER_GREP = '^(?!.*@netns).*@l2ms';

export const MUTATION_COMMAND: CommandDef = {
  name: 'mutation',
  summary: 'run the suites once per injected emulator defect and print the kill table',
  description:
    'Progress is printed per defect while it runs (running, killed by which test, time), then the kill table.\n' +
    'The output folder gets a marker file; a non-empty folder the tool did not create is refused.',
  flags: [
    { name: 'defects', type: 'string', multiple: true, list: true, valueName: 'a,b,...', choices: DEFECT_NAMES, choiceNoun: 'defect', help: 'only these defects (default: every defect)' },
    { name: 'sample', type: 'string', valueName: 'N', int: [1, DEFECT_NAMES.length], help: 'N defects spread evenly over the defect table (deterministic; excludes --defects)' },
    { ...SHARED_FLAGS.models, help: `devices of the default emulated lab to run every chosen defect on (default: ${MUTATION_DEFAULT_MODELS.join(',')}, which shows every defect but the L2MS-manager ones, plus ${L2MS_MANAGER_MUTATION_MODEL} for those, within @l2ms without its namespace lab)` },
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

/** One Playwright invocation of a mutation run: devices, the defects each carries, its grep and outputs. */
export interface MutationPart {
  readonly models: readonly string[];
  readonly defects: readonly string[];
  readonly grep?: string;
  readonly outDir: string;
}

/**
 * The invocations of a run. --models given: one, every defect on those devices. Default: RTX5000 with
 * every defect but the L2MS-manager ones, and (when any is chosen) L2MS_MANAGER_MUTATION_MODEL with
 * those, within L2MS_MANAGER_GREP unless --grep says otherwise (its baseline runs only that too), in a subfolder.
 */
export function mutationParts(defects: readonly string[], models: readonly string[], grep: string | undefined, outDir: string): MutationPart[] {
  if (models.length > 0) return [{ models, defects, grep, outDir }];
  const manager = defects.filter((d) => (L2MS_MANAGER_DEFECTS as readonly string[]).includes(d));
  const rest = defects.filter((d) => !manager.includes(d));
  return [
    ...(rest.length > 0 ? [{ models: MUTATION_DEFAULT_MODELS, defects: rest, grep, outDir }] : []),
    ...(manager.length > 0 ? [{ models: [L2MS_MANAGER_MUTATION_MODEL], defects: manager, grep: grep ?? L2MS_MANAGER_GREP, outDir: join(outDir, 'l2ms-manager') }] : []),
  ];
}

const projectOf = (t: string) => t.slice(0, t.indexOf(' > '));

async function mutationHandler(args: ParsedCommand): Promise<number> {
  const started = Date.now();
  // 1. Every input is checked before anything on disk changes (issue 17 point 1).
  const named = args.strings('defects');
  const sample = args.int('sample');
  if (named.length > 0 && sample !== undefined) throw new UsageError('--defects and --sample exclude each other');
  const defects = named.length > 0 ? named : sample !== undefined ? sampleDefects(DEFECT_NAMES, sample) : [...DEFECT_NAMES];
  const parts = mutationParts(defects, resolveModels(args.strings('models')), args.string('grep'), resolve(args.string('out') ?? DEFAULT_OUT));
  for (const part of parts) {
    try {
      selectDevices({ models: [...part.models] });
    } catch (e) {
      if (e instanceof LabSelectionError) throw new UsageError(e.message);
      throw e;
    }
  }
  const baselineRepeat = args.bool('no-baseline') ? 0 : (args.int('baseline-repeat') ?? 1);
  // 2. Claim the folders; remove only this tool's outputs of the last mutation run.
  const paths = parts.map((part) => reportPaths(part.outDir));
  for (const p of paths) {
    claimOutputFolder(p.outDir);
    try {
      removeOwnOutputs(p.outDir, ['results.json', 'allure-results', 'junit.xml']);
    } catch (e) {
      throw writeFailure(p.outDir, e);
    }
  }
  const devices = parts.reduce((n, part) => n + selectDevices({ models: [...part.models] }).length, 0);
  console.log(`${PROGRAM} mutation: ${defects.length} defect(s) on ${devices} device(s), baseline x${baselineRepeat}${args.bool('all-tests') ? ', every test per defect' : ''}`);
  const tally: TestTally = { failed: [], ran: new Map() };
  let interruptedBy: string | undefined;
  for (const [i, part] of parts.entries()) {
    if (parts.length > 1) console.log(`part ${i + 1} of ${parts.length}: ${part.defects.length} defect(s) on ${part.models.join(',')}${part.grep ? ` (--grep ${part.grep})` : ''}`);
    const run = await runPart(args, part, paths[i], baselineRepeat);
    if (run.tally) {
      tally.failed.push(...run.tally.failed);
      for (const [p, n] of run.tally.ran) tally.ran.set(p, (tally.ran.get(p) ?? 0) + n);
    }
    interruptedBy = run.interruptedBy;
    if (run.tally === undefined) return interruptedBy ? EXIT.interrupted : EXIT.harness;
    if (interruptedBy) break;
  }
  const byProject = new Map(parts.flatMap((part) => selectDevices({ models: [...part.models] }).map((d) => [projectName(d), d] as const)));
  return printKillTable(tally, defects, baselineRepeat, interruptedBy, started, byProject);
}

async function runPart(args: ParsedCommand, part: MutationPart, paths: ReportPaths, baselineRepeat: number): Promise<{ tally?: TestTally; interruptedBy?: string }> {
  const run = await runSuites({
    selection: { models: [...part.models] }, paths, grep: part.grep, timeScale: args.number('time-scale'), workers: args.int('workers'),
    reporters: [PROGRESS_REPORTER, 'json'], childStdout: 'stdout',
    env: {
      [MUTATION_ENV.defects]: part.defects.join(','),
      [MUTATION_ENV.baselineRepeat]: String(baselineRepeat),
      [MUTATION_ENV.allTests]: args.bool('all-tests') ? '1' : '',
    },
  });
  try {
    return { tally: tallyResults(paths.playwrightJson), interruptedBy: run.interruptedBy };
  } catch {
    console.error(`${PROGRAM} mutation: the suites wrote no results (${paths.playwrightJson}); playwright exited ${run.code}`);
    return { interruptedBy: run.interruptedBy };
  }
}

function printKillTable(tally: TestTally, defects: readonly string[], baselineRepeat: number, interruptedBy: string | undefined, started: number, byProject: ReadonlyMap<string, SuiteDevice> = new Map()): number {
  if (baselineRepeat > 0) {
    const base = tally.failed.filter((t) => defectOfProject(projectOf(t)) === undefined);
    const ran = [...tally.ran].filter(([p]) => defectOfProject(p) === undefined).reduce((a, [, n]) => a + n, 0);
    console.log(`baseline (no defect, ${baselineRepeat} run(s), ${ran} test runs): ${base.length === 0 ? 'no test failed' : `${base.length} failed`}`);
    if (base.length > 0) {
      for (const t of base) console.log(`  ${t}`);
      console.error(`${PROGRAM} mutation: the suites fail without a defect; fix that first (a failure there is no kill)`);
      return interruptedBy ? EXIT.interrupted : EXIT.failures;
    }
  }
  const rows = defects.map((d) => {
    const projects = [...tally.ran].filter(([p]) => defectOfProject(p) === d);
    const ranOn = projects.flatMap(([p]) => {
      const device = byProject.get(p.slice(0, p.lastIndexOf(' +')));
      return device ? [device] : [];
    });
    const failed = tally.failed.filter((t) => defectOfProject(projectOf(t)) === d);
    return { defect: d, failed, ran: projects.reduce((a, [, n]) => a + n, 0), notObservable: failed.length === 0 && ranOn.length === projects.length ? notObservableReason(d, ranOn) : undefined };
  });
  console.log('\nkill table');
  const width = Math.max(6, ...rows.map((r) => r.defect.length));
  console.log(`${'defect'.padEnd(width)}  tests that failed`);
  console.log('-'.repeat(width + 20));
  for (const r of rows) {
    const none = r.notObservable ?? (r.ran === 0 ? (interruptedBy ? 'not run (interrupted)' : 'NONE (survived: no test ran; widen --grep)') : 'NONE (survived)');
    console.log(`${r.defect.padEnd(width)}  ${r.failed.length === 0 ? none : r.failed[0]}`);
    for (const t of r.failed.slice(1)) console.log(`${''.padEnd(width)}  ${t}`);
  }
  // a defect the oracle proves cannot show on the devices it ran on is neither killed nor survived
  const survivors = rows.filter((r) => r.failed.length === 0 && !r.notObservable).map((r) => r.defect);
  const unobservable = rows.filter((r) => r.notObservable).map((r) => r.defect);
  const judged = rows.length - unobservable.length;
  console.log(`\nkilled ${judged - survivors.length}/${judged}${survivors.length ? `; survived: ${survivors.join(', ')}` : ''}${unobservable.length ? `; not observable on the devices run: ${unobservable.join(', ')}` : ''}`);
  console.log(`wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (interruptedBy) {
    console.error(`${PROGRAM} mutation: interrupted by ${interruptedBy}; the table shows the defects run so far`);
    return EXIT.interrupted;
  }
  return survivors.length > 0 ? EXIT.failures : EXIT.ok;
}

/** `mutation ...` argv (tests call this); usage errors are thrown as UsageError. */
export function mutationCommand(argv: string[]): Promise<number> {
  return invoke(MUTATION_COMMAND, argv, [PROGRAM, 'mutation']);
}
