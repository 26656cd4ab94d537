// Issue 16 on an emulated RTX1210 posing as the bench device:
// - "a bench that already has `l2tp service on l2tpv3` gets false regressions": the harness's
//   syslog settings now go before anything that makes the device act, so such a bench runs green;
// - "nothing in matrix.html/md says this was a hardware run, Allure says timeScale=10, pushes and
//   restores appear nowhere": the reports carry the harness version and commit and the device's
//   model, firmware and serial as read from it, and each test attaches its push/verify/restore log.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { benchConfig, BENCH_ADMIN, BENCH_PASSWORD, startBench } from './helpers/bench.ts';
import { runCli } from './helpers/cli-process.ts';

interface PwResult { attachments?: { name: string; path?: string }[] }
interface PwTest { results: PwResult[] }
interface PwSuite { suites?: PwSuite[]; specs?: { tests: PwTest[] }[] }

function attachmentsOf(s: PwSuite): { name: string; path?: string }[] {
  return [...(s.specs ?? []).flatMap((sp) => sp.tests.flatMap((t) => t.results.flatMap((r) => r.attachments ?? []))), ...(s.suites ?? []).flatMap(attachmentsOf)];
}

test('a bench already running `l2tp service on l2tpv3` runs green; every report names the harness and the device as it said who it is', async () => {
  test.setTimeout(300_000);
  const b = await startBench('bench-green', { extra: ['l2tp service on l2tpv3'] });
  try {
    const before = await benchConfig(b);
    const out = path.join(b.dir, 'out');
    const r = await runCli(['run', '--lab', b.inventory, '--grep', '@syslog|@control', '--out', out, '--no-allure', '--display', 'list', '--retries', '1'], 280_000, b.env);
    await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
    expect(r.code, r.stdout.slice(-3000) + r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toContain('regressions: 0');
    // the preflight said who the device is before the first test
    expect(r.stdout).toMatch(/preflight bench: RTX1210 Rev\.14\.01\.26 serial \S+ at 127\.0\.0\.1:\d+: ok/);
    expect(r.stdout.indexOf('preflight bench:')).toBeLessThan(r.stdout.search(/✓|✘|ok \d+ /));

    // matrix.json: hardware run, harness version and commit, the device as read from it
    const matrix = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as { identity?: { hardware: boolean; harness: { version: string; commit: string }; devices: { role: string; serial: string; source: string; firmware: string; model: string; address?: string; timeScale: number }[] } };
    expect(matrix.identity?.hardware).toBe(true);
    expect(matrix.identity?.harness.commit).toMatch(/^[0-9a-f]{7,}$|^unknown$/);
    expect(matrix.identity?.devices).toEqual([{ role: 'bench', kind: 'physical', model: 'RTX1210', firmware: 'Rev.14.01.26', serial: expect.stringMatching(/\S/) as unknown as string, address: `${b.ssh.host}:${b.ssh.port}`, source: 'device', timeScale: 1 }]);
    const serial = matrix.identity!.devices[0].serial;
    for (const f of ['matrix.md', 'matrix.html']) {
      const text = readFileSync(path.join(out, f), 'utf8');
      expect(text, f).toContain('Hardware run');
      expect(text, f).toContain(`serial ${serial}`);
      expect(text, f).toContain(matrix.identity!.harness.commit);
    }
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain(`<property name="harnessCommit" value="${matrix.identity!.harness.commit}"/>`);
    expect(junit).toMatch(new RegExp(`<property name="device.bench" value="RTX1210 Rev.14.01.26 serial ${serial} at [^"]+ \\(physical\\)"/>`));
    // Allure's environment: a real-time hardware run, never the emulated timeScale=10
    const envFile = readdirSync(path.join(out, 'allure-results')).find((f) => f.startsWith('environment'));
    expect(envFile, 'allure-results has an environment file').toBeDefined();
    const allureEnv = readFileSync(path.join(out, 'allure-results', envFile!), 'utf8');
    expect(allureEnv).toContain('hardware');
    expect(allureEnv).toMatch(/timeScale\s*=\s*1 \(real time: hardware run\)/);
    expect(allureEnv).not.toMatch(/timeScale\s*=\s*10\b/);

    // each test that pushed attached its push, verify and restore log
    const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { suites: PwSuite[] };
    const logs = results.suites.flatMap(attachmentsOf).filter((a) => a.name === 'config-push-log.txt');
    expect(logs.length).toBeGreaterThan(0);
    const text = readFileSync(logs[0].path!, 'utf8');
    expect(text).toMatch(/push: \d+ command\(s\)/);
    expect(text).toContain('push verified');
    expect(text).toContain('rollback verified');

    expect(await benchConfig(b)).toBe(before);
    for (const secret of [BENCH_PASSWORD, BENCH_ADMIN]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
      for (const a of logs) expect(readFileSync(a.path!, 'utf8')).not.toContain(secret);
    }
  } finally {
    await b.stop();
  }
});
