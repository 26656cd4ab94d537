// The pilot of the trace verdict (suites/control-connection.spec.ts), end to end on an emulated
// RTX1210: the faithful router passes; with the injected defect syslog-wrong-level (INFO lines
// sent with debug severity) — an exact value the spec's summary assertions never checked — the
// "peer dials" test fails, and its first divergence names the severity field of the first line.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function runSpec(defects: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, L2TPV3_MODELS: 'RTX1210', L2TPV3_DEFECTS: defects };
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'suites/playwright.config.ts', 'suites/control-connection.spec.ts', '-g', 'peer dials', '--workers', '1', '--reporter', 'line'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, output });
    });
  });
}

test('the trace verdict passes the faithful router and catches a wrong syslog severity', async () => {
  test.setTimeout(240_000);
  const faithful = await runSpec('');
  expect(faithful.code, faithful.output.slice(-2000)).toBe(0);
  const defective = await runSpec('syslog-wrong-level');
  await test.info().attach('run with syslog-wrong-level', { body: defective.output, contentType: 'text/plain' });
  expect(defective.code).toBe(1);
  expect(defective.output).toContain('value: syslog@collector syslog: field \'severity\' is "debug(7)", predicted "info(6)"');
});
