// `l2tpv3-conformance report [--results FILE ...] [--out DIR] [--run-id ID] [--coverage models|bands]
//  [--allure]`: (re)builds the compatibility matrix (JSON, HTML, Markdown, history) from a
// Playwright JSON report, and optionally the Allure HTML report; prints the summary table.
// Several --results (the shards of `run --shard i/n`) merge into one matrix and one history entry.
// Exit 1 when the matrix has a regression, 2 on bad input.
import { existsSync } from 'node:fs';
import { flagValue, parseArgs, UsageError } from './args.ts';
import { reportPaths } from '../reports/allure/reporter-config.ts';
import { AllureReportError, generateAllureReport } from '../reports/allure/generate.ts';
import { outcomesFromPlaywrightJsonFile, PlaywrightReportError } from '../reports/matrix/outcomes-from-playwright.ts';
import { OutcomeInputError } from '../reports/matrix/build.ts';
import { UnknownFeatureError } from '../reports/matrix/features.ts';
import { HistoryFileError } from '../reports/history/history-file.ts';
import { writeMatrixReports } from '../reports/matrix/write-reports.ts';
import { exitCodeFor, renderTerminalSummary } from '../reports/matrix/write-terminal.ts';

export const REPORT_USAGE =
  'usage: l2tpv3-conformance report [--results FILE ...] [--out DIR] [--run-id ID] [--coverage models|bands] [--allure]\n' +
  '  --results  Playwright JSON report (default <out>/results.json); repeat it to merge the shards of a run\n' +
  '  --out      output folder (default reports/out)\n' +
  '  --run-id   id of this run in the history (default: the current UTC time)';

export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'results', value: true, repeat: true },
    { name: 'out', value: true },
    { name: 'run-id', value: true },
    { name: 'coverage', value: true },
    { name: 'allure', value: false },
    { name: 'help', value: false },
  ]);
  if (args.flags.has('help')) {
    console.log(REPORT_USAGE);
    return 0;
  }
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'\n${REPORT_USAGE}`);
  const paths = reportPaths(flagValue(args, 'out') ?? 'reports/out');
  const given = args.flags.get('results') ?? [];
  const resultFiles = given.length > 0 ? given : [paths.playwrightJson];
  const coverage = flagValue(args, 'coverage', ['models', 'bands']) as 'models' | 'bands' | undefined;
  const now = new Date();
  const runId = flagValue(args, 'run-id') ?? now.toISOString().replace(/\.\d+Z$/, 'Z');
  if (runId.trim() === '') throw new UsageError('--run-id must not be empty');
  const missing = resultFiles.find((f) => !existsSync(f));
  if (missing !== undefined) {
    console.error(`l2tpv3-conformance report: ${missing}: no such file (run the suites with the conformance reporters first)`);
    return 2;
  }
  try {
    const outcomes = resultFiles.flatMap((f) => outcomesFromPlaywrightJsonFile(f));
    const w = writeMatrixReports(outcomes, { outDir: paths.outDir, historyPath: paths.history, runId, generatedAt: now, coverage });
    const files = [w.files.html, w.files.markdown, w.files.json, w.files.history];
    if (args.flags.has('allure')) files.push(await generateAllureReport({ resultsDir: paths.allureResults, reportDir: paths.allureReport }));
    process.stdout.write(renderTerminalSummary(w.matrix, w.comparison, files));
    return exitCodeFor(w.matrix);
  } catch (e) {
    if (e instanceof PlaywrightReportError || e instanceof OutcomeInputError || e instanceof UnknownFeatureError || e instanceof HistoryFileError || e instanceof AllureReportError) {
      console.error(`l2tpv3-conformance report: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
