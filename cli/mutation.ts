// `l2tpv3-conformance mutation [--defects a,b | --sample N] [--models M,...] [--grep TAG] [--out DIR]
//   [--time-scale N] [--workers N] [--no-baseline]`: runs the conformance suites against the
// emulated routers once per injected defect (router --list-defects) and prints the kill table:
// each defect and the tests that failed because of it. A defect no test notices survives.
// First a baseline run without defects: a test failing there cannot count as a kill.
// Exit 1 when a defect survives or the baseline fails, 2 on bad input.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { flagValue, intFlag, parseArgs, UsageError } from './args.ts';
import { reportPaths } from '../reports/allure/reporter-config.ts';
import { DEFECT_NAMES } from '../reference-impl/router/defects.ts';
import { runSuites } from './run.ts';
import { selectDevices, LabSelectionError, type LabSelection } from '../suites/support/devices.ts';

export const MUTATION_USAGE =
  'usage: l2tpv3-conformance mutation [--defects a,b,... | --sample N] [--models M,...] [--grep TAG] [--out DIR]\n' +
  '                                   [--time-scale N] [--workers N] [--no-baseline]\n' +
  '  --sample   N defects spread evenly over the defect table (deterministic)\n' +
  '  --models   devices of the default emulated lab to run (default RTX830: every gated feature documented at its\n' +
  '             newest revision, and a revision below its oldest band for the platform-gating probe)';

/** Default device: one model keeps a mutation run short; the defects are model-independent bugs. */
export const MUTATION_DEFAULT_MODELS = ['RTX830'];

/** N names spread evenly over `all` (indices floor(i * len / N)); deterministic. */
export function sampleDefects(all: readonly string[], n: number): string[] {
  const k = Math.min(n, all.length);
  return Array.from({ length: k }, (_, i) => all[Math.floor((i * all.length) / k)]);
}

interface JsonSuite { title: string; specs?: { title: string; tests: { projectName?: string; status: string }[] }[]; suites?: JsonSuite[] }

/** Titles ("project > spec title") of the tests Playwright counted as unexpected. */
export function failedTests(resultsFile: string): string[] {
  if (!existsSync(resultsFile)) throw new Error(`no results at ${resultsFile}`);
  const json = JSON.parse(readFileSync(resultsFile, 'utf8')) as { suites: JsonSuite[] };
  const out: string[] = [];
  const walk = (s: JsonSuite): void => {
    for (const sp of s.specs ?? []) for (const t of sp.tests) if (t.status === 'unexpected') out.push(`${t.projectName ?? ''} > ${sp.title}`);
    for (const c of s.suites ?? []) walk(c);
  };
  json.suites.forEach(walk);
  return out;
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
    { name: 'no-baseline', value: false },
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
  const base: LabSelection = { models: models.length > 0 ? models : MUTATION_DEFAULT_MODELS };
  try {
    selectDevices(base);
  } catch (e) {
    if (e instanceof LabSelectionError) throw new UsageError(e.message);
    throw e;
  }
  const scaleText = flagValue(args, 'time-scale');
  const timeScale = scaleText === undefined ? undefined : Number(scaleText);
  if (timeScale !== undefined && !(timeScale > 0 && timeScale <= 1000)) throw new UsageError(`--time-scale must be a number above 0 and at most 1000 (got '${scaleText}')`);
  const outRoot = resolve(flagValue(args, 'out') ?? join(tmpdir(), 'l2tpv3-mutation'));
  const common = { grep: flagValue(args, 'grep'), timeScale, workers: intFlag(args, 'workers', 1, 64), display: 'dot' as const, echo: false };

  const runOnce = async (name: string, selection: LabSelection): Promise<{ code: number; failed: string[] }> => {
    const paths = reportPaths(join(outRoot, name));
    rmSync(paths.outDir, { recursive: true, force: true });
    const code = await runSuites({ ...common, selection, paths });
    return { code, failed: failedTests(paths.playwrightJson) };
  };

  if (!args.flags.has('no-baseline')) {
    const b = await runOnce('baseline', base);
    console.log(`baseline (no defect): ${b.failed.length === 0 ? 'no test failed' : `${b.failed.length} failed`}`);
    if (b.failed.length > 0 || b.code !== 0) {
      for (const t of b.failed) console.log(`  ${t}`);
      console.error('l2tpv3-conformance mutation: the suites fail without a defect; fix that first (a failure there is no kill)');
      return 1;
    }
  }
  const rows: { defect: string; failed: string[] }[] = [];
  for (const d of defects) {
    const r = await runOnce(`defect-${d}`, { ...base, defects: [d] });
    rows.push({ defect: d, failed: r.failed });
    console.log(`${r.failed.length > 0 ? 'killed  ' : 'SURVIVED'} ${d} (${r.failed.length} failed)`);
  }
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
