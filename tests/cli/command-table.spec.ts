// The command table (cli/command-table.ts): node:util parseArgs in strict mode behind one table per
// command; every refusal names the flag, unknown flags and subcommands get a "did you mean", values
// are checked before a handler runs, `--` ends the options, --help wins over everything else.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveCommand, type CommandDef, type ParsedCommand } from '../../cli/command-table.ts';
import { UsageError } from '../../cli/exit-codes.ts';
import { editDistance, nearest } from '../../cli/suggest.ts';
import { findModel, resolveModel } from '../../cli/model-names.ts';
import { reachesOwnSocket } from '../../cli/peer.ts';

const LEAF: CommandDef = {
  name: 'demo',
  summary: 'a demo command',
  positionals: [{ name: 'FILE', help: 'files', variadic: true }],
  flags: [
    { name: 'json', type: 'boolean', help: 'json output' },
    { name: 'port', type: 'string', int: [1, 65535], help: 'a port' },
    { name: 'scale', type: 'string', number: [0, 1000], help: 'a scale' },
    { name: 'defect', type: 'string', multiple: true, list: true, choices: ['no-ageing', 'syslog-typo'], choiceNoun: 'defect', help: 'defects' },
    { name: 'mode', type: 'string', choices: ['list', 'line', 'dot'], help: 'a mode' },
    { name: 'console-pty', type: 'string', optionalValue: true, help: 'optional value' },
    { name: 'auth', type: 'string', removed: 'use --auth-env VAR', help: '' },
  ],
};
const TREE: CommandDef = { name: 'top', summary: 'tree', subcommands: [{ name: 'lab', summary: 'lab', subcommands: [{ ...LEAF, name: 'down', aliases: ['destroy'] }] }] };

function parsed(argv: string[], def: CommandDef = LEAF): ParsedCommand {
  const r = resolveCommand(def, argv);
  if (r.kind !== 'run') throw new Error(`expected a run, got ${r.kind}`);
  return r.parsed;
}

test('flags, values, repeats, comma lists and positionals', () => {
  const a = parsed(['f.pcap', '--json', '--port', '5000', '--defect=no-ageing', '--defect', 'syslog-typo,no-ageing', 'g.pcap']);
  expect(a.positionals).toEqual(['f.pcap', 'g.pcap']);
  expect(a.bool('json')).toBe(true);
  expect(a.int('port')).toBe(5000);
  expect(a.strings('defect')).toEqual(['no-ageing', 'syslog-typo', 'no-ageing']);
  expect(a.has('mode')).toBe(false);
  expect(() => a.string('nope')).toThrow(/no flag --nope in its table/);
});

test('refusals name the flag: unknown (with did-you-mean), twice, missing value, value on a boolean, ranges, choices', () => {
  expect(() => parsed(['--jsn'])).toThrow(/unknown option --jsn; did you mean --json\?/);
  expect(() => parsed(['--zzzzzz'])).toThrow(/^unknown option --zzzzzz \(see demo --help\)$/);
  expect(() => parsed(['-x'])).toThrow(/unknown option -x/);
  expect(() => parsed(['--port', '1', '--port', '2'])).toThrow(/--port given twice/);
  expect(() => parsed(['--port'])).toThrow(/--port needs a value/);
  expect(() => parsed(['--port', '--json'])).toThrow(/--port needs a value \(VALUE\); to give one that starts with '-', write --port=--json/);
  expect(() => parsed(['--json=1'])).toThrow(/--json takes no value/);
  expect(() => parsed(['--port', '70000'])).toThrow(/--port must be an integer from 1 to 65535 \(got '70000'\)/);
  expect(() => parsed(['--port', '1.5'])).toThrow(/--port must be an integer/);
  expect(() => parsed(['--scale', '0'])).toThrow(/--scale must be a number above 0 and at most 1000/);
  expect(() => parsed(['--mode', 'lst'])).toThrow(/--mode must be one of list, line, dot \(got 'lst'\); did you mean 'list'\?/);
  expect(() => parsed(['--defect', 'no-agein'])).toThrow(/--defect: unknown defect 'no-agein'; did you mean 'no-ageing'\?/);
  expect(() => parsed(['--auth', 'secret-value'])).toThrow(/--auth is no longer accepted: use --auth-env VAR/);
  try {
    parsed(['--auth', 'secret-value']);
  } catch (e) {
    expect((e as Error).message).not.toContain('secret-value'); // a refused secret is never echoed
  }
  expect(() => parsed(['--port', '0'])).toThrow(UsageError);
});

test("'--' ends the options; an optional value stands alone or takes one; --help wins over bad flags", () => {
  expect(parsed(['--', '--json', '-x']).positionals).toEqual(['--json', '-x']);
  expect(parsed(['--', '--json']).bool('json')).toBe(false);
  expect(parsed(['--console-pty', '--json']).string('console-pty')).toBe('');
  expect(parsed(['--console-pty']).string('console-pty')).toBe('');
  expect(parsed(['--console-pty', '/tmp/c']).string('console-pty')).toBe('/tmp/c');
  expect(parsed(['--console-pty=/tmp/d', 'x']).positionals).toEqual(['x']);
  expect(resolveCommand(LEAF, ['--jsn', '--help']).kind).toBe('help');
  expect(resolveCommand(LEAF, ['--version']).kind).toBe('version');
  expect(resolveCommand(LEAF, ['--', '--help']).kind).toBe('run');
});

test('subcommands: aliases, did-you-mean, missing, help at each level', () => {
  expect(parsed(['lab', 'destroy', '--json'], TREE).path).toEqual(['top', 'lab', 'down']);
  expect(() => resolveCommand(TREE, ['lab', 'dwon'])).toThrow(/unknown lab subcommand 'dwon'; did you mean 'down'\?/);
  expect(() => resolveCommand(TREE, ['lab'])).toThrow(/missing subcommand: one of down/);
  expect(resolveCommand(TREE, ['lab', '--help']).kind).toBe('help');
  const help = resolveCommand(TREE, ['lab', 'down', '-h']);
  expect(help.kind === 'help' && help.text).toContain('usage: top lab down [FILE...] [options]');
});

test('input files are checked while parsing: missing, folder, binary', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmd-table-'));
  const text = path.join(dir, 't.yaml');
  const bin = path.join(dir, 'b.bin');
  writeFileSync(text, 'a: 1\n');
  writeFileSync(bin, Buffer.from([0x61, 0x00, 0x62]));
  const def: CommandDef = { name: 'c', summary: 'c', positionals: [{ name: 'FILE', help: 'f', required: true, input: 'text' }] };
  expect(parsed([text], def).positionals).toEqual([text]);
  expect(() => parsed([path.join(dir, 'none.yaml')], def)).toThrow(/FILE .*none\.yaml: cannot read \(no such file\)/);
  expect(() => parsed([dir], def)).toThrow(/is a folder, not a file/);
  expect(() => parsed([bin], def)).toThrow(/not a text file \(binary byte 0x00 at offset 1\)/);
  expect(() => parsed([], def)).toThrow(/missing FILE/);
});

test('did-you-mean: edit distance with swaps; only close words', () => {
  expect(editDistance('syslgo', 'syslog')).toBe(1);
  expect(nearest('--jsno', ['--json', '--port'])).toEqual(['--json']);
  expect(nearest('--xyzzy', ['--json', '--port'])).toEqual([]);
  expect(nearest('5', ['0', '4', '8'])).toEqual([]);
});

test('model names: case-insensitive, unambiguous short names, did-you-mean', () => {
  expect(findModel('vRX')).toBe('vRX VMware ESXi版');
  expect(findModel('VRX')).toBe('vRX VMware ESXi版');
  expect(findModel('rtx1210')).toBe('RTX1210');
  expect(findModel('RTX1210')).toBe('RTX1210');
  expect(findModel('RTX')).toBeUndefined();
  expect(() => resolveModel('rtx121')).toThrow(/--model: unknown model 'rtx121'; did you mean 'RTX1210'\?/);
  expect(() => resolveModel('RTX9999')).toThrow(/known models: vRX VMware ESXi版, RTX3510/);
});

test("peer self-talk: an address the peer's own socket receives on", () => {
  expect(reachesOwnSocket('127.0.0.1', '0.0.0.0', [])).toBe(true);
  expect(reachesOwnSocket('127.0.0.9', '0.0.0.0', [])).toBe(true);
  expect(reachesOwnSocket('192.0.2.2', '0.0.0.0', ['192.0.2.2'])).toBe(true);
  expect(reachesOwnSocket('127.0.0.2', '127.0.0.2', [])).toBe(true);
  expect(reachesOwnSocket('::1', '::', [])).toBe(true);
  expect(reachesOwnSocket('127.0.0.1', '127.0.0.2', [])).toBe(false);
  expect(reachesOwnSocket('192.0.2.1', '0.0.0.0', ['192.0.2.2'])).toBe(false);
  expect(reachesOwnSocket('::1', '0.0.0.0', [])).toBe(false);
});
