// `l2tpv3-conformance config check|format`: exit codes, streams and output format (issue 5, CLI;
// issue 17 points 2 and 4: diagnostics on stderr, --json, --strict, non-text input, model names).
import { test, expect } from '@playwright/test';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configCommand } from '../../cli/config.ts';
import { UsageError } from '../../cli/exit-codes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const RT2 = path.join(root, 'tests/reference-impl/config/fixtures/rtx830-rt2-dynamic-initiator.conf');

/** Runs configCommand with stdout and stderr captured. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const capture = (add: (s: string) => void) =>
    ((chunk: string | Uint8Array) => (add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()), true)) as typeof process.stdout.write;
  const [w1, w2, log] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr), console.log];
  process.stdout.write = capture((s) => (out += s));
  process.stderr.write = capture((s) => (err += s));
  console.log = (...a: unknown[]) => void (out += a.join(' ') + '\n');
  try {
    return { code: await configCommand(argv), out, err };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    console.log = log;
  }
}

/** Folders this file's tests made: removed after each test (only these). */
const made: string[] = [];
test.afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-cli-'));
  made.push(dir);
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
}

// RT2 of facts §2.1 has three lines the checker does not model (ip tunnel tcp mss limit, telnetd host,
// statistics traffic): warnings on stderr, exit 0.
test('config check: a valid config exits 0, nothing on stdout, what is not modelled on stderr', async () => {
  const r = await run(['check', RT2, '--model', 'RTX830', '--firmware', 'Rev.15.02.10']);
  expect(r.code).toBe(0);
  expect(r.out).toBe('');
  const lines = r.err.trimEnd().split('\n');
  expect(lines).toContain(`${RT2}:33: warning: not modelled, not checked (ip tunnel tcp mss limit: known from [RTSIM] simulator command table; the checker does not model it)`);
  expect(lines[lines.length - 1]).toMatch(/^.*: 3 line\(s\) not modelled, not checked \(--strict makes them errors\)$/);
});

test('config check --strict: the same lines are errors, exit 1', async () => {
  const r = await run(['check', RT2, '--model', 'RTX830', '--firmware', '15.02.10', '--strict']);
  expect(r.code).toBe(1);
  expect(r.err).toContain(`${RT2}:33: error: not modelled, not checked (ip tunnel tcp mss limit`);
});

test('config check: findings as FILE:LINE: message on stderr, exit 1, no secret printed', async () => {
  const f = tempFile('bad.conf', 'tunnel select 1\n tunnel encapsulation l2tpv3-raw\n l2tp tunnel auth on TopSecretButFarTooLongPassword123\n l2tp keepalive use on 0\n');
  const { code, out, err } = await run(['check', f, '--model', 'RTX830', '--firmware', '15.02.17']);
  expect(code).toBe(1);
  expect(out).toBe('');
  expect(err.trimEnd().split('\n')).toEqual([
    `${f}:3: Error: Parameter out of range (l2tp tunnel auth: password: longer than 32 characters)`,
    `${f}:4: Error: Parameter out of range (l2tp keepalive use: interval: 0 is not in 1..600)`,
  ]);
  expect(err).not.toContain('TopSecret');
  const ja = await run(['check', f, '--model', 'RTX830', '--firmware', '15.02.17', '--lang', 'ja']);
  expect(ja.err).toContain(`${f}:4: エラー：パラメータが範囲を越えています`);
});

test('config check: an unknown command and a typo are errors, the typo with a did-you-mean', async () => {
  const f = tempFile('typo.conf', 'foo bar\ntunnel select 1\n l2tp syslgo on\nvlan port mapping lan1.1 vlan1\n');
  const { code, err } = await run(['check', f, '--model', 'rtx1210', '--firmware', '14.01.42']);
  expect(code).toBe(1);
  expect(err.trimEnd().split('\n')).toEqual([
    `${f}:1: Error: Invalid command name ('foo' starts no RTX command the checker knows)`,
    `${f}:3: Error: Illegal keyword (l2tp: unknown form); did you mean 'l2tp syslog'?`,
  ]);
});

test('config check --json: one document on stdout with file, line, severity, code, message', async () => {
  const f = tempFile('j.conf', 'foo bar\nip route default gateway 192.0.2.1\ntunnel select 1\n l2tp syslgo on\n');
  const { code, out, err } = await run(['check', f, '--model', 'RTX1210', '--firmware', '14.01.42', '--json']);
  expect(code).toBe(1);
  expect(err).toBe('');
  const doc = JSON.parse(out);
  expect(doc).toMatchObject({ file: f, model: 'RTX1210', ok: false, errors: 2, warnings: 1 });
  expect(doc.diagnostics.map((d: { line: number; severity: string; code: string }) => `${d.line}:${d.severity}:${d.code}`)).toEqual([
    '1:error:unknown-command',
    '2:warning:not-modelled',
    '4:error:syntax',
  ]);
  expect(doc.diagnostics[2]).toMatchObject({ file: f, line: 4, column: 7, message: 'Error: Illegal keyword', suggestion: 'l2tp syslog' });
});

test('config check and format: a binary file is one input error naming the byte offset (exit 2 through main)', async () => {
  const bin = tempFile('image.conf', Buffer.from([0x23, 0x20, 0x22, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x22, 0x22]));
  await expect(run(['check', bin, '--model', 'RTX830', '--firmware', '15.02.17'])).rejects.toThrow(`${bin}: not a text file (NUL byte at byte offset 8)`);
  await expect(run(['format', bin])).rejects.toThrow(UsageError);
  const mess = tempFile('mess.conf', Buffer.from([0x69, 0x70, 0x20, 0xff, 0xfe, 0xfd, 0x0a]));
  await expect(run(['format', mess])).rejects.toThrow(/not a text file \(byte 0xff at byte offset 3 is neither UTF-8 nor Shift_JIS text\)/);
});

test('config check: usage errors name the problem', async () => {
  await expect(run(['check', RT2, '--model', 'RTX830'])).rejects.toThrow(/--firmware REV is required/);
  await expect(run(['check', RT2, '--model', 'RTX9', '--firmware', '15.02.17'])).rejects.toThrow(/--model: unknown model 'RTX9'/);
  await expect(run(['check', RT2, '--model', 'rtx831', '--firmware', '15.02.17'])).rejects.toThrow(/did you mean/);
  await expect(run(['check', '/nonexistent/x.conf', '--model', 'RTX830', '--firmware', '15.02.17'])).rejects.toThrow(/\/nonexistent\/x.conf: cannot read/);
  await expect(run(['check', RT2, '--model', 'RTX830', '--firmware', '15.02.17', '--strcit'])).rejects.toThrow(/unknown option --strcit; did you mean --strict/);
  await expect(run(['frobnicate'])).rejects.toThrow(UsageError);
});

test('config check --model takes names case-insensitively', async () => {
  expect((await run(['check', RT2, '--model', 'rtx830', '--firmware', '15.02.10'])).code).toBe(0);
});

test('config --help and config check --help explain every flag, exit 0', async () => {
  const top = await run(['--help']);
  expect(top.code).toBe(0);
  expect(top.out).toContain('check');
  expect(top.out).toContain('format');
  const help = await run(['check', '--help']);
  expect(help.code).toBe(0);
  for (const flag of ['--model', '--firmware', '--lang', '--strict', '--json']) expect(help.out).toContain(flag);
});

test('config format: prints the round trip byte for byte', async () => {
  const { code, out } = await run(['format', RT2]);
  expect(code).toBe(0);
  expect(out).toBe(readFileSync(RT2, 'utf8'));
});

test('the binary runs config check and format', async () => {
  const bin = path.join(root, 'bin/l2tpv3-conformance.mjs');
  const exec = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, 'config', ...args], { timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      ),
    );
  expect(await exec(['check', RT2, '--model', 'RTX830', '--firmware', '15.02.10'])).toMatchObject({ code: 0, stdout: '' });
  const bad = await exec(['check', RT2, '--model', 'RTX830', '--firmware', '15.02.00']);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toBe('');
  expect(bad.stderr.split('\n')[0]).toBe(`${RT2}:11: Error: Illegal keyword (tunnel encapsulation l2tpv3: RTX830 Rev.15.02.00 has no L2TPv3 (seed: 対応機種とファームウェアリビジョン))`);
  expect((await exec(['check', RT2])).code).toBe(2);
  const binary = tempFile('b.conf', Buffer.from([0x00, 0x01]));
  const refused = await exec(['format', binary]);
  expect(refused).toMatchObject({ code: 2, stdout: '' });
  expect(refused.stderr).toContain('not a text file (NUL byte at byte offset 0)');
  expect((await exec(['format', RT2])).stdout).toBe(readFileSync(RT2, 'utf8'));
});

test('config check - reads the config from stdin', () => {
  const bin = path.join(root, 'bin/l2tpv3-conformance.mjs');
  const r = spawnSync(process.execPath, [bin, 'config', 'check', '-', '--model', 'rtx830', '--firmware', '15.02.17'], { input: 'foo bar\n', encoding: 'utf8', timeout: 30_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toBe("-:1: Error: Invalid command name ('foo' starts no RTX command the checker knows)\n");
});
