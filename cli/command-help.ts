// `--help` text, rendered from a command's table (cli/command-table.ts): the usage line, every
// positional and every flag with its explanation, choices, ranges and defaults, the subcommands,
// examples and the exit-code table. Nothing here is typed twice: a flag added to a table shows up.
import type { CommandDef, FlagDef } from './command-table.ts';
import { BUILTIN_FLAGS } from './command-table.ts';
import { EXIT_CODE_TABLE } from './exit-codes.ts';

const WIDTH = 30;

function flagSynopsis(f: FlagDef): string {
  const value = f.type === 'string' ? (f.optionalValue ? ` [${f.valueName ?? 'VALUE'}]` : ` ${f.valueName ?? 'VALUE'}`) : '';
  return `${f.short ? `-${f.short}, ` : '    '}--${f.name}${value}`;
}

function flagDetails(f: FlagDef): string {
  const extra: string[] = [];
  if (f.choices && !f.choiceNoun) extra.push(`one of: ${f.choices.join(', ')}`);
  if (f.choices && f.choiceNoun) extra.push(`${f.choices.length} known ${f.choiceNoun}s, e.g. ${f.choices.slice(0, 3).join(', ')}`);
  if (f.int) extra.push(`integer ${f.int[0]}..${f.int[1]}`);
  if (f.number) extra.push(`number > ${f.number[0]} and <= ${f.number[1]}`);
  if (f.default !== undefined) extra.push(`default ${f.default}`);
  if (f.multiple) extra.push(f.list ? 'repeatable, or comma-separated' : 'repeatable');
  if (f.required) extra.push('required');
  return extra.length ? `${f.help} (${extra.join('; ')})` : f.help;
}

function row(left: string, right: string): string {
  return left.length < WIDTH - 2 ? `  ${left.padEnd(WIDTH - 2)}${right}` : `  ${left}\n  ${''.padEnd(WIDTH - 2)}${right}`;
}

export function renderHelp(def: CommandDef, path: readonly string[]): string {
  const words = path.join(' ');
  const flags = (def.flags ?? []).filter((f) => !f.removed);
  const lines: string[] = [];
  if (def.subcommands?.length) {
    lines.push(`usage: ${words} SUBCOMMAND [options]`);
  } else {
    const pos = (def.positionals ?? []).map((p) => {
      const n = `${p.name}${p.variadic ? '...' : ''}`;
      return p.required ? n : `[${n}]`;
    });
    const required = flags.filter((f) => f.required).map((f) => `--${f.name} ${f.valueName ?? 'VALUE'}`);
    lines.push(`usage: ${[words, ...pos, ...required, '[options]'].join(' ')}`);
  }
  lines.push('', def.summary);
  if (def.description) lines.push('', def.description);
  if (def.subcommands?.length) {
    lines.push('', 'subcommands:');
    for (const s of def.subcommands) lines.push(row(`${s.name}${s.aliases?.length ? ` (${s.aliases.join(', ')})` : ''}`, s.summary));
    lines.push('', `Run '${words} SUBCOMMAND --help' for the flags of each.`);
  }
  if (def.positionals?.length) {
    lines.push('', 'arguments:');
    for (const p of def.positionals) lines.push(row(`${p.name}${p.variadic ? '...' : ''}`, p.help));
  }
  lines.push('', 'options:');
  for (const f of [...flags, ...BUILTIN_FLAGS]) lines.push(row(flagSynopsis(f), flagDetails(f)));
  if (flags.length) lines.push(`  ${''.padEnd(WIDTH - 2)}(--flag=VALUE also works; '--' ends the options)`);
  if (def.examples?.length) {
    lines.push('', 'examples:');
    for (const e of def.examples) lines.push(`  ${e}`);
  }
  lines.push('', 'exit codes:');
  for (const e of EXIT_CODE_TABLE) lines.push(`  ${String(e.code).padStart(3)}  ${e.meaning}`);
  return lines.join('\n') + '\n';
}
