// `l2tpv3-conformance config check FILE --model M --firmware REV [--lang en|ja] [--strict] [--json]`
//   Findings on stderr as `FILE:LINE: message (detail)`; exit 0 when there is no error (warnings
//   about commands the checker does not model are allowed unless --strict), exit 1 otherwise
//   (cli/exit-codes.ts: an invalid config is a failure, like an invalid topology). --json prints
//   one document on stdout instead.
// `l2tpv3-conformance config format FILE`
//   prints the config as parsed and rendered back (byte-identical for a well-formed file).
// A file that is not text (NUL or control bytes, neither UTF-8 nor Shift_JIS) is one input error
// naming the byte offset (exit 2), for both.
import { readFileSync } from 'node:fs';
import {
  configPlatform,
  decodeConfigBytes,
  formatFinding,
  parseConfig,
  renderConfig,
  reviewConfigText,
  type ConfigIssue,
  type ConfigPlatform,
} from '../reference-impl/config/index.ts';
import { invoke, PROGRAM, type CommandDef } from './command-table.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { resolveModel } from './model-names.ts';

/** The config's text; a binary or undecodable file is an input error naming the offset. */
export function readConfigFile(file: string): { text: string; encoding: 'utf-8' | 'shift_jis' } {
  let bytes: Buffer;
  try {
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
  const r = decodeConfigBytes(bytes);
  if (!r.ok) throw new UsageError(`${file}: not a text file (${r.reason})`);
  return { text: r.text, encoding: r.encoding };
}

function platformFor(model: string, firmware: string): ConfigPlatform {
  const name = resolveModel(model);
  try {
    return configPlatform(name, firmware);
  } catch (err) {
    // an unknown revision: the platform's message lists what is known
    throw new UsageError(`--firmware: ${(err as Error).message}`);
  }
}

/** One finding in `--json` output. */
export interface ConfigDiagnosticJson {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  /** the rule, e.g. `syntax`, `not-modelled`, `unknown-command`, `too-many-l2tpv3-tunnels` */
  code: string;
  /** the router's message, or `not modelled, not checked` */
  message: string;
  detail: string;
  suggestion?: string;
}

function toJson(file: string, i: ConfigIssue): ConfigDiagnosticJson {
  return {
    file,
    line: i.line,
    column: i.column,
    severity: i.severity,
    code: i.rule,
    message: i.message,
    detail: i.detail,
    ...(i.suggestion ? { suggestion: i.suggestion } : {}),
  };
}

interface CheckOptions {
  file: string;
  model: string;
  firmware: string;
  lang: 'en' | 'ja';
  strict: boolean;
  json: boolean;
}

function check(o: CheckOptions): number {
  const platform = platformFor(o.model, o.firmware);
  const { text } = readConfigFile(o.file);
  const { issues } = reviewConfigText(text, platform, { lang: o.lang, strict: o.strict });
  const errors = issues.filter((i) => i.severity === 'error').length;
  const warnings = issues.length - errors;
  if (o.json) {
    const doc = { file: o.file, model: platform.model, firmware: o.firmware, strict: o.strict, ok: errors === 0, errors, warnings, diagnostics: issues.map((i) => toJson(o.file, i)) };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    for (const i of issues) process.stderr.write(`${formatFinding(o.file, i)}\n`);
    if (warnings > 0) process.stderr.write(`${o.file}: ${warnings} line(s) not modelled, not checked (--strict makes them errors)\n`);
  }
  return errors === 0 ? EXIT.ok : EXIT.failures;
}

function format(file: string): number {
  const { text, encoding } = readConfigFile(file);
  if (encoding !== 'utf-8') process.stderr.write(`${file}: read as Shift_JIS, written as UTF-8\n`);
  process.stdout.write(renderConfig(parseConfig(text)));
  return EXIT.ok;
}

const FILE_ARG = { name: 'FILE', help: 'RTX configuration text (`show config` form), UTF-8 or Shift_JIS; - reads stdin', required: true, input: 'binary' as const };

const CHECK: CommandDef = {
  name: 'check',
  summary: "check an RTX config against the command reference and the model's platform facts",
  description:
    'Errors (what the router refuses, and lines that are no RTX command, with a "did you mean") print on stderr as\n' +
    'FILE:LINE: MESSAGE (DETAIL) and make the exit code 1. Real RTX commands the checker does not model are\n' +
    'warnings "not modelled, not checked" (exit 0) unless --strict. A file that is not text is an input error (exit 2).',
  positionals: [FILE_ARG],
  flags: [
    { name: 'model', type: 'string', valueName: 'MODEL', required: true, help: 'router model, case-insensitive (RTX1210, rtx830, vRX)' },
    { name: 'firmware', type: 'string', valueName: 'REV', required: true, help: 'firmware revision, e.g. 15.02.17 or Rev.14.01.42' },
    { name: 'lang', type: 'string', valueName: 'LANG', choices: ['en', 'ja'], default: 'en', help: "language of the router's messages (console character en.ascii / ja.*)" },
    { name: 'strict', type: 'boolean', help: 'commands the checker does not model are errors, not warnings' },
    { name: 'json', type: 'boolean', help: 'print one JSON document on stdout ({ file, ok, errors, warnings, diagnostics: [{ file, line, column, severity, code, message, detail, suggestion }] })' },
  ],
  examples: [`${PROGRAM} config check site-a.conf --model rtx1210 --firmware 14.01.42`, `${PROGRAM} config check site-a.conf --model RTX830 --firmware 15.02.17 --strict --json`],
  run: (a) =>
    Promise.resolve(
      check({
        file: a.positionals[0],
        model: a.string('model')!,
        firmware: a.string('firmware')!,
        lang: (a.string('lang') ?? 'en') as 'en' | 'ja',
        strict: a.bool('strict'),
        json: a.bool('json'),
      }),
    ),
};

const FORMAT: CommandDef = {
  name: 'format',
  summary: 'print an RTX config as parsed and rendered back (byte-identical for a well-formed file)',
  positionals: [FILE_ARG],
  examples: [`${PROGRAM} config format site-a.conf`],
  run: (a) => Promise.resolve(format(a.positionals[0])),
};

export const CONFIG_COMMAND: CommandDef = {
  name: 'config',
  summary: 'check or format an RTX config file',
  subcommands: [CHECK, FORMAT],
};

/** `config ...` argv (tests call this); usage and input errors are thrown as UsageError. */
export function configCommand(argv: string[]): Promise<number> {
  return invoke(CONFIG_COMMAND, argv, [PROGRAM, 'config']);
}
