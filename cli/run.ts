// `l2tpv3-conformance run` (also `npm run conformance`): runs the conformance suites (suites/, one
// Playwright project per lab device; emulated routers are started per test by the suites' fixtures
// and stopped after it), then writes the compatibility matrix (JSON, HTML, Markdown, history) and the
// Allure HTML report into the output folder, prints the summary table (or --json) and the wall time.
// Flags: RUN_COMMAND below. Exit codes (cli/exit-codes.ts): 1 regression or failing suites, 2 bad
// input (checked before the output folder is touched), 3 harness error (e.g. disk full, naming the
// path), 130 interrupted (SIGINT: Playwright's group stopped, the results so far kept and reported).
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { invoke, PROGRAM, type CommandDef, type FlagDef, type ParsedCommand } from './command-table.ts';
import { EXIT, HarnessError, UsageError } from './exit-codes.ts';
import { findModel, resolveModel } from './model-names.ts';
import { claimOutputFolder, filesystemFull, noRoomFor, removeOwnOutputs, writeFailure } from './output-folder.ts';
import { runSuites } from './suite-process.ts';
import { reportPaths, type ReportPaths } from '../reports/allure/reporter-config.ts';
import { outcomesFromPlaywrightJsonFile, PlaywrightReportError } from '../reports/matrix/outcomes-from-playwright.ts';
import { writeRunReports, type WrittenRunReports } from '../reports/matrix/write-reports.ts';
import { exitCodeFor, renderTerminalSummary } from '../reports/matrix/write-terminal.ts';
import { DEFECT_NAMES } from '../reference-impl/router/defects.ts';
import { LAB_ENV, LabSelectionError, projectName, selectDevices, type LabSelection } from '../suites/support/devices.ts';
import { learnedDifferences, readProfileFolder } from '../drivers/learn/profile-lookup.ts';
import { DEFAULT_GENERATED_RUNS, GENERATED_ENV } from '../suites/support/generated-env.ts';
import { DEFAULT_SUITE_WORKERS, DEFAULT_TIME_SCALE, suiteWorkers } from '../suites/support/run-settings.ts';
import { harnessBinds, JOURNAL_DIR, preflightDevice } from '../suites/support/physical-device.ts';
import { ikeBinds } from '../drivers/preflight/ike-binds.ts';
import { preflightLines, runPreflight, type PreflightReport } from '../drivers/preflight/preflight.ts';
import { identityProperties, RUN_IDENTITY_ENV, type RunIdentity } from '../reports/matrix/run-identity.ts';
import { addJunitProperties } from '../reports/junit/identity.ts';
import { gitCommit, packageVersion } from './version.ts';
import type { SuiteDevice } from '../suites/support/devices.ts';

export { runSuites } from './suite-process.ts';

/** Flags `run` and `mutation` share (one row each, one meaning). */
export const SHARED_FLAGS = {
  models: { name: 'models', type: 'string', multiple: true, list: true, valueName: 'M,...', help: "only these models' devices (case-insensitive; short names like vRX or rtx1210)" },
  grep: { name: 'grep', type: 'string', valueName: 'PATTERN', help: 'Playwright --grep over test titles, e.g. @control or "@auth|@ids"' },
  timeScale: { name: 'time-scale', type: 'string', valueName: 'N', number: [0, 1000], default: '10', help: 'protocol timers run N times faster on the emulated routers' },
  workers: { name: 'workers', type: 'string', valueName: 'N', int: [1, 64], help: `parallel Playwright workers (default twice the CPUs, at most 8: ${DEFAULT_SUITE_WORKERS} here; a physical lab always uses 1)` },
} as const satisfies Record<string, FlagDef>;

export const RUN_COMMAND: CommandDef = {
  name: 'run',
  summary: 'run the conformance suites against the lab and write the matrix, Allure and JUnit reports',
  description:
    'Without --lab the lab is emulated: every model at its newest documented revision. The output folder gets a\n' +
    `marker file; a non-empty folder the tool did not create is refused, and only the tool's own outputs are\n` +
    'replaced there (history.json carries across runs). Ctrl-C stops the suites cleanly and keeps the results so far.',
  flags: [
    { name: 'lab', type: 'string', valueName: 'FILE', input: 'text', help: 'lab inventory (topologies/labs/*.yaml) of physical or emulated devices' },
    {
      name: 'profiles', type: 'string', valueName: 'DIR', default: "profiles/ next to the --lab inventory, when that folder exists",
      help: "learned firmware profiles (profile learn --out): a physical device whose model and firmware has one there is predicted with the learned values; 'none' uses the defaults",
    },
    { name: 'full-matrix', type: 'boolean', help: 'emulated, one device per support-table band, plus each model behind IPIP and behind MAP-E for the control and frames areas (excludes --lab)' },
    { name: 'underlays', type: 'boolean', help: 'emulated, only each model behind IPIP and behind MAP-E (the devices --full-matrix adds), for the control and frames areas (excludes --lab, --full-matrix)' },
    SHARED_FLAGS.models,
    SHARED_FLAGS.grep,
    { name: 'shard', type: 'string', valueName: 'I/N', help: 'run shard I of N (merge the shards with report --results)' },
    { name: 'defect', type: 'string', multiple: true, list: true, valueName: 'NAME', choices: DEFECT_NAMES, choiceNoun: 'defect', help: 'inject a defect into every emulated router (router --list-defects)' },
    { name: 'out', type: 'string', valueName: 'DIR', output: 'folder', default: 'reports/out', help: 'output folder: matrix, Allure, JUnit, results.json, history.json' },
    { name: 'run-id', type: 'string', valueName: 'ID', default: 'the current UTC time', help: "this run's id in the history" },
    SHARED_FLAGS.timeScale,
    SHARED_FLAGS.workers,
    {
      name: 'retries', type: 'string', valueName: 'N', int: [0, 5], default: '0',
      help: 'retry a failed test up to N times; a test that passes on a retry counts as passed and is shown as flaky (JUnit, Allure retries)',
    },
    { name: 'seed', type: 'string', valueName: 'N', int: [0, 2147483647], default: "each device's own (from its name)", help: '@generated: the fast-check seed (replays the sequence a failure printed with it)' },
    { name: 'generated-runs', type: 'string', valueName: 'N', int: [1, 100000], default: String(DEFAULT_GENERATED_RUNS), help: '@generated: sequences drawn per device (more for nightly depth)' },
    { name: 'display', type: 'string', valueName: 'KIND', choices: ['list', 'line', 'dot'], default: 'list', help: 'Playwright terminal reporter while the suites run' },
    { name: 'no-allure', type: 'boolean', help: 'skip generating the Allure HTML report (allure-results are still written)' },
    { name: 'json', type: 'boolean', help: "print the run summary as one JSON document on stdout (the suites' progress goes to stderr)" },
  ],
  examples: [
    `${PROGRAM} run`,
    `${PROGRAM} run --models rtx1210,vRX --grep @control --out /tmp/night`,
    `${PROGRAM} run --lab topologies/labs/example-physical.yaml --workers 1`,
    `${PROGRAM} run --lab topologies/labs/bench.yaml --profiles learned-profiles/ --grep @control`,
    `${PROGRAM} run --models RTX830 --grep @syslog --json > summary.json`,
    `${PROGRAM} run --models RTX1210 --grep @generated --seed 618549444 --generated-runs 3`,
  ],
  run: runHandler,
};

/** `--models` names resolved to the seed's names; an unknown one is a usage error with a suggestion. */
export function resolveModels(names: readonly string[]): string[] {
  return names.map((m) => {
    if (findModel(m) === undefined) {
      try {
        resolveModel(m, '--models');
      } catch (e) {
        throw new UsageError(`--models: no device of model '${m}' in the lab: ${(e as Error).message.replace(/^--models: /, '')}`);
      }
    }
    return findModel(m)!;
  });
}

/** The lab selection of `run`'s flags; a bad lab file or model is a usage error now, not inside Playwright. */
export function selectionOf(args: ParsedCommand): LabSelection {
  const labFile = args.string('lab');
  const sel: LabSelection = {
    labFile, fullMatrix: args.bool('full-matrix'), underlays: args.bool('underlays'), models: resolveModels(args.strings('models')), defects: args.strings('defect'),
    profilesDir: profilesDirOf(args.string('profiles'), labFile),
  };
  if (sel.labFile && sel.fullMatrix) throw new UsageError('--lab and --full-matrix exclude each other (the full matrix is an emulated lab)');
  if (sel.underlays && (sel.labFile || sel.fullMatrix)) throw new UsageError(`--underlays excludes ${sel.labFile ? '--lab (the underlay devices are emulated)' : '--full-matrix (which has them already)'}`);
  try {
    selectDevices(sel);
  } catch (e) {
    if (e instanceof LabSelectionError) throw new UsageError(e.message);
    throw e;
  }
  return sel;
}

/** The folder in profiles/ beside the inventory, the default of --profiles. */
export const DEFAULT_PROFILES_FOLDER = 'profiles';

/**
 * Where the learned profiles are: --profiles DIR (an existing folder), `none`, or by default the
 * `profiles/` folder beside the inventory when there is one. Learned profiles describe physical
 * devices, so --profiles needs --lab.
 */
export function profilesDirOf(flag: string | undefined, labFile: string | undefined): string | undefined {
  if (flag === 'none') return undefined;
  if (flag !== undefined) {
    if (labFile === undefined) throw new UsageError('--profiles needs --lab: learned profiles are for the physical devices of a lab inventory');
    if (!existsSync(flag) || !statSync(flag).isDirectory()) throw new UsageError(`--profiles: ${flag} is not a folder (learned profiles: profile learn --out DIR/FILE.json)`);
    return flag;
  }
  if (labFile === undefined) return undefined;
  const beside = join(dirname(labFile), DEFAULT_PROFILES_FOLDER);
  return existsSync(beside) && statSync(beside).isDirectory() ? beside : undefined;
}

/** One line per physical device: the learned profile it is predicted with and what differs from the defaults, or none. */
function learnedProfileLines(devices: readonly SuiteDevice[], dir: string | undefined): string[] {
  if (dir === undefined) return [];
  // a file there that is not a profile is named, not silently passed over
  const skipped = readProfileFolder(dir).errors.map((e) => `learned profiles (${dir}): skipped ${e}`);
  return [...skipped, ...devices.filter((d) => d.kind === 'physical').map((d) => {
    if (!d.learned) return `learned profiles (${dir}): ${d.role} (${d.model} ${d.firmware}): none for this model and firmware, the defaults are used`;
    const diff = learnedDifferences(d.learned.control);
    return `learned profiles (${dir}): ${d.role} (${d.model} ${d.firmware}) predicted with ${d.learned.file} (learned ${d.learned.learnedAt}; ` +
      `${diff.length ? `differs from the defaults: ${diff.join(', ')}` : 'the same as the defaults'})`;
  })];
}

function parseShard(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard must be I/N with 1 <= I <= N (got '${text}')`);
  return text;
}

/**
 * The Allure report (unless `allure` is false) and the matrix files linked to it, of the results so
 * far; a filesystem failure names its path (exit 3).
 */
async function writeReports(
  paths: ReportPaths, runId: string, now: Date, coverage: 'bands' | 'models', keepHistory: boolean, allure: boolean, identity: RunIdentity,
): Promise<WrittenRunReports> {
  const outcomes = outcomesFromPlaywrightJsonFile(paths.playwrightJson);
  // An interrupted run's partial matrix must not enter the history (its trend would show a drop).
  const scratch = keepHistory ? undefined : mkdtempSync(join(tmpdir(), 'l2tpv3-interrupted-'));
  try {
    return await writeRunReports(outcomes, {
      outDir: paths.outDir, historyPath: scratch ? join(scratch, 'history.json') : paths.history, runId, generatedAt: now, coverage, identity,
      allure: allure ? { resultsDir: paths.allureResults, reportDir: paths.allureReport } : false,
    });
  } catch (e) {
    const errno = e as NodeJS.ErrnoException;
    if (errno.code !== undefined && errno.syscall !== undefined) throw writeFailure(errno.path ?? paths.outDir, e);
    throw e;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

async function runHandler(args: ParsedCommand): Promise<number> {
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  // 1. Every input is checked before anything on disk changes (issue 17 point 1).
  const selection = selectionOf(args);
  const shard = parseShard(args.string('shard'));
  const paths = reportPaths(args.string('out') ?? 'reports/out');
  const now = new Date();
  const runId = args.string('run-id') ?? now.toISOString().replace(/\.\d+Z$/, 'Z');
  if (runId.trim() === '') throw new UsageError('--run-id must not be empty');
  const json = args.bool('json');
  const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  const devices = selectDevices(selection);
  for (const l of learnedProfileLines(devices, selection.profilesDir)) say(l);
  // 2. Preflight of a bench (physical devices): any failure is a lab error before any test, and
  //    the output folder and its history stay as they were (issue 16 point 7).
  const preflight = await benchPreflight(devices, say);
  if (preflight && !preflight.ok) {
    for (const l of preflightLines(preflight)) process.stderr.write(`${PROGRAM} run: ${l}\n`);
    process.stderr.write(`${PROGRAM} run: preflight failed: a lab error, no test was run and nothing was added to the history\n`);
    if (json) process.stdout.write(JSON.stringify({ runId, exitCode: EXIT.harness, preflight }, null, 2) + '\n');
    return EXIT.harness;
  }
  const identity = runIdentity(devices, preflight, args.number('time-scale') ?? 10);
  // 3. Claim the folder; remove only this tool's outputs of the last run (the history stays).
  claimOutputFolder(paths.outDir);
  try {
    removeOwnOutputs(paths.outDir, ['allure-results', 'results.json']);
  } catch (e) {
    throw writeFailure(paths.outDir, e);
  }
  say(`${PROGRAM} run ${runId}: ${devices.length} device(s): ${devices.map(projectName).join(', ')}` +
    (selection.defects?.length ? ` [defects: ${selection.defects.join(', ')}]` : '') + (args.string('grep') ? ` [grep ${args.string('grep')}]` : ''));
  const suitesStarted = Date.now();
  const suites = await runSuites({
    selection, paths, shard, grep: args.string('grep'), timeScale: args.number('time-scale'), workers: args.int('workers'), retries: args.int('retries'),
    display: args.string('display') as 'list' | 'line' | 'dot' | undefined, childStdout: json ? 'stderr' : 'stdout',
    env: { ...generatedEnv(args), [RUN_IDENTITY_ENV]: JSON.stringify(identity), [LAB_ENV.profilesDir]: selection.profilesDir ? resolve(selection.profilesDir) : '' },
  });
  const suitesS = (Date.now() - suitesStarted) / 1000;
  const interrupted = suites.interruptedBy !== undefined;
  if (!existsSync(paths.playwrightJson)) {
    // The suites' reporters crashed on a full disk (they write attachments into the output folder): say so, with the path.
    if (filesystemFull(paths.outDir) || noRoomFor(paths.outDir)) throw writeFailure(paths.playwrightJson, Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    process.stderr.write(`${PROGRAM} run: the suites wrote no results (${paths.playwrightJson}); playwright exited ${suites.code}\n`);
    return interrupted ? EXIT.interrupted : EXIT.harness;
  }
  let w: WrittenRunReports;
  try {
    w = await writeReports(paths, runId, now, selection.fullMatrix ? 'bands' : 'models', !interrupted, !args.bool('no-allure') && !interrupted, identity);
  } catch (e) {
    if (!(e instanceof PlaywrightReportError)) throw e;
    // A truncated results.json on a full disk: say so, with the path (issue 17 point 6).
    if (filesystemFull(paths.outDir)) throw writeFailure(paths.playwrightJson, Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }));
    throw new HarnessError(e.message);
  }
  addJunitProperties(paths.junit, identityProperties(identity));
  if (w.allureError !== undefined) process.stderr.write(`${PROGRAM} run: ${w.allureError}\n`);
  const files = [
    w.files.html, w.files.markdown, w.files.json, ...(interrupted ? [] : [w.files.history]), paths.junit,
    ...(w.allureIndex === undefined ? [] : [w.allureIndex]),
  ];
  const matrixCode = exitCodeFor(w.matrix);
  // A failing test outside the matrix (or a crash) still fails the run; an interruption says so first.
  const code = interrupted ? EXIT.interrupted : matrixCode !== 0 ? matrixCode : suites.code === 0 ? EXIT.ok : EXIT.failures;
  const wallTimeS = Number(((Date.now() - started) / 1000).toFixed(1));
  const [workers, timeScale] = [suiteWorkers(devices, args.int('workers')), args.number('time-scale') ?? DEFAULT_TIME_SCALE];
  if (json) {
    const benchmark = { wallTimeS, suitesS: Number(suitesS.toFixed(1)), workers, timeScale, loadAverage1m: [loadAtStart, loadavg()[0]] };
    process.stdout.write(JSON.stringify({ runId, exitCode: code, interrupted, devices: devices.map(projectName), identity, summary: w.matrix.summary, comparison: w.comparison, files, wallTimeS, benchmark }, null, 2) + '\n');
  } else {
    process.stdout.write('\n' + renderTerminalSummary(w.matrix, w.comparison, files));
    // the run's benchmark figure (issue 13: the default run within 180 s on a 2-core machine), with what it depends on
    say(`wall time: ${wallTimeS.toFixed(1)} s (suites ${suitesS.toFixed(1)} s; ${workers} workers, time scale ${timeScale}; ` +
      `1-min load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end)`);
  }
  if (interrupted) process.stderr.write(`${PROGRAM} run: interrupted by ${suites.interruptedBy}; the results of the tests that ran are kept in ${paths.outDir} (not added to the history)\n`);
  return code;
}

/** The preflight of the run's physical devices (none: undefined); progress lines through `say`. */
async function benchPreflight(devices: readonly SuiteDevice[], say: (line: string) => void): Promise<PreflightReport | undefined> {
  const physical = devices.filter((d) => d.kind === 'physical');
  if (physical.length === 0) return undefined;
  const r = await runPreflight({ devices: physical.map((d) => preflightDevice(d)), binds: [...harnessBinds(physical), ...ikeBinds(physical)], journalDir: JOURNAL_DIR, log: (l) => say(`preflight: ${l}`) });
  if (r.ok) for (const l of preflightLines(r)) say(l);
  return r;
}

/** The run's identity: physical devices as they said who they are (preflight), emulated ones as configured. */
function runIdentity(devices: readonly SuiteDevice[], preflight: PreflightReport | undefined, timeScale: number): RunIdentity {
  return {
    harness: { version: packageVersion(), commit: gitCommit() },
    hardware: devices.some((d) => d.kind === 'physical'),
    devices: devices.map((d) => {
      const read = preflight?.devices.find((p) => p.role === d.role)?.identity;
      const learned = d.learned ? { learnedProfile: d.learned.file } : {};
      if (d.kind === 'physical' && read) return { role: d.role, kind: 'physical', model: read.model, firmware: read.firmware, serial: read.serial, address: read.address, source: 'device', timeScale: 1, ...learned };
      return { role: projectName(d), kind: d.kind, model: d.model, firmware: d.firmware, serial: d.kind === 'emulated' ? 'emulated' : 'not read', source: 'inventory', timeScale: d.kind === 'physical' ? 1 : timeScale, ...learned };
    }),
  };
}

/** --seed and --generated-runs for the @generated suite (suites/support/generated-env.ts). */
function generatedEnv(args: ParsedCommand): Record<string, string> {
  const seed = args.int('seed');
  const runs = args.int('generated-runs');
  return { ...(seed !== undefined ? { [GENERATED_ENV.seed]: String(seed) } : {}), ...(runs !== undefined ? { [GENERATED_ENV.runs]: String(runs) } : {}) };
}

/** `run ...` argv (tests call this); usage errors are thrown as UsageError. */
export function runCommand(argv: string[]): Promise<number> {
  return invoke(RUN_COMMAND, argv, [PROGRAM, 'run']);
}
