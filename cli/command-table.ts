// One declarative table per subcommand drives parsing (node:util parseArgs, strict, with tokens),
// `--help`/`-h` (every flag with its explanation), `--version`, "did you mean" for flags and
// subcommands, and validation (choices, integer and number ranges, input files, output folders)
// with messages naming the flag. Everything here runs BEFORE a subcommand's handler touches the
// filesystem (issue 17 point 1): a handler receives only checked values.
// Exit codes: cli/exit-codes.ts. Help rendering: cli/command-help.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, HarnessError, UsageError } from './exit-codes.ts';
import { renderHelp } from './command-help.ts';
import { checkInputFile, checkOutputFile } from './input-files.ts';
import { checkOutputFolder } from './output-folder.ts';
import { didYouMean } from './suggest.ts';
import { versionLine } from './version.ts';

export const PROGRAM = 'l2tpv3-conformance';

export interface FlagDef {
  /** long name without dashes */
  readonly name: string;
  readonly type: 'boolean' | 'string';
  /** one-letter alias, without the dash */
  readonly short?: string;
  /** may be given more than once (values collected in order) */
  readonly multiple?: boolean;
  /** values may also be comma-separated (`--models a,b`): `strings()` splits and trims them */
  readonly list?: boolean;
  /** the value's name in help (`--port N`); default VALUE */
  readonly valueName?: string;
  /** the closed set of values (checked, with "did you mean") */
  readonly choices?: readonly string[];
  /** what a choice is called in errors (`--defect: unknown defect 'x'`); help then does not list a long set */
  readonly choiceNoun?: string;
  /** an integer in [min, max] */
  readonly int?: readonly [min: number, max: number];
  /** a number in (min, max] (exclusive min: a time scale of 0 means nothing) */
  readonly number?: readonly [minExclusive: number, max: number];
  /** the value may be left out (`router --console-pty [PATH]`): then it reads as '' */
  readonly optionalValue?: boolean;
  /** the value names an input file: it must exist and be readable; 'text' also refuses binary content */
  readonly input?: 'text' | 'binary';
  /** the value names an output file (its folder must exist) or an output folder (cli/output-folder.ts:
   *  new, empty, or marked as the tool's own; never a checkout) */
  readonly output?: 'file' | 'folder';
  /** the command cannot run without it */
  readonly required?: boolean;
  /** shown in help as "(default X)" */
  readonly default?: string;
  /** a flag that no longer exists: refused with this message (which names its replacement) */
  readonly removed?: string;
  readonly help: string;
}

export interface PositionalDef {
  /** as help shows it: FILE, TOPOLOGY */
  readonly name: string;
  readonly help: string;
  readonly required?: boolean;
  /** takes every remaining argument (FILE...) */
  readonly variadic?: boolean;
  readonly input?: 'text' | 'binary';
}

export interface CommandDef {
  /** the word typed: 'check' in `topology check` */
  readonly name: string;
  readonly summary: string;
  /** a longer paragraph for --help */
  readonly description?: string;
  /** other words for the same command (`lab destroy` for `lab down`) */
  readonly aliases?: readonly string[];
  readonly positionals?: readonly PositionalDef[];
  readonly flags?: readonly FlagDef[];
  readonly examples?: readonly string[];
  readonly subcommands?: readonly CommandDef[];
  readonly run?: (args: ParsedCommand) => Promise<number>;
}

/** Added to every command; never listed in a table. */
export const BUILTIN_FLAGS: readonly FlagDef[] = [
  { name: 'help', type: 'boolean', short: 'h', help: 'show this help (every flag explained) and exit 0' },
  { name: 'version', type: 'boolean', help: 'print the package version and git commit and exit 0' },
];

/** The checked values of one invocation, read by name (an unknown name is a programming error). */
export class ParsedCommand {
  constructor(
    readonly path: readonly string[],
    readonly def: CommandDef,
    readonly positionals: readonly string[],
    private readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>,
  ) {}

  private flag(name: string): FlagDef {
    const f = this.def.flags?.find((x) => x.name === name);
    if (!f) throw new Error(`${this.path.join(' ')}: no flag --${name} in its table`);
    return f;
  }

  has(name: string): boolean {
    this.flag(name);
    return this.values[name] !== undefined;
  }

  bool(name: string): boolean {
    return this.flag(name).type === 'boolean' && this.values[name] === true;
  }

  string(name: string): string | undefined {
    this.flag(name);
    const v = this.values[name];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    return typeof last === 'string' ? last : undefined;
  }

  /** Every value of a repeatable flag, comma lists split for `list` flags; [] when absent. */
  strings(name: string): string[] {
    const f = this.flag(name);
    const v = this.values[name];
    const raw = (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
    return f.list ? raw.flatMap((x) => x.split(',')).map((x) => x.trim()).filter((x) => x !== '') : raw;
  }

  int(name: string): number | undefined {
    const s = this.string(name);
    return s === undefined ? undefined : Number(s);
  }

  number(name: string): number | undefined {
    return this.int(name);
  }
}

/** What one argv asks for: a handler to run, or help/version text to print. */
export type Resolved =
  | { kind: 'run'; parsed: ParsedCommand }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string };

function commandWords(path: readonly string[]): string {
  return path.join(' ');
}

function findSub(def: CommandDef, word: string): CommandDef | undefined {
  return def.subcommands?.find((s) => s.name === word || s.aliases?.includes(word));
}

function flagLabel(f: FlagDef): string {
  return `--${f.name}`;
}

/** Rewrites optional-value flags so parseArgs sees a value: `--console-pty` alone becomes `--console-pty=`. */
function withOptionalValues(argv: readonly string[], flags: readonly FlagDef[]): string[] {
  const optional = new Set(flags.filter((f) => f.optionalValue).map((f) => `--${f.name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return [...out, ...argv.slice(i)];
    if (optional.has(a)) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-')) {
        out.push(`${a}=${next}`);
        i++;
      } else out.push(`${a}=`);
    } else out.push(a);
  }
  return out;
}

function parseOptions(flags: readonly FlagDef[]): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const f of [...flags, ...BUILTIN_FLAGS]) {
    options[f.name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  }
  return options;
}

/** Checks one value against its flag's table row. */
function checkValue(f: FlagDef, v: string): void {
  if (f.choices && !f.choices.includes(v) && f.choiceNoun) {
    throw new UsageError(`${flagLabel(f)}: unknown ${f.choiceNoun} '${v}'${didYouMean(v, f.choices)} (known: ${f.choices.join(', ')})`);
  }
  if (f.choices && !f.choices.includes(v)) {
    throw new UsageError(`${flagLabel(f)} must be one of ${f.choices.join(', ')} (got '${v}')${didYouMean(v, f.choices)}`);
  }
  if (f.int) {
    const [min, max] = f.int;
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`${flagLabel(f)} must be an integer from ${min} to ${max} (got '${v}')`);
  }
  if (f.number) {
    const [min, max] = f.number;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= min || n > max) throw new UsageError(`${flagLabel(f)} must be a number above ${min} and at most ${max} (got '${v}')`);
  }
  if (f.input) checkInputFile(v, f.input, flagLabel(f));
  if (f.output === 'file') checkOutputFile(v, flagLabel(f));
  if (f.output === 'folder') checkOutputFolder(v, flagLabel(f));
}

/** Parses and validates the argv of a command that has no subcommands. */
function parseLeaf(def: CommandDef, path: readonly string[], argv: readonly string[]): Resolved {
  const flags = def.flags ?? [];
  const args = withOptionalValues(argv, flags);
  const options = parseOptions(flags);
  // Pass 1 (tokens, not strict): find help/version first, then name the bad flag with a suggestion.
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const optionTokens = [];
  for (const t of tokens) {
    if (t.kind === 'option-terminator') break;
    if (t.kind === 'option') optionTokens.push(t);
  }
  if (optionTokens.some((t) => t.name === 'help')) return { kind: 'help', text: renderHelp(def, path) };
  if (optionTokens.some((t) => t.name === 'version')) return { kind: 'version', text: versionLine() };
  const byName = new Map(flags.map((f) => [f.name, f]));
  const seen = new Set<string>();
  for (const t of optionTokens) {
    const f = byName.get(t.name);
    if (!f) {
      const known = [...flags, ...BUILTIN_FLAGS].filter((x) => !x.removed).map((x) => `--${x.name}`);
      const typed = t.rawName.startsWith('--') ? t.rawName : `-${t.name}`;
      throw new UsageError(`unknown option ${typed}${didYouMean(`--${t.name}`, known, (k) => k)} (see ${commandWords(path)} --help)`);
    }
    if (f.removed) throw new UsageError(`${flagLabel(f)} is no longer accepted: ${f.removed}`);
    if (f.type === 'boolean' && t.value !== undefined) throw new UsageError(`${flagLabel(f)} takes no value (got '${t.value}')`);
    if (f.type === 'string') {
      if (t.value === undefined || (!t.inlineValue && t.value.startsWith('-') && t.value !== '-')) {
        throw new UsageError(`${flagLabel(f)} needs a value (${f.valueName ?? 'VALUE'})${t.value !== undefined ? `; to give one that starts with '-', write ${flagLabel(f)}=${t.value}` : ''}`);
      }
    }
    if (!f.multiple && seen.has(f.name)) throw new UsageError(`${flagLabel(f)} given twice`);
    seen.add(f.name);
  }
  // Pass 2 (strict): the values, exactly as node:util reads them.
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const values = parsed.values as Record<string, string | boolean | (string | boolean)[] | undefined>;
  for (const f of flags) {
    const v = values[f.name];
    if (v === undefined) {
      if (f.required) throw new UsageError(`${flagLabel(f)} ${f.valueName ?? 'VALUE'} is required (see ${commandWords(path)} --help)`);
      continue;
    }
    for (const one of Array.isArray(v) ? v : [v]) {
      if (typeof one !== 'string') continue;
      if (f.optionalValue && one === '') continue;
      for (const item of f.list ? one.split(',').map((x) => x.trim()).filter((x) => x !== '') : [one]) checkValue(f, item);
    }
  }
  const pos = parsed.positionals;
  const defs = def.positionals ?? [];
  const variadic = defs.find((p) => p.variadic);
  if (!variadic && pos.length > defs.length) {
    throw new UsageError(`unexpected argument '${pos[defs.length]}' (see ${commandWords(path)} --help)`);
  }
  defs.forEach((p, i) => {
    const mine = p.variadic ? pos.slice(i) : pos[i] === undefined ? [] : [pos[i]];
    if (p.required && mine.length === 0) throw new UsageError(`missing ${p.name}${p.variadic ? '...' : ''} (see ${commandWords(path)} --help)`);
    if (p.input) for (const file of mine) checkInputFile(file, p.input, p.name);
  });
  return { kind: 'run', parsed: new ParsedCommand(path, def, pos, values) };
}

/** The command words an error belongs to (`l2tpv3-conformance lab down`), for its one-line message. */
const ERROR_PATH = Symbol('commandPath');

/** Marks an error with the deepest command it came from (an outer level never overwrites it). */
function tag(e: unknown, path: readonly string[]): unknown {
  if (e instanceof Error && !(ERROR_PATH in e)) Object.defineProperty(e, ERROR_PATH, { value: path });
  return e;
}

function tagged<T>(path: readonly string[], f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw tag(e, path);
  }
}

/** Walks subcommands (with "did you mean"), then parses the leaf. Throws UsageError. */
export function resolveCommand(def: CommandDef, argv: readonly string[], path: readonly string[] = [def.name]): Resolved {
  return tagged(path, () => resolveAt(def, argv, path));
}

function resolveAt(def: CommandDef, argv: readonly string[], path: readonly string[]): Resolved {
  if (!def.subcommands?.length) return parseLeaf(def, path, argv);
  const [word, ...rest] = argv;
  const words = def.subcommands.map((s) => s.name);
  if (word === undefined) throw new UsageError(`missing subcommand: one of ${words.join(', ')} (see ${commandWords(path)} --help)`);
  if (word === '--help' || word === '-h') return { kind: 'help', text: renderHelp(def, path) };
  if (word === '--version') return { kind: 'version', text: versionLine() };
  if (word.startsWith('-')) {
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', text: renderHelp(def, path) };
    const known = BUILTIN_FLAGS.map((f) => `--${f.name}`);
    throw new UsageError(`unknown option ${word}${didYouMean(word, known, (k) => k)}; a subcommand comes first: ${words.join(', ')} (see ${commandWords(path)} --help)`);
  }
  const sub = findSub(def, word);
  if (!sub) {
    const all = def.subcommands.flatMap((s) => [s.name, ...(s.aliases ?? [])]);
    throw new UsageError(`unknown ${def.name === PROGRAM ? '' : `${def.name} `}subcommand '${word}'${didYouMean(word, all)} (one of: ${words.join(', ')})`);
  }
  return resolveCommand(sub, rest, [...path, sub.name]);
}

/**
 * Runs a command table on argv: help and version print to stdout (exit 0), a handler runs with
 * checked values. Usage errors are thrown (UsageError) for the caller to print on stderr (exit 2).
 */
export async function invoke(def: CommandDef, argv: readonly string[], path: readonly string[] = [def.name]): Promise<number> {
  const r = resolveCommand(def, argv, path);
  if (r.kind !== 'run') {
    process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
    return EXIT.ok;
  }
  const run = r.parsed.def.run;
  if (!run) throw new UsageError(`missing subcommand (see ${commandWords(r.parsed.path)} --help)`);
  try {
    return await run(r.parsed);
  } catch (e) {
    throw tag(e, r.parsed.path);
  }
}

/**
 * Exactly what the binary does with a command (cli/main.ts): errors become one line on stderr,
 * prefixed with the command words, and the exit code of cli/exit-codes.ts; never a stack trace
 * (unless L2TPV3_DEBUG is set).
 */
export async function invokeAsMain(def: CommandDef, argv: readonly string[], path: readonly string[]): Promise<number> {
  try {
    return await invoke(def, argv, path);
  } catch (e) {
    return reportError(e, path);
  }
}

/** Prints an error that reached the top of a command; returns its exit code. */
export function reportError(e: unknown, path: readonly string[]): number {
  const words = ((e instanceof Error && (e as unknown as Record<symbol, readonly string[] | undefined>)[ERROR_PATH]) || path).join(' ');
  if (e instanceof UsageError) {
    process.stderr.write(`${words}: ${e.message}\n`);
    return EXIT.usage;
  }
  const message = e instanceof HarnessError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
  process.stderr.write(`${words}: ${message}\n`);
  if (process.env.L2TPV3_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return EXIT.harness;
}
