// `profile learn` against an emulated RTX posing as a bench device (tests/suites/helpers/bench.ts),
// reached only through the lab inventory as a QA team writes it (issue 16 "What must be shown" 3):
// a router whose firmware profile differs from the project's assumptions in one known way
// (`--profile cookie8`: an 8-octet Assigned Cookie) is reported with exactly that assumption
// refuted; the default profile with none; the written file names the device as it said it is; the
// probe config is rolled back; a lab problem is exit 3; no password is printed.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SESSION_PROFILE_ASSUMPTIONS } from '../../reference-impl/control/session-profile-assumptions.ts';
import { readProfile } from '../../drivers/learn/profile-file.ts';
import { readIdentity } from '../../drivers/config/identity.ts';
import { CliSession } from '../../drivers/cli/session.ts';
import { ReplayDevice } from '../../drivers/cli/transports/replay.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, benchConfig, startBench, type Bench } from '../suites/helpers/bench.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Ran { code: number | null; stdout: string; stderr: string }

/** Runs the real binary (bounded), as CI would; `onStderr` sees its progress lines (e.g. to interrupt it). */
function learn(b: Bench, args: readonly string[], env: NodeJS.ProcessEnv = b.env, onStderr?: (text: string, p: ReturnType<typeof spawn>) => void): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(ROOT, 'bin/l2tpv3-conformance.mjs'), 'profile', 'learn', '--lab', b.inventory, ...args], { env, cwd: b.dir });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, p);
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const refutedIds = (file: string) => readProfile(file).assumptions.filter((a) => a.verdict === 'refuted').map((a) => a.id);

test.describe('profile learn', () => {
  test.describe.configure({ timeout: 120_000 });

  test('a cookie8 router: exactly the cookie assumption refuted, everything probed confirmed, config rolled back', async () => {
    const b = await startBench('learn-c8', { profile: 'cookie8' });
    try {
      const before = await benchConfig(b);
      const out = path.join(b.dir, 'learned.json');
      const r = await learn(b, ['--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(refutedIds(out)).toEqual([SESSION_PROFILE_ASSUMPTIONS.cookieLength.id]);
      const p = readProfile(out);
      expect(p.device).toMatchObject({ model: 'RTX1210', firmware: 'Rev.14.01.26' });
      expect(p.control.cookieLength).toBe(8);
      // every probe ran: nothing left unprobed
      expect(p.assumptions.filter((a) => a.verdict === 'not-probed')).toEqual([]);
      expect(r.stdout).toMatch(/refuted\s+own-cookie-length: .*8 octets/);
      expect(await benchConfig(b), 'the probe tunnel is rolled back').toBe(before);
      for (const secret of [BENCH_PASSWORD, BENCH_ADMIN]) {
        expect(r.stdout + r.stderr).not.toContain(secret);
        expect(readFileSync(out, 'utf8')).not.toContain(secret);
      }
    } finally {
      await b.stop();
    }
  });

  test('a sequencing router: exactly the L2SS and Data Sequencing assumptions refuted', async () => {
    const b = await startBench('learn-seq', { profile: 'sequencing' });
    try {
      const out = path.join(b.dir, 'learned.json');
      const r = await learn(b, ['--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(refutedIds(out)).toEqual([SESSION_PROFILE_ASSUMPTIONS.l2ssOffered.id, SESSION_PROFILE_ASSUMPTIONS.dataSequencing.id]);
      expect(readProfile(out).control).toMatchObject({ cookieLength: 0, l2ssOffered: 1, dataSequencing: 2 });
    } finally {
      await b.stop();
    }
  });

  test('the default profile: no assumption refuted (filter stage order included); the file parses and names model and firmware', async () => {
    const b = await startBench('learn-def');
    try {
      const before = await benchConfig(b);
      const out = path.join(b.dir, 'learned.json');
      const r = await learn(b, ['--out', out, '--device', 'bench', '--filter-order']);
      expect(r.code, r.stderr).toBe(0);
      expect(refutedIds(out)).toEqual([]);
      expect(readProfile(out).assumptions.find((a) => a.id === 'filter:memberOrder')?.verdict).toBe('confirmed');
      expect(await benchConfig(b), 'the probe tunnel, bridge and filters are rolled back').toBe(before);
      const p = JSON.parse(readFileSync(out, 'utf8')) as { device: { model: string; firmware: string } };
      expect(p.device).toMatchObject({ model: 'RTX1210', firmware: 'Rev.14.01.26' });
      expect(r.stdout).toContain('refuted 0');
    } finally {
      await b.stop();
    }
  });

  test('planted syslog and CLI defects: exactly the lines and the error text they change are refuted', async () => {
    // syslog-typo: "estabished" in the tunnel/session lines; cli-error-not-reported: no `Error:` for a refused line
    const b = await startBench('learn-def', { defects: ['syslog-typo', 'cli-error-not-reported'] });
    try {
      const out = path.join(b.dir, 'learned.json');
      const r = await learn(b, ['--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(refutedIds(out)).toEqual(['syslog:tunnelEstablished', 'syslog:sessionEstablished', 'config:error-text']);
    } finally {
      await b.stop();
    }
  });

  test('--transcript records the CLI sessions as a replay fixture: no secret in it, and the identity read replays', async () => {
    const b = await startBench('learn-rec');
    try {
      const out = path.join(b.dir, 'learned.json');
      const rec = path.join(b.dir, 'learn-cli.jsonl');
      const r = await learn(b, ['--out', out, '--transcript', rec]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(rec, 'utf8');
      for (const secret of [BENCH_PASSWORD, BENCH_ADMIN]) expect(text).not.toContain(secret);
      expect(text).toContain('show status l2tp');
      // the first recorded connection (identity and running config) served back by the replay transport
      const replay = ReplayDevice.fromFile(rec);
      const s = new CliSession({ transport: replay.transport, credentials: { password: 'any-pw', adminPassword: 'any-admin-pw' }, saveAnswer: 'N' });
      await s.connect();
      await s.administrator();
      const id = await readIdentity(s, 'replay');
      await s.showConfig();
      await s.close();
      expect(replay.problems).toEqual([]);
      const learned = readProfile(out).device;
      expect(id).toMatchObject({ model: learned.model, firmware: learned.firmware, serial: learned.serial });
    } finally {
      await b.stop();
    }
  });

  test('SIGINT once the probe config is on the device: rolled back, exit 130, no profile written', async () => {
    const b = await startBench('learn-int');
    try {
      const before = await benchConfig(b);
      const out = path.join(b.dir, 'learned.json');
      let sent = false;
      const r = await learn(b, ['--out', out], b.env, (text, p) => {
        if (!sent && text.includes('push verified')) {
          sent = true;
          p.kill('SIGINT');
        }
      });
      expect(sent, r.stderr).toBe(true);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toContain('rollback verified');
      expect(existsSync(out)).toBe(false);
      expect(await benchConfig(b)).toBe(before);
    } finally {
      await b.stop();
    }
  });

  test('a lab error (the password variable unset) is exit 3 and probes nothing', async () => {
    const b = await startBench('learn-lab');
    try {
      const env = { ...b.env };
      delete env.BENCH_RTX_PASSWORD;
      const r = await learn(b, ['--out', path.join(b.dir, 'x.json')], env);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('BENCH_RTX_PASSWORD');
      expect(r.stderr).toContain('preflight failed');
    } finally {
      await b.stop();
    }
  });
});
