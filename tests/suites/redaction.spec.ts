// Issue 8 point 3: after a run, no configured secret appears in any transcript, log, report or
// error. The run's suites configure a tunnel password (suites/tunnel-auth.spec.ts) and CLI
// login/administrator passwords (drivers/dut/router-cli.ts); every file the run wrote —
// Allure results and report, JUnit, JSON, matrix, attachments — and its console output are
// searched for them, in clear and base64-encoded (the single-file Allure report inlines attachments).
import { test, expect } from '@playwright/test';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_SECRETS } from '../../drivers/dut/router-cli.ts';
import { runCli } from './helpers/cli-process.ts';

const TUNNEL_PASSWORD = 'suite-lab-password'; // suites/tunnel-auth.spec.ts

/** The secret in clear, and every base64 run that must appear when it is encoded at any offset. */
function forms(secret: string): string[] {
  const out = [secret];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.from('\0'.repeat(shift) + secret).toString('base64');
    // Drop the characters that mix in the padding octets or what follows the secret.
    const start = Math.ceil((shift * 4) / 3) + (shift ? 1 : 0);
    const end = Math.floor(((shift + secret.length) * 4) / 3) - 1;
    if (end - start >= 8) out.push(b64.slice(start, end));
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('a run that configures passwords leaves none of them in its output, reports or attachments', async () => {
  test.setTimeout(400_000);
  const out = mkdtempSync(path.join(tmpdir(), 'suites-redaction-'));
  // --retries 1: a trace verdict can meet scheduling jitter beyond its budget on a loaded CI machine;
  // a retry that passes shows as flaky in the output (attached), a defect fails both attempts.
  const r = await runCli(['run', '--grep', '@auth|@control', '--models', 'RTX830', '--out', out, '--run-id', 'redaction', '--display', 'dot', '--retries', '1'], 380_000);
  expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
  // The secrets were really in play: the auth suite ran and passed.
  const results = readFileSync(path.join(out, 'results.json'), 'utf8');
  expect(results).toContain('same password on both ends');
  const files = filesUnder(out);
  expect(files.length).toBeGreaterThan(10);
  const leaks: string[] = [];
  const texts: [string, string][] = [['run stdout/stderr', r.stdout + r.stderr], ...files.map((f): [string, string] => [f, readFileSync(f).toString('latin1')])];
  for (const secret of [TUNNEL_PASSWORD, ...CLI_SECRETS]) {
    for (const form of forms(secret)) {
      for (const [name, text] of texts) if (text.includes(form)) leaks.push(`${name} contains ${form === secret ? 'a secret' : 'a base64-encoded secret'}`);
    }
  }
  expect(leaks).toEqual([]);
});
