// `l2tpv3-conformance report`: (re)builds the compatibility matrix (JSON, HTML, Markdown, history)
// from a Playwright JSON report, and optionally the Allure HTML report; prints the summary table.
// Several --results (the shards of `run --shard i/n`) merge into one matrix and one history entry.
// Flags: REPORT_COMMAND below. Exit 1 when the matrix has a regression, 2 on bad input, 3 when the
// output cannot be written (e.g. ENOSPC, naming the path). `report` removes nothing; it refuses to
// overwrite matrix or history files in a folder the tool did not create (cli/output-folder.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { invoke, PROGRAM, type CommandDef, type ParsedCommand } from './command-table.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { claimOutputFolder, outputFolderProblem, writeFailure } from './output-folder.ts';
import { reportPaths } from '../reports/allure/reporter-config.ts';
import { outcomesFromPlaywrightJsonFile, PlaywrightReportError } from '../reports/matrix/outcomes-from-playwright.ts';
import { OutcomeInputError } from '../reports/matrix/build.ts';
import { UnknownFeatureError } from '../reports/matrix/features.ts';
import { HistoryFileError } from '../reports/history/history-file.ts';
import { writeRunReports } from '../reports/matrix/write-reports.ts';
import { exitCodeFor, renderTerminalSummary } from '../reports/matrix/write-terminal.ts';

/** What `report` writes into --out. */
const REPORT_OUTPUTS = ['matrix.json', 'matrix.html', 'matrix.md', 'history.json', 'allure-report'];

export const REPORT_COMMAND: CommandDef = {
  name: 'report',
  summary: 'build the compatibility matrix (and Allure report) from a Playwright JSON report',
  flags: [
    { name: 'results', type: 'string', multiple: true, valueName: 'FILE', default: '<out>/results.json', help: 'Playwright JSON report; repeat it to merge the shards of a run' },
    { name: 'out', type: 'string', valueName: 'DIR', default: 'reports/out', help: 'output folder: matrix.json/.html/.md and history.json (appended)' },
    { name: 'run-id', type: 'string', valueName: 'ID', default: 'the current UTC time', help: "this run's id in the history" },
    { name: 'coverage', type: 'string', valueName: 'KIND', choices: ['models', 'bands'], default: 'models', help: 'rows per model, or per support-table band (a --full-matrix run)' },
    { name: 'allure', type: 'boolean', help: 'also generate the Allure HTML report from <out>/allure-results' },
  ],
  examples: [`${PROGRAM} report --out reports/out`, `${PROGRAM} report --results shard1/results.json --results shard2/results.json --out merged`],
  run: reportHandler,
};

/** Refuses an --out where report would overwrite files the tool did not write; claims it when it can. */
function prepareOut(dir: string): void {
  const problem = outputFolderProblem(dir);
  if (problem === undefined) return claimOutputFolder(dir);
  // A folder of the user's (e.g. holding the shards): fine as long as nothing of theirs is overwritten.
  if (problem.kind !== 'foreign') throw new UsageError(`--out ${problem.message}`);
  const clobbered = REPORT_OUTPUTS.filter((n) => existsSync(join(dir, n)));
  if (clobbered.length > 0) throw new UsageError(`--out ${problem.message}; it already holds ${clobbered.join(', ')}, which report would overwrite`);
}

async function reportHandler(args: ParsedCommand): Promise<number> {
  const paths = reportPaths(args.string('out') ?? 'reports/out');
  const given = args.strings('results');
  const resultFiles = given.length > 0 ? given : [paths.playwrightJson];
  const coverage = args.string('coverage') as 'models' | 'bands' | undefined;
  const now = new Date();
  const runId = args.string('run-id') ?? now.toISOString().replace(/\.\d+Z$/, 'Z');
  if (runId.trim() === '') throw new UsageError('--run-id must not be empty');
  const missing = resultFiles.find((f) => !existsSync(f));
  if (missing !== undefined) {
    console.error(`${PROGRAM} report: ${missing}: no such file (run the suites with the conformance reporters first)`);
    return EXIT.usage;
  }
  try {
    const outcomes = resultFiles.flatMap((f) => outcomesFromPlaywrightJsonFile(f));
    prepareOut(paths.outDir); // after every input is read and checked
    // Without --allure: links only to an Allure report of this run id already in the folder.
    const w = await writeRunReports(outcomes, {
      outDir: paths.outDir, historyPath: paths.history, runId, generatedAt: now, coverage,
      allure: { resultsDir: paths.allureResults, reportDir: paths.allureReport, generate: args.bool('allure') },
    });
    if (w.allureError !== undefined) {
      console.error(`${PROGRAM} report: ${w.allureError}`);
      return EXIT.usage;
    }
    const files = [w.files.html, w.files.markdown, w.files.json, w.files.history, ...(w.allureIndex === undefined ? [] : [w.allureIndex])];
    process.stdout.write(renderTerminalSummary(w.matrix, w.comparison, files));
    return exitCodeFor(w.matrix);
  } catch (e) {
    if (e instanceof PlaywrightReportError || e instanceof OutcomeInputError || e instanceof UnknownFeatureError || e instanceof HistoryFileError) {
      console.error(`${PROGRAM} report: ${e.message}`);
      return EXIT.usage;
    }
    const errno = e as NodeJS.ErrnoException;
    if (errno.code !== undefined && errno.syscall !== undefined) throw writeFailure(errno.path ?? paths.outDir, e);
    throw e;
  }
}

/** `report ...` argv (tests call this); usage errors are thrown as UsageError. */
export function reportCommand(argv: string[]): Promise<number> {
  return invoke(REPORT_COMMAND, argv, [PROGRAM, 'report']);
}
