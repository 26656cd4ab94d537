// Playwright reporter of `l2tpv3-conformance mutation` (issue 17 point 5): while the one mutation
// invocation runs, one line per event that matters to the person waiting, on stdout:
//   running  <defect> on <device> (N tests)
//   killed   <defect> on <device> by <test title> (+12.3 s)
//   SURVIVED <defect> on <device>: N tests passed (+40.1 s)
//   n/a      <defect> on <device>: not observable on MODEL: reason; N tests passed (+40.1 s)
//            (the oracle rules the defect's trigger out on that device: notObservableReason, the
//            same words and the same decision as the kill table's)
//   baseline <device>: FAILED <test title>           (a failure without a defect is no kill)
//   baseline <device>: N test runs, all passed (+9.8 s)
// Times count from the start of the run. The kill table itself is printed by cli/mutation.ts from
// the JSON report, so this file only narrates.
import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import type { SuiteDevice } from './devices.ts';
import { defectOfProject, notObservableReason } from './mutants.ts';

interface ProjectProgress {
  readonly project: string;
  readonly defect?: string;
  /** The project's device (its `use.device`, suites/playwright.config.ts); undefined if absent. */
  readonly device?: Pick<SuiteDevice, 'model' | 'firmware'>;
  readonly total: number;
  ended: number;
  started: boolean;
  killedBy?: string;
  failures: number;
}

function deviceOf(project: string, defect: string | undefined): string {
  return defect === undefined ? project : project.slice(0, project.length - defect.length - 2);
}

export default class MutationProgressReporter implements Reporter {
  private readonly progress = new Map<string, ProjectProgress>();
  private t0 = 0;

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.t0 = performance.now();
    const counts = new Map<string, number>();
    const devices = new Map<string, Pick<SuiteDevice, 'model' | 'firmware'>>();
    for (const t of suite.allTests()) {
      const project = t.parent.project();
      const p = project?.name ?? '';
      counts.set(p, (counts.get(p) ?? 0) + 1);
      const device = (project?.use as { device?: Pick<SuiteDevice, 'model' | 'firmware'> } | undefined)?.device;
      if (device !== undefined) devices.set(p, device);
    }
    for (const [project, total] of counts) {
      this.progress.set(project, { project, defect: defectOfProject(project), device: devices.get(project), total, ended: 0, started: false, failures: 0 });
    }
    const mutants = [...this.progress.values()].filter((p) => p.defect !== undefined).length;
    this.say(`mutation progress: ${mutants} defect project(s), ${counts.size - mutants} baseline project(s), ${suite.allTests().length} test runs`);
  }

  onTestBegin(test: TestCase): void {
    const p = this.progress.get(test.parent.project()?.name ?? '');
    if (!p || p.started) return;
    p.started = true;
    if (p.defect !== undefined) this.say(`running  ${p.defect} on ${deviceOf(p.project, p.defect)} (${p.total} tests)`);
    else this.say(`baseline ${p.project}: running (${p.total} test runs)`);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const p = this.progress.get(test.parent.project()?.name ?? '');
    if (!p) return;
    p.ended++;
    const failed = result.status !== test.expectedStatus && result.status !== 'skipped';
    if (failed) {
      p.failures++;
      if (p.defect === undefined) this.say(`baseline ${p.project}: FAILED ${test.title} (${result.status})`);
      else if (p.killedBy === undefined) {
        p.killedBy = test.title;
        this.say(`killed   ${p.defect} on ${deviceOf(p.project, p.defect)} by ${test.title} (${this.elapsed()})`);
      }
    }
    if (p.ended < p.total) return;
    if (p.defect === undefined) {
      if (p.failures === 0) this.say(`baseline ${p.project}: ${p.total} test runs, all passed (${this.elapsed()})`);
    } else if (p.killedBy === undefined) {
      const why = p.device === undefined ? undefined : notObservableReason(p.defect, [p.device]);
      if (why !== undefined) this.say(`n/a      ${p.defect} on ${deviceOf(p.project, p.defect)}: ${why}; ${p.total} tests passed (${this.elapsed()})`);
      else this.say(`SURVIVED ${p.defect} on ${deviceOf(p.project, p.defect)}: ${p.total} tests passed (${this.elapsed()})`);
    } else {
      this.say(`done     ${p.defect}: ${p.failures} of ${p.total} tests failed (${this.elapsed()})`);
    }
  }

  private elapsed(): string {
    return `+${((performance.now() - this.t0) / 1000).toFixed(1)} s`;
  }

  private say(line: string): void {
    process.stdout.write(`${line}\n`);
  }
}
