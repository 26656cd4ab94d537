// Small, strict argument parsing shared by every subcommand: unknown flags and
// missing values are errors that name the flag, never silently ignored.

import { UsageError } from './exit-codes.ts';

export { UsageError };

export interface FlagSpec {
  /** flag name without dashes */
  name: string;
  /** true when the flag takes a value; 'optional' when it may stand alone (value 'true') or take
   *  one (`--flag=V`, or `--flag V` when V does not start with `--`). */
  value: boolean | 'optional';
  /** may be given more than once (values collected in order) */
  repeat?: boolean;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
}

export function parseArgs(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option --${name}`);
    let value = 'true';
    if (spec.value === 'optional') {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    } else if (spec.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`option --${name} needs a value`);
    } else if (eq >= 0) {
      throw new UsageError(`option --${name} takes no value`);
    }
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`option --${name} given twice`);
    list.push(value);
    flags.set(name, list);
  }
  return { positional, flags };
}

/** The one value of a flag, checked against a closed set when `allowed` is given. */
export function flagValue(args: ParsedArgs, name: string, allowed?: readonly string[]): string | undefined {
  const v = args.flags.get(name)?.[0];
  if (v !== undefined && allowed && !allowed.includes(v)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got '${v}')`);
  }
  return v;
}

export function intFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = flagValue(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got '${v}')`);
  }
  return Number(v);
}
