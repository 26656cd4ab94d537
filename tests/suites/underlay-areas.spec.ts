// Issue 19, "What to build" 4: the control and frames areas run over both IPv6-only access
// services. `run --full-matrix` adds, for each model at its newest band, a device behind IPIP and
// one behind MAP-E (suites/support/devices.ts underlayDevices; `run --underlays` runs only those):
// its router runs in a namespace lab behind the ISP's relay, the tester peers are native IPv4 hosts
// beyond the relay's uplink (drivers/dut/underlay-dut.ts), and their results fill the matrix's
// `over-ipip` / `over-map-e` columns. Shown here through the real CLI on RTX1210: every control and
// frames test the suites define passes over both (with each area's whole-trace verdict), the
// device's endpoint is the one the underlay oracle predicts (MAP-E: its shared IPv4 address and the
// L2TPv3 port of its port set, RFC 7597), and an injected defect fails the same tests over both
// underlays (the verdicts still bite there). `--underlays` with `--lab` is refused.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { l2tpSourcePort, mapECe } from '../../reference-impl/underlay/index.ts';
import { UNDERLAY_ISP } from '../../drivers/dut/underlay-service.ts';
import { hasProgram } from '../../drivers/hosts/index.ts';
import { runCli } from './helpers/cli-process.ts';
import { execFileSync } from 'node:child_process';

interface Cell { model: string; firmware: string; feature: string; kind: string; counts: { passed: number; failed: number; skipped: number } }
interface RunTest { project: string; title: string; status: string; attachments: Record<string, string> }

const MODEL = 'RTX1210';
const NEWEST = 'Rev.14.01.26';
const ROOT = path.resolve(import.meta.dirname, '../..');
const AREAS = '@control|@frames';

/** How many tests the suites define for these areas on one plain device (Playwright's own listing, not our run). */
function definedTests(): number {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'suites/playwright.config.ts', '--list', '--grep', AREAS, `--project=${MODEL} ${NEWEST}`], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, L2TPV3_MODELS: MODEL }, timeout: 120_000 });
  const m = /Total: (\d+) tests?/.exec(out);
  if (!m) throw new Error(`no test count in the listing: ${out.slice(-400)}`);
  return Number(m[1]);
}

function cells(out: string): Cell[] {
  return (JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as { cells: Cell[] }).cells.filter((c) => c.model === MODEL && c.kind !== 'not-run');
}

interface JsonSuite { specs?: { title: string; tests: { projectName: string; status: string; results: { attachments: { name: string; body?: string }[] }[] }[] }[]; suites?: JsonSuite[] }

/** The run's tests from Playwright's JSON report: project, title, outcome, text attachments of the last attempt. */
function runTests(out: string): RunTest[] {
  const walk = (s: JsonSuite): RunTest[] => [
    ...(s.specs ?? []).flatMap((sp) => sp.tests.map((t) => ({
      project: t.projectName, title: sp.title, status: t.status,
      attachments: Object.fromEntries((t.results.at(-1)?.attachments ?? []).filter((a) => a.body !== undefined).map((a) => [a.name, Buffer.from(a.body!, 'base64').toString('utf8')])),
    }))),
    ...(s.suites ?? []).flatMap(walk),
  ];
  return (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { suites: JsonSuite[] }).suites.flatMap(walk);
}

test('run --underlays with --lab or --full-matrix is a usage error naming the clash', async () => {
  const a = await runCli(['run', '--underlays', '--full-matrix'], 60_000);
  expect(a.code).toBe(2);
  expect(a.stderr).toContain('--underlays excludes --full-matrix');
  const b = await runCli(['run', '--underlays', '--lab', 'topologies/labs/emulated-two-sites.yaml'], 60_000);
  expect(b.code).toBe(2);
  expect(b.stderr).toContain('--underlays excludes --lab');
});

test.describe('control and frames areas over IPIP and MAP-E (run --underlays, part of --full-matrix)', () => {
  test.skip(process.getuid?.() !== 0, 'the underlay devices run in network namespaces: needs root');
  for (const tool of ['ip', 'setpriv']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);

  test('every control and frames test passes over both underlays; the MAP-E endpoint is the predicted port of the set', async () => {
    test.setTimeout(600_000);
    const out = mkdtempSync(path.join(tmpdir(), 'underlay-areas-'));
    try {
      const r = await runCli(['run', '--underlays', '--models', MODEL, '--grep', AREAS, '--out', out, '--run-id', 'ci-underlay', '--display', 'dot', '--retries', '1', '--workers', '2', '--no-allure'], 560_000);
      await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
      expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
      expect(r.stdout).toContain(`2 device(s): ${MODEL} ${NEWEST} [over ipip], ${MODEL} ${NEWEST} [over map-e]`);
      const mine = cells(out).filter((c) => c.firmware === NEWEST);
      const byFeature = Object.fromEntries(mine.map((c) => [c.feature, { kind: c.kind, ...c.counts }]));
      // every test the suites define for these areas, each once over each underlay, and nothing else
      const plain = definedTests();
      expect(plain).toBeGreaterThan(10);
      expect(Object.keys(byFeature).sort()).toEqual(['over-ipip', 'over-map-e']);
      expect(byFeature['over-ipip']).toEqual({ kind: 'conformant', passed: plain, failed: 0, skipped: 0 });
      expect(byFeature['over-map-e']).toEqual({ kind: 'conformant', passed: plain, failed: 0, skipped: 0 });
      // each underlay project ran every test to an expected end, with its device where the oracle puts it
      const ce = mapECe(UNDERLAY_ISP.mapE.rule, UNDERLAY_ISP.mapE.endUserPrefix);
      const port = l2tpSourcePort(ce);
      expect(port, 'the L2TPv3 port of this CE\'s set is not 1701 (the case where MAP-E matters)').not.toBe(1701);
      const all = runTests(out);
      for (const [kind, endpoint] of [['ipip', `${UNDERLAY_ISP.ipip.ipv4}:1701`], ['map-e', `${ce.ipv4}:${port}`]] as const) {
        const mine = all.filter((t) => t.project === `${MODEL} ${NEWEST} [over ${kind}]`);
        expect(mine.length, kind).toBe(plain);
        expect(mine.filter((t) => t.status !== 'expected').map((t) => `${t.title}: ${t.status}`), kind).toEqual([]);
        // the router's own account of where its L2TPv3 is, and the peers seen from beyond the relay
        for (const t of mine) expect(t.attachments['device-trace.txt'], `${kind}: ${t.title}`).toContain(`L2TPv3 inside ${kind} as ${endpoint}`);
        const connected = mine.flatMap((t) => [...(t.attachments['syslog.txt'] ?? '').matchAll(/connected from (\S+)/g)].map((m) => m[1]));
        expect(connected.length, `${kind}: peers that dialled`).toBeGreaterThan(0);
        expect([...new Set(connected)].every((a) => a.startsWith('198.51.100.')), `${kind}: ${[...new Set(connected)].join(', ')}`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('an injected defect fails the same test over both underlays', async () => {
    test.setTimeout(300_000);
    const out = mkdtempSync(path.join(tmpdir(), 'underlay-defect-'));
    try {
      // the router leaves its Host Name AVP at the default: the SCCRP test sees it, whatever the path
      const r = await runCli(['run', '--underlays', '--models', MODEL, '--grep', 'Host Name AVP', '--defect', 'hostname-not-configured', '--out', out, '--run-id', 'ci-underlay-defect', '--display', 'dot', '--workers', '2', '--no-allure'], 280_000);
      await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
      expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(1);
      const failed = runTests(out).filter((t) => t.status === 'unexpected' && /\[over (ipip|map-e)\]/.test(t.project)).map((t) => /\[over (ipip|map-e)\]/.exec(t.project)![1]);
      expect([...new Set(failed)].sort()).toEqual(['ipip', 'map-e']);
      const mine = cells(out).filter((c) => c.firmware === NEWEST && c.feature.startsWith('over-'));
      expect(mine.map((c) => [c.feature, c.counts.failed > 0])).toEqual([['over-ipip', true], ['over-map-e', true]]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
