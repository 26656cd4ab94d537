// One CLI command line -> a typed command, an unknown command (kept as it is), or the router's
// error. The emulated router applies commands typed at its CLI through parseCommandLine; the
// config parser uses it for every line.

import { CLOSED_FAMILIES, type CommandContext, type CommandSpec } from './command-spec.ts';
import { BRIDGE_COMMANDS, IPSEC_COMMANDS, L2TP_COMMANDS, TUNNEL_COMMANDS } from './commands-l2tp.ts';
import { ETHERNET_FILTER_COMMANDS, INTERFACE_COMMANDS, LAN_COMMANDS, NAT_COMMANDS, RIP_COMMANDS, SERVICE_COMMANDS } from './commands-general.ts';
import { L2MS_COMMANDS } from './commands-l2ms.ts';
import { UNDERLAY_COMMANDS } from './commands-underlay.ts';
import { better, claimLength, compileSyntax, matchSyntax, optionalChain, renderSyntax, type Element, type MatchFailure, type Values } from './grammar.ts';
import { DEFAULT_REFUSAL_MESSAGES, type RouterErrorKind } from './messages.ts';
import { tokenize, TokenizeError, type Token } from './tokens.ts';
import type { Value } from './value-types.ts';

export const COMMAND_SPECS: readonly CommandSpec[] = [
  ...TUNNEL_COMMANDS,
  ...L2TP_COMMANDS,
  ...BRIDGE_COMMANDS,
  ...IPSEC_COMMANDS,
  ...INTERFACE_COMMANDS,
  ...LAN_COMMANDS,
  ...RIP_COMMANDS,
  ...ETHERNET_FILTER_COMMANDS,
  ...NAT_COMMANDS,
  ...SERVICE_COMMANDS,
  ...L2MS_COMMANDS,
  ...UNDERLAY_COMMANDS,
];

interface Form {
  spec: CommandSpec;
  negated: boolean;
  elements: Element[];
  claim: number;
}

function forms(spec: CommandSpec): Form[] {
  const elements = compileSyntax(spec.syntax);
  const claim = claimLength(elements);
  const out: Form[] = [{ spec, negated: false, elements, claim }];
  if (spec.noSyntax !== false) {
    // CR convention: `no` + the leading keywords, then the parameters, each optional
    const noElements =
      spec.noSyntax !== undefined ? compileSyntax(spec.noSyntax) : [...elements.slice(0, claim), ...optionalChain(elements.slice(claim))];
    out.push({ spec, negated: true, elements: noElements, claim: claimLength(noElements) });
  }
  return out;
}

// Longest claim first, so `tunnel select none` is tried before `tunnel select N`.
const FORMS: readonly Form[] = COMMAND_SPECS.flatMap(forms).sort((a, b) => b.claim - a.claim);

/** A command of the modelled subset, with its parameter values. */
export interface Command {
  /** the command's name, e.g. `l2tp keepalive use` */
  readonly id: string;
  readonly negated: boolean;
  readonly values: Values;
  readonly spec: CommandSpec;
  /** @internal the form that matched, for rendering */
  readonly form: { elements: readonly Element[]; groups: readonly number[] };
}

export interface LineError {
  kind: RouterErrorKind;
  /** detail for people: names the command and parameter, never a secret value */
  reason: string;
  /** 0-based column in the command text */
  column: number;
}

export type ParsedLine =
  | { kind: 'blank' }
  | { kind: 'comment' }
  | { kind: 'command'; command: Command }
  /** a command outside the modelled subset: kept verbatim, never refused */
  | { kind: 'unknown' }
  | { kind: 'error'; error: LineError };

export interface CliContext {
  /** the selected tunnel (`tunnel select N`), or null */
  tunnel: number | null;
}

function claims(form: Form, tokens: readonly Token[]): boolean {
  if (tokens.length < form.claim) return false;
  for (let i = 0; i < form.claim; i++) {
    const e = form.elements[i];
    if (e.kind === 'literal' ? tokens[i].text !== e.word : e.kind === 'param' && !e.type.check(tokens[i].text).ok) return false;
  }
  return true;
}

function inClosedFamily(words: readonly string[]): string | undefined {
  return CLOSED_FAMILIES.find((f) => {
    const fw = f.split(' ');
    return fw.every((w, i) => words[i] === w);
  });
}

/**
 * Parse one command as typed at the CLI or shown in `show config` (indentation ignored).
 * With a context, a tunnel-only command outside `tunnel select N` is refused.
 */
export function parseCommandLine(line: string, context?: CliContext): ParsedLine {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'blank' };
  if (trimmed.startsWith('#')) return { kind: 'comment' };
  const offset = line.length - line.trimStart().length;
  let all: Token[];
  try {
    all = tokenize(line);
  } catch (err) {
    if (err instanceof TokenizeError) return { kind: 'error', error: { kind: 'illegalKeyword', reason: err.message, column: err.column } };
    throw err;
  }
  const negated = all[0].text === 'no';
  const tokens = negated ? all.slice(1) : all;
  const columnOf = (at: number) => (at < tokens.length ? tokens[at].column : line.trimEnd().length);
  const words = tokens.map((t) => t.text);

  let best: { failure: MatchFailure; form: Form } | undefined;
  for (const form of FORMS) {
    if (form.negated !== negated || !claims(form, tokens)) continue;
    const r = matchSyntax(form.elements, tokens, 0);
    if ('match' in r) {
      const command: Command = {
        id: form.spec.id,
        negated,
        values: r.match.values,
        spec: form.spec,
        form: { elements: form.elements, groups: r.match.groups },
      };
      if (context && form.spec.context === 'tunnel' && context.tunnel === null) {
        const reason = `${form.spec.id}: only after tunnel select`;
        return { kind: 'error', error: { kind: DEFAULT_REFUSAL_MESSAGES.tunnelOnlyOutsideTunnel, reason, column: offset } };
      }
      return { kind: 'command', command };
    }
    if (better(r.failure, best?.failure)) best = { failure: r.failure, form };
  }
  const family = inClosedFamily(words);
  if (!best) {
    if (!family) return { kind: 'unknown' };
    const at = Math.min(family.split(' ').length, tokens.length);
    return { kind: 'error', error: { kind: 'illegalKeyword', reason: `${family}: unknown form`, column: columnOf(at) } };
  }
  const { failure, form } = best;
  // A command that only shares its leading keywords with a modelled one is not ours to refuse.
  if (!family && failure.at === form.claim && (failure.kind === 'illegalKeyword' || failure.kind === 'integerRequired')) {
    return { kind: 'unknown' };
  }
  return { kind: 'error', error: { kind: failure.kind, reason: `${form.spec.id}: ${failure.reason}`, column: columnOf(failure.at) } };
}

/** The command as the router shows it (canonical spacing and quoting). */
export function renderCommand(command: Command): string {
  const words = renderSyntax(command.form.elements, { values: command.values, groups: command.form.groups });
  return (command.negated ? ['no', ...words] : words).join(' ');
}

/** A parameter's value (a number for integer parameters, a string otherwise). */
export function param(command: Command, name: string): Value | undefined {
  const v = command.values[name];
  return Array.isArray(v) ? undefined : (v as Value | undefined);
}

/** A repeated parameter's values, or [] when absent. */
export function params(command: Command, name: string): readonly Value[] {
  const v = command.values[name];
  return Array.isArray(v) ? v : v === undefined ? [] : [v as Value];
}

export type { CommandContext };
