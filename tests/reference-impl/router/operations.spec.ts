// The emulated router's operational commands are one table (reference-impl/router/cli/
// operations.ts): every row is reachable with each form of its syntax and gives its answer,
// never "Invalid command name"; a command no row takes still gets RTX's error text
// (yamaha-platform-facts.md §3.1: `Error: Invalid command name` / `エラー：コマンド名を確認してください`).

import { test, expect } from '@playwright/test';
import { compileSyntax, type Element } from '../../../reference-impl/config/grammar.ts';
import { runCommand, type CommandEnv } from '../../../reference-impl/router/cli/commands.ts';
import { findOperation, OPERATION_FAMILIES, OPERATIONS } from '../../../reference-impl/router/cli/operations.ts';
import { MemoryDevice } from '../../../reference-impl/router/memory-device.ts';
import { adminCli, BASE_CONFIG, openCli, T0 } from './cli-harness.ts';

// a value for each parameter name the rows use, valid in BASE_CONFIG (tunnel 1 in bridge1)
const SAMPLES: Record<string, string> = { tunnel: '1', bridge: 'bridge1' };

/** Every form of a syntax: each optional part left out or put in, parameters from SAMPLES. */
function forms(elements: readonly Element[]): string[][] {
  let acc: string[][] = [[]];
  for (const e of elements) {
    let next: string[][];
    if (e.kind === 'literal') next = [[e.word]];
    else if (e.kind === 'param') {
      const v = SAMPLES[e.name];
      if (v === undefined) throw new Error(`no sample value for <${e.name}>: add one to SAMPLES`);
      next = [[(e.key !== undefined ? `${e.key}=` : '') + v]];
    } else next = [[], ...forms(e.body)];
    acc = acc.flatMap((a) => next.map((n) => [...a, ...n]));
  }
  return acc;
}

function env(admin: boolean, lang: 'en' | 'ja' = 'en'): CommandEnv {
  const device = new MemoryDevice({ model: 'RTX1210', firmware: '14.01.26', config: BASE_CONFIG, clock: () => T0 });
  return { device, admin, context: { tunnel: null }, lang, transport: 'SSH', utcOffsetMinutes: 0, revealSecrets: false };
}

test('every row of the operational table answers each form of its syntax', () => {
  expect(OPERATIONS.length).toBeGreaterThanOrEqual(12);
  const tried: string[] = [];
  for (const row of OPERATIONS) {
    expect(OPERATION_FAMILIES, `${row.id}: its first word is no operation family`).toHaveProperty(row.id.split(' ')[0]);
    for (const words of forms(compileSyntax(row.syntax))) {
      const line = words.join(' ');
      // the table picks this row for its own syntax (no other row shadows it)
      expect(findOperation(words)?.spec, line).toBe(row);
      const r = runCommand(line, env(true));
      expect(r, line).toMatchObject({ kind: 'output' });
      tried.push(line);
    }
  }
  // the forms walked include the optional parts
  expect(tried).toEqual(expect.arrayContaining(['show status l2tp', 'show status l2tp tunnel 1', 'show log reverse', 'clear bridge learning bridge1', 'connect tunnel 1', 'save']));
});

test('show rows answer an ordinary user; the other families are administrator-only', () => {
  for (const row of OPERATIONS) {
    const [line] = forms(compileSyntax(row.syntax)).map((w) => w.join(' '));
    const r = runCommand(line, env(false));
    if (row.id.startsWith('show ')) expect(r, line).toMatchObject({ kind: 'output' });
    else expect(r, line).toEqual({ kind: 'error', message: 'Error: Administrator use only' });
  }
});

test('an unknown show or clear command gets RTX`s error text, in English and Japanese (facts §3.1)', () => {
  for (const line of ['show frobnicate', 'show status', 'show config extra', 'clear everything']) {
    expect(runCommand(line, env(true)), line).toEqual({ kind: 'error', message: 'Error: Invalid command name' });
    expect(runCommand(line, env(true, 'ja')), line).toEqual({ kind: 'error', message: 'エラー：コマンド名を確認してください' });
  }
  expect(runCommand('show', env(true))).toEqual({ kind: 'error', message: 'Error: Insufficient or too many parameters' });
  expect(runCommand('connect pp 1', env(true))).toEqual({ kind: 'error', message: 'Error: Illegal keyword' });
});

test('over the console: an unknown show command prints the error line and the prompt, a table row its output', () => {
  const cli = adminCli();
  expect(cli.type('show frobnicate')).toContain('Error: Invalid command name\r\n');
  expect(cli.type('show environment')).toContain('RTX1210 Rev.14.01.26');
  const user = openCli(BASE_CONFIG);
  user.type('loginpw1');
  expect(user.type('clear log')).toContain('Error: Administrator use only\r\n');
});
