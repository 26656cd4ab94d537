// Turns an allure-results folder into the Allure HTML report with allure-commandline (a Java
// program shipped in the npm package). A missing Java, an empty results folder or a failing
// generator each give one clear message, never a stack trace.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { carryAllureHistory, exportAllureHistory, restoreAllureHistory } from './history.ts';

export class AllureReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AllureReportError';
  }
}

const INSTALL_HINT = 'install a Java runtime (Debian: default-jre-headless; scripts/install-system-deps.sh does it) or set JAVA_HOME';

/** The java binary allure-commandline's launcher will use (JAVA_HOME first, like the launcher), or undefined. */
export function findJava(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.JAVA_HOME ? [join(env.JAVA_HOME, 'bin', 'java')] : ['java'];
  for (const c of candidates) {
    const r = spawnSync(c, ['-version'], { env, stdio: 'ignore', timeout: 20_000 });
    if (r.error === undefined && r.status === 0) return c;
  }
  return undefined;
}

/** Why the Allure HTML report cannot be generated here, or undefined when it can. */
export function allureUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (findJava(env) === undefined) {
    return `allure-commandline needs Java, and ${env.JAVA_HOME ? `JAVA_HOME=${env.JAVA_HOME} has no working bin/java` : 'no java is on PATH'}: ${INSTALL_HINT}`;
  }
  if (!existsSync(allureLauncher())) return `allure-commandline launcher missing at ${allureLauncher()} (run npm install)`;
  return undefined;
}

export function allureLauncher(): string {
  const pkg = createRequire(import.meta.url).resolve('allure-commandline/package.json');
  return join(dirname(pkg), 'dist', 'bin', process.platform === 'win32' ? 'allure.bat' : 'allure');
}

export interface GenerateOptions {
  readonly resultsDir: string;
  readonly reportDir: string;
  /** Bounded: the generator must not hang a CI job (default 5 minutes). */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Default true: one self-contained index.html. The multi-file report loads its data with XHR,
   * which browsers refuse from file://, so a QA engineer opening a CI artifact would see a spinner.
   */
  readonly singleFile?: boolean;
  /** Title shown by the report (default "L2TPv3 conformance"). */
  readonly reportName?: string;
  /**
   * Default true: the previous report in reportDir lends its history (reports/allure/history.ts), so
   * the Trend, Retries and Duration graphs and each test's History tab span the runs.
   */
  readonly keepHistory?: boolean;
  /** The run's id (the matrix's runId): the build name of the trend's point for this run. */
  readonly runId?: string;
}

/**
 * Runs `allure generate RESULTS -o REPORT --clean --name NAME [--single-file]` after carrying the
 * previous report's history into RESULTS/history; resolves to REPORT/index.html.
 */
export async function generateAllureReport(opts: GenerateOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const reason = allureUnavailableReason(env);
  if (reason !== undefined) throw new AllureReportError(`Allure HTML report not generated: ${reason}`);
  if (!existsSync(opts.resultsDir) || readdirSync(opts.resultsDir).length === 0) {
    throw new AllureReportError(`Allure HTML report not generated: no Allure results in ${opts.resultsDir} (did the run use the allure-playwright reporter?)`);
  }
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const reportName = opts.reportName ?? 'L2TPv3 conformance';
  // Read before --clean empties the report folder.
  if (opts.keepHistory ?? true) carryAllureHistory({ resultsDir: opts.resultsDir, reportDir: opts.reportDir, runId: opts.runId, reportName });
  const args = ['generate', opts.resultsDir, '-o', opts.reportDir, '--clean', '--name', reportName];
  if (opts.singleFile ?? true) args.push('--single-file');
  const output = await new Promise<{ code: number | null; text: string; timedOut: boolean }>((resolve, reject) => {
    // ALLURE_NO_ANALYTICS: otherwise the generator reports to Google Analytics and the report
    // loads googletagmanager.com: a lab machine talks to no one, and the report opens offline.
    const child = spawn(allureLauncher(), args, { env: { ...env, ALLURE_NO_ANALYTICS: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (b: Buffer): void => {
      text = (text + b.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new AllureReportError(`Allure HTML report not generated: cannot start ${allureLauncher()}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, text, timedOut });
    });
  });
  const index = join(opts.reportDir, 'index.html');
  // A failed generation must not lose the history the next run carries on.
  if ((output.timedOut || output.code !== 0 || !existsSync(index)) && (opts.keepHistory ?? true)) restoreAllureHistory(opts.resultsDir, opts.reportDir);
  if (output.timedOut) throw new AllureReportError(`Allure HTML report not generated: allure generate took more than ${timeoutMs} ms`);
  if (output.code !== 0 || !existsSync(index)) {
    throw new AllureReportError(`Allure HTML report not generated: allure generate exited ${output.code}: ${output.text.trim().split('\n').slice(-5).join(' | ')}`);
  }
  // The next run reads REPORT/history/ (a single-file report has it only inside index.html).
  if (opts.keepHistory ?? true) exportAllureHistory(opts.reportDir);
  return index;
}
