// One command line at the `>`/`#` prompt -> what to print. Operational commands (show, clear,
// connect, disconnect, save) are rows of operations.ts; everything else is a configuration
// command handed to the device, which checks it with the config validator. Session commands
// (administrator, quit, exit) are the session's (session.ts).

import { parseCommandLine, tokenize } from '../../config/index.ts';
import { ACCEPTED_UNMODELLED_WORDS } from '../running-config.ts';
import { error, out, type CommandEnv, type CommandResult } from './command-result.ts';
import { USER_CONFIG_COMMANDS } from './console-facts.ts';
import { findOperation, OPERATION_FAMILIES } from './operations.ts';

export type { CommandEnv, CommandResult } from './command-result.ts';
export { saveNow } from './admin-operations.ts';

export function runCommand(line: string, env: CommandEnv): CommandResult {
  let words: string[];
  try {
    words = tokenize(line).map((t) => t.text);
  } catch {
    return error('illegalKeyword', env.lang);
  }
  if (words.length === 0) return out();
  const family = Object.hasOwn(OPERATION_FAMILIES, words[0]) ? OPERATION_FAMILIES[words[0]] : undefined;
  if (!family) return configure(line, env);
  if (family.admin && !env.admin) return error('administratorUseOnly', env.lang);
  const op = findOperation(words);
  return op?.spec.run(op.args, env) ?? error(family.unknown(words.slice(1)), env.lang);
}

function configure(line: string, env: CommandEnv): CommandResult {
  const { device, lang } = env;
  if (!env.admin) {
    const parsed = parseCommandLine(line, env.context);
    if (parsed.kind === 'command' && USER_CONFIG_COMMANDS.includes(parsed.command.id)) {
      // an ordinary user may run these; fall through to the device
    } else if (parsed.kind === 'unknown' && !ACCEPTED_UNMODELLED_WORDS.includes(firstWord(line))) {
      return error('invalidCommandName', lang);
    } else if (parsed.kind === 'error' && parsed.error.kind === 'invalidCommandName') {
      return error('invalidCommandName', lang);
    } else {
      return error('administratorUseOnly', lang);
    }
  }
  const r = device.applyCommand(line, env.context);
  if (!r.ok) return error(r.kind, lang);
  return { kind: 'context', context: r.context, lines: [] };
}

function firstWord(line: string): string {
  const words = line.trim().split(/\s+/);
  return (words[0] === 'no' ? words[1] : words[0]) ?? '';
}
