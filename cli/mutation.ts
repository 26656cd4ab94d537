// `l2tpv3-conformance mutation [--defects a,b | --sample N] [--models M,...] [--grep TAG] [--out DIR]
//   [--time-scale N] [--workers N] [--baseline-repeat N] [--no-baseline] [--all-tests]`: runs the
// conformance suites against the emulated routers once per injected defect (router --list-defects)
// and prints the kill table: each defect and the tests that failed because of it. A defect no test
// notices survives. One Playwright invocation: per device a baseline project (no defect, repeated
// --baseline-repeat times: a test failing there cannot count as a kill) and one project per defect
// running the areas where the defect's symptom shows (suites/support/mutants.ts; --all-tests: all).
// Exit 1 when a defect survives or the baseline fails, 2 on bad input.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { flagValue, intFlag, parseArgs, UsageError } from './args.ts';
import { reportPaths } from '../reports/allure/reporter-config.ts';
import { DEFECT_NAMES } from '../reference-impl/router/defects.ts';
import { runSuites } from './run.ts';
import { selectDevices, LabSelectionError, type LabSelection } from '../suites/support/devices.ts';
import { defectOfProject, MUTATION_ENV } from '../suites/support/mutants.ts';

export const MUTATION_USAGE =
  'usage: l2tpv3-conformance mutation [--defects a,b,... | --sample N] [--models M,...] [--grep TAG] [--out DIR]\n' +
  '                                   [--time-scale N] [--workers N] [--baseline-repeat N] [--no-baseline] [--all-tests]\n' +
  '  --sample           N defects spread evenly over the defect table (deterministic)\n' +
  '  --models           devices of the default emulated lab to run (default RTX5000: two or more tunnels, the\n' +
  '                     policy-filter stage set, and a revision below its oldest band for the platform-gating probe)\n' +
  '  --baseline-repeat  run the defect-free baseline N times (default 1); any failure there stops the count\n' +
  '  --all-tests        every defect runs every test, not only the areas where its symptom shows';

/** Default device: one model keeps a mutation run short; it must be able to show every defect. */
export const MUTATION_DEFAULT_MODELS = ['RTX5000'];

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

export async function mutationCommand(argv: string[]): Promise<number> {
  const started = Date.now();
  const args = parseArgs(argv, [
    { name: 'defects', value: true, repeat: true },
    { name: 'sample', value: true },
    { name: 'models', value: true, repeat: true },
    { name: 'grep', value: true },
    { name: 'out', value: true },
    { name: 'time-scale', value: true },
    { name: 'workers', value: true },
    { name: 'baseline-repeat', value: true },
    { name: 'no-baseline', value: false },
    { name: 'all-tests', value: false },
    { name: 'help', value: false },
  ]);
  if (args.flags.has('help')) {
    console.log(MUTATION_USAGE);
    return 0;
  }
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'\n${MUTATION_USAGE}`);
  const named = (args.flags.get('defects') ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
  for (const d of named) if (!(DEFECT_NAMES as readonly string[]).includes(d)) throw new UsageError(`--defects: unknown defect '${d}'; known defects: ${DEFECT_NAMES.join(', ')}`);
  const sample = intFlag(args, 'sample', 1, DEFECT_NAMES.length);
  if (named.length > 0 && sample !== undefined) throw new UsageError('--defects and --sample exclude each other');
  const defects = named.length > 0 ? named : sample !== undefined ? sampleDefects(DEFECT_NAMES, sample) : [...DEFECT_NAMES];
  const models = (args.flags.get('models') ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter((m) => m !== '');
  const selection: LabSelection = { models: models.length > 0 ? models : MUTATION_DEFAULT_MODELS };
  try {
    selectDevices(selection);
  } catch (e) {
    if (e instanceof LabSelectionError) throw new UsageError(e.message);
    throw e;
  }
  const scaleText = flagValue(args, 'time-scale');
  const timeScale = scaleText === undefined ? undefined : Number(scaleText);
  if (timeScale !== undefined && !(timeScale > 0 && timeScale <= 1000)) throw new UsageError(`--time-scale must be a number above 0 and at most 1000 (got '${scaleText}')`);
  const baselineRepeat = args.flags.has('no-baseline') ? 0 : (intFlag(args, 'baseline-repeat', 1, 20) ?? 1);
  const outRoot = resolve(flagValue(args, 'out') ?? join(tmpdir(), 'l2tpv3-mutation'));
  const paths = reportPaths(outRoot);
  rmSync(paths.outDir, { recursive: true, force: true });

  console.log(`l2tpv3-conformance mutation: ${defects.length} defect(s) on ${selectDevices(selection).length} device(s), baseline x${baselineRepeat}${args.flags.has('all-tests') ? ', every test per defect' : ''}`);
  const code = await runSuites({
    selection, paths, grep: flagValue(args, 'grep'), timeScale, workers: intFlag(args, 'workers', 1, 64), display: 'dot', echo: false,
    env: {
      [MUTATION_ENV.defects]: defects.join(','),
      [MUTATION_ENV.baselineRepeat]: String(baselineRepeat),
      [MUTATION_ENV.allTests]: args.flags.has('all-tests') ? '1' : '',
    },
  });
  let tally: TestTally;
  try {
    tally = tallyResults(paths.playwrightJson);
  } catch {
    console.error(`l2tpv3-conformance mutation: the suites wrote no results (${paths.playwrightJson}); playwright exited ${code}`);
    return 1;
  }
  const projectOf = (t: string) => t.slice(0, t.indexOf(' > '));
  if (baselineRepeat > 0) {
    const base = tally.failed.filter((t) => defectOfProject(projectOf(t)) === undefined);
    const ran = [...tally.ran].filter(([p]) => defectOfProject(p) === undefined).reduce((a, [, n]) => a + n, 0);
    console.log(`baseline (no defect, ${baselineRepeat} run(s), ${ran} test runs): ${base.length === 0 ? 'no test failed' : `${base.length} failed`}`);
    if (base.length > 0) {
      for (const t of base) console.log(`  ${t}`);
      console.error('l2tpv3-conformance mutation: the suites fail without a defect; fix that first (a failure there is no kill)');
      return 1;
    }
  }
  const rows = defects.map((d) => ({ defect: d, failed: tally.failed.filter((t) => defectOfProject(projectOf(t)) === d) }));
  for (const r of rows) console.log(`${r.failed.length > 0 ? 'killed  ' : 'SURVIVED'} ${r.defect} (${r.failed.length} failed)`);
  console.log('\nkill table');
  const width = Math.max(6, ...rows.map((r) => r.defect.length));
  console.log(`${'defect'.padEnd(width)}  tests that failed`);
  console.log('-'.repeat(width + 20));
  for (const r of rows) {
    console.log(`${r.defect.padEnd(width)}  ${r.failed.length === 0 ? 'NONE (survived)' : r.failed[0]}`);
    for (const t of r.failed.slice(1)) console.log(`${''.padEnd(width)}  ${t}`);
  }
  const survivors = rows.filter((r) => r.failed.length === 0).map((r) => r.defect);
  console.log(`\nkilled ${rows.length - survivors.length}/${rows.length}${survivors.length ? `; survived: ${survivors.join(', ')}` : ''}`);
  console.log(`wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return survivors.length > 0 ? 1 : 0;
}
