// Issue 17 "what must be shown" 2: every subcommand, walked from the binary's own command tree
// (cli/main.ts rootCommand), answers --help, --version, an unknown flag, a missing file and a
// binary file by the one exit-code table (cli/exit-codes.ts): help and version on stdout with
// exit 0; errors as ONE line on stderr, prefixed by the command words, nothing on stdout, exit 2;
// never a stack trace. A subcommand added later is walked too (its table is the input).
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main, rootCommand } from '../../cli/main.ts';
import { BUILTIN_FLAGS, PROGRAM, type CommandDef } from '../../cli/command-table.ts';
import { EXIT, EXIT_CODE_TABLE } from '../../cli/exit-codes.ts';
import { runCli } from '../suites/helpers/cli-process.ts';

interface Leaf {
  words: string[];
  def: CommandDef;
}

function leaves(def: CommandDef, words: string[] = []): Leaf[] {
  if (!def.subcommands?.length) return [{ words, def }];
  return def.subcommands.flatMap((s) => leaves(s, [...words, s.name]));
}

const root = await rootCommand();
const LEAVES = leaves(root);
const DIR = mkdtempSync(path.join(tmpdir(), 'cli-conventions-'));
const MISSING = path.join(DIR, 'no-such-file.yaml');
const BINARY = path.join(DIR, 'binary.bin');
// gzip magic, then NUL bytes: no text, no capture, no JSON
writeFileSync(BINARY, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xfe, 0x00, 0x01]));

/** How each subcommand is given an input file (the rest of its arguments valid), or why it takes none. */
const FILE_ARGV: Record<string, ((file: string) => string[]) | { none: string }> = {
  'run': (f) => ['--lab', f],
  'mutation': { none: 'mutation reads no input file (its lab is the default emulated one)' },
  'decode': (f) => [f],
  'config check': (f) => [f, '--model', 'RTX1210', '--firmware', '14.01.26'],
  'config format': (f) => [f],
  'peer': { none: 'peer reads no input file (its --pcap output is checked in data-safety.spec.ts)' },
  'report': (f) => ['--results', f],
  'router': (f) => ['--model', 'RTX1210', '--firmware', '14.01.26', '--config', f, '--ssh', '127.0.0.1:0'],
  'lab up': (f) => [f],
  'lab down': (f) => ['--state', f],
  'lab readdress': (f) => ['--router', 'rt1', '--state', f],
  'topology check': (f) => [f],
  'profile learn': (f) => ['--lab', f],
};

/** main() in this process, with stdout and stderr captured. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** An error as the table says: exit 2, one line on stderr naming the command, nothing on stdout. */
function expectUsageError(r: { code: number; stdout: string; stderr: string }, words: string[], what: RegExp): void {
  expect(r.code, r.stderr).toBe(EXIT.usage);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0].startsWith(`${[PROGRAM, ...words.slice(0, 1)].join(' ')}`), lines[0]).toBe(true);
  expect(lines[0]).toMatch(what);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A typo of the flag (two inner letters swapped, or one letter dropped for short names). */
function typo(name: string): string {
  const i = Math.max(1, Math.floor(name.length / 2) - 1);
  const swapped = name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2);
  return swapped !== name ? swapped : name.slice(0, -1);
}

test('the tree holds every subcommand of the binary', () => {
  expect(root.subcommands!.map((s) => s.name)).toEqual(['run', 'mutation', 'decode', 'config', 'peer', 'report', 'router', 'lab', 'topology', 'profile']);
  expect(LEAVES.map((l) => l.words.join(' ')).sort()).toEqual(Object.keys(FILE_ARGV).sort());
});

test('top level: --help on stdout (exit 0), nothing at all is the help on stderr (exit 2), unknown subcommand with did-you-mean', async () => {
  const help = await cli(['--help']);
  expect(help.code).toBe(EXIT.ok);
  expect(help.stderr).toBe('');
  for (const s of root.subcommands!) expect(help.stdout).toContain(`  ${s.name}`);
  for (const e of EXIT_CODE_TABLE) expect(help.stdout).toContain(`${String(e.code).padStart(3)}  ${e.meaning}`);
  const none = await cli([]);
  expect(none.code).toBe(EXIT.usage);
  expect(none.stdout).toBe('');
  expect(none.stderr).toContain('usage:');
  expectUsageError(await cli(['topolgy']), [], /unknown subcommand 'topolgy'; did you mean 'topology'\?/);
  expectUsageError(await cli(['--versoin']), [], /unknown option --versoin; did you mean --version\?/);
});

test('the binary itself: --version and a usage error have the same streams and codes as main()', async () => {
  const v = await runCli(['--version'], 60_000);
  expect(v.code).toBe(0);
  expect(v.stdout).toMatch(/^l2tpv3-conformance \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}|unknown)\)\n$/);
  const bad = await runCli(['topology', 'check', '--jsn'], 60_000);
  expect(bad.code).toBe(2);
  expect(bad.stdout).toBe('');
  expect(bad.stderr).toBe('l2tpv3-conformance topology check: unknown option --jsn; did you mean --json? (see l2tpv3-conformance topology check --help)\n');
});

for (const { words, def } of LEAVES) {
  const name = words.join(' ');
  test.describe(name, () => {
    test('--help and -h: usage line, every flag with its explanation, the exit codes; stdout, exit 0', async () => {
      for (const h of ['--help', '-h']) {
        const r = await cli([...words, h]);
        expect(r.code).toBe(EXIT.ok);
        expect(r.stderr).toBe('');
        expect(r.stdout.startsWith(`usage: ${PROGRAM} ${name}`)).toBe(true);
        expect(r.stdout).toContain(def.summary);
        for (const f of [...(def.flags ?? []).filter((x) => !x.removed), ...BUILTIN_FLAGS]) {
          expect(f.help.length, `--${f.name} has no explanation`).toBeGreaterThan(5);
          // the explanation on the flag's line, or on the next when the flag's synopsis is long
          expect(r.stdout, `--${f.name}`).toMatch(new RegExp(`--${f.name}\\b[^\\n]*(\\n {20,})?${f.help.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
        }
        for (const e of EXIT_CODE_TABLE) expect(r.stdout).toContain(e.meaning);
      }
      // on the parent too (`lab --help`, `config --help`)
      if (words.length > 1) expect((await cli([words[0], '--help'])).code).toBe(EXIT.ok);
    });

    test('--version: package version and git commit on stdout, exit 0', async () => {
      const r = await cli([...words, '--version']);
      expect(r.code).toBe(EXIT.ok);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^l2tpv3-conformance \d+\.\d+\.\d+ \(commit ([0-9a-f]{7,}|unknown)\)\n$/);
    });

    test('an unknown flag: exit 2, one line on stderr with a did-you-mean', async () => {
      const flag = (def.flags ?? []).filter((f) => !f.removed && f.name.length >= 4)[0] ?? BUILTIN_FLAGS[1];
      const wrong = typo(flag.name);
      const r = await cli([...words, `--${wrong}`]);
      expectUsageError(r, words, new RegExp(`unknown option --${wrong}; did you mean --${flag.name}\\?`));
    });

    test('a missing input file: exit 2, one line naming the file', async () => {
      const make = FILE_ARGV[name];
      test.skip('none' in make, 'none' in make ? make.none : '');
      if ('none' in make) return;
      expectUsageError(await cli([...words, ...make(MISSING)]), words, /no-such-file\.yaml.*(no such file|cannot read)|(no such file|no lab state file at) .*no-such-file\.yaml/i);
    });

    test('a binary input file: exit 2, one line naming the file', async () => {
      const make = FILE_ARGV[name];
      test.skip('none' in make, 'none' in make ? make.none : '');
      if ('none' in make) return;
      expectUsageError(await cli([...words, ...make(BINARY)]), words, /binary\.bin/);
    });
  });
}
