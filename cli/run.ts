// `l2tpv3-conformance run [--lab FILE] [--grep TAG] [--models M,...] [--full-matrix] [--shard i/n]
//   [--defect NAME ...] [--out DIR] [--run-id ID] [--time-scale N] [--workers N] [--display list|line|dot]
//   [--no-allure]`, also `npm run conformance`: runs the conformance suites (suites/, one Playwright
// project per lab device; emulated routers are started per test by the suites' fixtures and
// stopped after it), then writes the compatibility matrix (JSON, HTML, Markdown, history) and the
// Allure HTML report into reports/out/, prints the summary table and the wall time.
// Exit 1 when the matrix has a regression (or the suites failed outside the matrix), 2 on bad input.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { flagValue, intFlag, parseArgs, UsageError } from './args.ts';
import { reportPaths, type ReportPaths } from '../reports/allure/reporter-config.ts';
import { AllureReportError, generateAllureReport } from '../reports/allure/generate.ts';
import { outcomesFromPlaywrightJsonFile, PlaywrightReportError } from '../reports/matrix/outcomes-from-playwright.ts';
import { writeMatrixReports } from '../reports/matrix/write-reports.ts';
import { exitCodeFor, renderTerminalSummary } from '../reports/matrix/write-terminal.ts';
import { DEFECT_NAMES } from '../reference-impl/router/defects.ts';
import { LAB_ENV, LabSelectionError, projectName, selectDevices, type LabSelection } from '../suites/support/devices.ts';

export const RUN_USAGE =
  'usage: l2tpv3-conformance run [--lab FILE] [--grep TAG] [--models M,...] [--full-matrix] [--shard i/n] [--defect NAME ...]\n' +
  '                              [--out DIR] [--run-id ID] [--time-scale N] [--workers N] [--display list|line|dot] [--no-allure]\n' +
  '  --lab          lab inventory (topologies/labs/*.yaml); default: emulated, every model at its newest documented revision\n' +
  '  --full-matrix  emulated, one device per support-table band\n' +
  '  --grep         Playwright --grep, e.g. @control or "@auth|@ids"\n' +
  '  --defect       inject a defect into every emulated router (router --list-defects)\n' +
  '  --out          output folder (default reports/out); history.json there carries across runs';

const ROOT = resolve(import.meta.dirname, '..');

export interface SuiteRunOptions {
  readonly selection: LabSelection;
  readonly paths: ReportPaths;
  readonly grep?: string;
  readonly shard?: string;
  readonly timeScale?: number;
  readonly workers?: number;
  readonly display?: 'list' | 'line' | 'dot';
  /** Forward the child's output (default true). */
  readonly echo?: boolean;
  /** More environment for the suites' config (e.g. a mutation run's projects). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs the suites' Playwright config in a child process; resolves to its exit code. */
export function runSuites(o: SuiteRunOptions): Promise<number> {
  const args = ['playwright', 'test', '-c', resolve(ROOT, 'suites/playwright.config.ts')];
  if (o.grep !== undefined) args.push('--grep', o.grep);
  if (o.shard !== undefined) args.push('--shard', o.shard);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [LAB_ENV.outDir]: resolve(o.paths.outDir),
    [LAB_ENV.display]: o.display ?? 'list',
    [LAB_ENV.labFile]: o.selection.labFile ? resolve(o.selection.labFile) : '',
    [LAB_ENV.fullMatrix]: o.selection.fullMatrix ? '1' : '',
    [LAB_ENV.models]: (o.selection.models ?? []).join(','),
    [LAB_ENV.defects]: (o.selection.defects ?? []).join(','),
  };
  Object.assign(env, o.env);
  if (o.timeScale !== undefined) env[LAB_ENV.timeScale] = String(o.timeScale);
  if (o.workers !== undefined) env.L2TPV3_WORKERS = String(o.workers);
  return new Promise((res, rej) => {
    const child = spawn('npx', args, { cwd: ROOT, env, stdio: ['ignore', o.echo === false ? 'ignore' : 'inherit', o.echo === false ? 'ignore' : 'inherit'] });
    child.on('error', (e) => rej(new Error(`cannot start npx playwright: ${e.message}`)));
    child.on('close', (code, signal) => res(code ?? (signal ? 1 : 0)));
  });
}

function parseShard(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard must be i/n with 1 <= i <= n (got '${text}')`);
  return text;
}

export function selectionFromArgs(args: ReturnType<typeof parseArgs>): LabSelection {
  const defects = (args.flags.get('defect') ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter((d) => d !== '');
  for (const d of defects) {
    if (!(DEFECT_NAMES as readonly string[]).includes(d)) throw new UsageError(`--defect: unknown defect '${d}'; known defects: ${DEFECT_NAMES.join(', ')}`);
  }
  const lab = flagValue(args, 'lab');
  if (lab !== undefined && !existsSync(lab)) throw new UsageError(`--lab ${lab}: no such file`);
  const models = (args.flags.get('models') ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter((m) => m !== '');
  const sel: LabSelection = { labFile: lab, fullMatrix: args.flags.has('full-matrix'), models, defects };
  if (sel.labFile && sel.fullMatrix) throw new UsageError('--lab and --full-matrix exclude each other (the full matrix is an emulated lab)');
  try {
    selectDevices(sel); // bad lab file / unknown model: a clear message now, not inside Playwright
  } catch (e) {
    if (e instanceof LabSelectionError) throw new UsageError(e.message);
    throw e;
  }
  return sel;
}

const RUN_FLAGS = [
  { name: 'lab', value: true },
  { name: 'grep', value: true },
  { name: 'models', value: true, repeat: true },
  { name: 'full-matrix', value: false },
  { name: 'shard', value: true },
  { name: 'defect', value: true, repeat: true },
  { name: 'out', value: true },
  { name: 'run-id', value: true },
  { name: 'time-scale', value: true },
  { name: 'workers', value: true },
  { name: 'display', value: true },
  { name: 'no-allure', value: false },
  { name: 'help', value: false },
];

export async function runCommand(argv: string[]): Promise<number> {
  const started = Date.now();
  const args = parseArgs(argv, RUN_FLAGS);
  if (args.flags.has('help')) {
    console.log(RUN_USAGE);
    return 0;
  }
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'\n${RUN_USAGE}`);
  const selection = selectionFromArgs(args);
  const shard = parseShard(flagValue(args, 'shard'));
  const paths = reportPaths(flagValue(args, 'out') ?? 'reports/out');
  const scaleText = flagValue(args, 'time-scale');
  const timeScale = scaleText === undefined ? undefined : Number(scaleText);
  if (timeScale !== undefined && !(timeScale > 0 && timeScale <= 1000)) throw new UsageError(`--time-scale must be a number above 0 and at most 1000 (got '${scaleText}')`);
  const display = flagValue(args, 'display', ['list', 'line', 'dot']) as 'list' | 'line' | 'dot' | undefined;
  const now = new Date();
  const runId = flagValue(args, 'run-id') ?? now.toISOString().replace(/\.\d+Z$/, 'Z');
  if (runId.trim() === '') throw new UsageError('--run-id must not be empty');

  const devices = selectDevices(selection);
  console.log(`l2tpv3-conformance run ${runId}: ${devices.length} device(s): ${devices.map(projectName).join(', ')}` +
    (selection.defects?.length ? ` [defects: ${selection.defects.join(', ')}]` : '') + (args.flags.get('grep') ? ` [grep ${flagValue(args, 'grep')}]` : ''));
  // Results of an earlier run must not leak into this run's Allure report or matrix; the history stays.
  rmSync(paths.allureResults, { recursive: true, force: true });
  rmSync(paths.playwrightJson, { force: true });
  const code = await runSuites({ selection, paths, grep: flagValue(args, 'grep'), shard, timeScale, workers: intFlag(args, 'workers', 1, 64), display });
  if (!existsSync(paths.playwrightJson)) {
    console.error(`l2tpv3-conformance run: the suites wrote no results (${paths.playwrightJson}); playwright exited ${code}`);
    return code === 0 ? 1 : code;
  }
  try {
    const outcomes = outcomesFromPlaywrightJsonFile(paths.playwrightJson);
    const w = writeMatrixReports(outcomes, { outDir: paths.outDir, historyPath: paths.history, runId, generatedAt: now, coverage: selection.fullMatrix ? 'bands' : 'models' });
    const files = [w.files.html, w.files.markdown, w.files.json, w.files.history, paths.junit];
    if (!args.flags.has('no-allure')) {
      try {
        files.push(await generateAllureReport({ resultsDir: paths.allureResults, reportDir: paths.allureReport }));
      } catch (e) {
        if (!(e instanceof AllureReportError)) throw e;
        console.error(`l2tpv3-conformance run: ${e.message}`);
      }
    }
    process.stdout.write('\n' + renderTerminalSummary(w.matrix, w.comparison, files));
    console.log(`wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const matrixCode = exitCodeFor(w.matrix);
    // A failing test outside the matrix (or a crash) still fails the run.
    return matrixCode !== 0 ? matrixCode : code === 0 ? 0 : 1;
  } catch (e) {
    if (e instanceof PlaywrightReportError) {
      console.error(`l2tpv3-conformance run: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
