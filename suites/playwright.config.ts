// Playwright config of the conformance suites (the unit tests have the root config). One project
// per device of the lab: the default emulated lab (every model at its newest documented revision),
// the full matrix (every support-table band; L2TPV3_FULL_MATRIX=1), or a lab inventory
// (L2TPV3_LAB=topologies/labs/X.yaml). `l2tpv3-conformance run` sets these variables and the
// reporters' output folder; run alone, this config reports to the terminal only.
import { defineConfig } from '@playwright/test';
import { conformanceReporters, reportPaths } from '../reports/allure/reporter-config.ts';
import { LAB_ENV, projectName, selectDevices, selectionFromEnv } from './support/devices.ts';
import type { SuiteTestFixtures, SuiteWorkerFixtures } from './fixtures.ts';
import { DEFECT_SYMPTOM_TAGS, MUTATION_ENV, mutantProjectName, tagsGrep } from './support/mutants.ts';
import { DEFAULT_TIME_SCALE, suiteWorkers } from './support/run-settings.ts';

const selection = selectionFromEnv();
const devices = selectDevices(selection);
const outDir = process.env[LAB_ENV.outDir];
const display = (process.env[LAB_ENV.display] as 'list' | 'line' | 'dot' | undefined) ?? 'list';
const timeScale = Number(process.env[LAB_ENV.timeScale] ?? String(DEFAULT_TIME_SCALE));
// A mutation run (`l2tpv3-conformance mutation`): a baseline project per device plus one project
// per device and defect (suites/support/mutants.ts).
const mutants = (process.env[MUTATION_ENV.defects] ?? '').split(',').filter((d) => d !== '');
const baselineRepeat = Number(process.env[MUTATION_ENV.baselineRepeat] ?? '1');
const allTests = process.env[MUTATION_ENV.allTests] === '1';

// A profile variant (cookie, sequencing: suites/support/devices.ts DEFAULT_LAB_VARIANTS) differs from
// its model only in the session's data options: it runs the areas where those show, not the rest again.
const VARIANT_TAGS = ['@control', '@frames', '@malformed'];
// A device behind IPIP or MAP-E (--full-matrix: underlayDevices()) differs in the path to its peers:
// the control and frames areas run over it (issue 19); the examples over underlays are @underlay's.
const UNDERLAY_TAGS = ['@control', '@frames'];

function projects() {
  const plain = devices.map((device) => ({
    name: projectName(device),
    ...(device.underlay !== undefined ? { grep: tagsGrep(UNDERLAY_TAGS) } : device.profile !== undefined && !allTests ? { grep: tagsGrep(VARIANT_TAGS) } : {}),
    use: { device, labFile: selection.labFile, timeScale },
  }));
  if (mutants.length === 0) return plain;
  return [
    // `mutation --no-baseline` (0): no baseline project at all (Playwright reads repeatEach 0 as 1)
    ...(baselineRepeat > 0 ? plain.map((p) => ({ ...p, repeatEach: baselineRepeat })) : []),
    ...devices.flatMap((device) => mutants.map((defect) => ({
      name: mutantProjectName(device, defect),
      grep: allTests ? undefined : tagsGrep(DEFECT_SYMPTOM_TAGS[defect as keyof typeof DEFECT_SYMPTOM_TAGS] ?? []),
      use: { device: { ...device, defects: [...device.defects, defect] }, labFile: selection.labFile, timeScale },
    }))),
  ];
}

const workers = suiteWorkers(devices, process.env.L2TPV3_WORKERS ? Number(process.env.L2TPV3_WORKERS) : undefined);
/**
 * With several projects (devices, defects), each may use half the workers, so two run side by side
 * instead of every worker joining each project in turn: a worker is a new process for every
 * project it joins (~1 s of CPU to load Playwright and the suites), so this halves those starts
 * and fills the end of one project with the next one's tests. One project uses them all.
 */
function withWorkerShare<P extends object>(list: P[]): (P & { workers?: number })[] {
  if (list.length < 2 || workers < 2) return list;
  const share = Math.ceil(workers / 2);
  return list.map((p) => ({ ...p, workers: share }));
}

export default defineConfig<SuiteTestFixtures, SuiteWorkerFixtures>({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // Bounded: a hung device test fails, it does not hang the nightly run.
  timeout: 60_000,
  fullyParallel: true,
  // A lab with physical devices has one harness (its peer addresses and syslog port): one worker.
  workers,
  retries: 0,
  reporter: outDir
    ? conformanceReporters(reportPaths(outDir), {
        display,
        environmentInfo: { lab: selection.labFile ?? (selection.fullMatrix ? 'emulated full matrix' : selection.underlays ? 'emulated devices behind IPIP and MAP-E' : 'emulated default lab'), timeScale: String(timeScale), defects: (selection.defects ?? []).join(',') || 'none' },
      })
    : [[display]],
  outputDir: outDir ? `${outDir}/test-output` : '../test-results/suites',
  projects: withWorkerShare(projects()),
});
