// `l2tpv3-conformance report`: a Playwright JSON report in, the matrix files and the summary out;
// exit 1 on a regression, 2 with a one-line message on bad input.
import { test, expect } from '@playwright/test';
import { FEATURES } from '../../reports/matrix/features.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportCommand } from '../../cli/report.ts';
import { UsageError } from '../../cli/args.ts';

function report(status: 'expected' | 'unexpected', model = 'NVR700W', firmware = 'Rev.15.00.14') {
  const annotations = [
    { type: 'conformance.model', description: model },
    { type: 'conformance.firmware', description: firmware },
    { type: 'conformance.feature', description: 'timers' },
    { type: 'conformance.expectation', description: 'supported' },
  ];
  return { suites: [{ title: 'timers.spec.ts', specs: [{ title: 'keepalive', tests: [{ status, annotations, results: [{ status: status === 'expected' ? 'passed' : 'failed' }] }] }] }] };
}

let dir = '';
const out: string[] = [];
const err: string[] = [];
const realWrite = process.stdout.write.bind(process.stdout);
const realError = console.error;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reports-cli-'));
  out.length = 0;
  err.length = 0;
  // The command prints; keep the test output clean and check what it says.
  process.stdout.write = ((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  }) as typeof process.stdout.write;
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
});
test.afterEach(() => {
  process.stdout.write = realWrite;
  console.error = realError;
  rmSync(dir, { recursive: true, force: true });
});

test('two runs: the second with a failure exits 1 and names the new regression', async () => {
  const results = join(dir, 'results.json');
  writeFileSync(results, JSON.stringify(report('expected')));
  expect(await reportCommand(['--results', results, '--out', dir, '--run-id', 'n1'])).toBe(0);
  writeFileSync(results, JSON.stringify(report('unexpected')));
  expect(await reportCommand(['--results', results, '--out', dir, '--run-id', 'n2'])).toBe(1);
  const text = out.join('');
  // one cell judged (the regression), every other feature column of the row not run
  expect(text).toMatch(new RegExp(`NVR700W Rev\\.15\\.00\\.14\\s+0\\s+0\\s+0\\s+1\\s+${FEATURES.length - 1}\\b`));
  expect(text).toContain('NEW REGRESSIONS (1) against n1:');
  expect(text).toContain('NVR700W / Rev.15.00.14 / timers (was conformant)');
  for (const f of ['matrix.html', 'matrix.md', 'matrix.json', 'history.json']) expect(existsSync(join(dir, f))).toBe(true);
  expect(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')).runs.map((r: { runId: string }) => r.runId)).toEqual(['n1', 'n2']);
});

test('bad input: exit 2 with one line naming the file; bad flags are usage errors', async () => {
  expect(await reportCommand(['--results', join(dir, 'missing.json'), '--out', dir])).toBe(2);
  expect(err.join('\n')).toMatch(/missing\.json: no such file/);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{');
  expect(await reportCommand(['--results', bad, '--out', dir])).toBe(2);
  expect(err.join('\n')).toMatch(/bad\.json: not JSON/);
  await expect(reportCommand(['--coverage', 'all'])).rejects.toThrow(UsageError);
  await expect(reportCommand(['--coverage', 'all'])).rejects.toThrow(/--coverage must be one of models, bands/);
});

test('the shards of a run (run --shard i/n) merge: repeated --results give one matrix with every shard\'s devices', async () => {
  const a = join(dir, 'shard1.json');
  const b = join(dir, 'shard2.json');
  writeFileSync(a, JSON.stringify(report('expected')));
  writeFileSync(b, JSON.stringify(report('unexpected', 'RTX830', 'Rev.15.02.22')));
  expect(await reportCommand(['--results', a, '--results', b, '--out', dir, '--run-id', 'sharded'])).toBe(1);
  const m = JSON.parse(readFileSync(join(dir, 'matrix.json'), 'utf8')) as { rows: { model: string; tested: boolean }[]; cells: { model: string; feature: string; kind: string }[] };
  expect(m.rows.filter((r) => r.tested).map((r) => r.model).sort()).toEqual(['NVR700W', 'RTX830']);
  expect(m.cells.find((c) => c.model === 'NVR700W' && c.feature === 'timers')?.kind).toBe('conformant');
  expect(m.cells.find((c) => c.model === 'RTX830' && c.feature === 'timers')?.kind).toBe('regression');
  const history = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')) as { runs: { runId: string }[] };
  expect(history.runs.map((r) => r.runId)).toEqual(['sharded']);
  expect(await reportCommand(['--results', a, '--results', join(dir, 'nope.json'), '--out', dir])).toBe(2);
  expect(err.join('\n')).toMatch(/nope\.json: no such file/);
});
