// One command line at the `>`/`#` prompt -> what to print. Operational commands (show, clear,
// connect, save) are here; everything else is a configuration command handed to the device,
// which checks it with the config validator. Session commands (administrator, quit, exit) are
// the session's (session.ts).

import { parseCommandLine, routerErrorText, tokenize, type CliContext, type Language, type RouterErrorKind } from '../../config/index.ts';
import type { CliTransport, RouterDevice } from '../device.ts';
import { ACCEPTED_UNMODELLED_WORDS } from '../running-config.ts';
import { CLI_LOG, SAVE_DONE, USER_CONFIG_COMMANDS } from './console-facts.ts';
import { showBridgeLearningLines } from './show-formats/show-bridge-learning.ts';
import { showConfigLines } from './show-formats/show-config.ts';
import { showEnvironmentLines } from './show-formats/show-environment.ts';
import { showLogLines } from './show-formats/show-log.ts';
import { showStatusL2tpLines } from './show-formats/show-status-l2tp.ts';
import { showStatusTunnelLines } from './show-formats/show-status-tunnel.ts';
import { showIpsecSaLines } from './show-formats/show-ipsec-sa.ts';
import type { IpsecSaStatus } from '../ipsec/ipsec-host.ts';

/** A device that runs IPsec (the emulated router) answers `show ipsec sa`; others show no SA. */
function ipsecSas(device: RouterDevice): readonly IpsecSaStatus[] {
  const d = device as RouterDevice & { ipsecSaStatus?: () => readonly IpsecSaStatus[] };
  return typeof d.ipsecSaStatus === 'function' ? d.ipsecSaStatus() : [];
}

export interface CommandEnv {
  device: RouterDevice;
  admin: boolean;
  context: CliContext;
  lang: Language;
  transport: CliTransport;
  utcOffsetMinutes: number;
  /** show secrets in `show config` (off by default: the project never prints a secret) */
  revealSecrets: boolean;
}

export type CommandResult =
  | { kind: 'output'; lines: string[] }
  | { kind: 'error'; message: string }
  | { kind: 'context'; context: CliContext; lines: string[] };

const out = (lines: string[] = []): CommandResult => ({ kind: 'output', lines });

function error(kind: RouterErrorKind, lang: Language): CommandResult {
  return { kind: 'error', message: routerErrorText(kind, lang) };
}

/** A positive decimal integer token, or undefined. */
function number(word: string | undefined): number | undefined {
  return word !== undefined && /^\d+$/.test(word) ? Number(word) : undefined;
}

const ADMIN_ONLY_OPERATIONS = new Set(['clear', 'connect', 'disconnect', 'save']);

export function runCommand(line: string, env: CommandEnv): CommandResult {
  let words: string[];
  try {
    words = tokenize(line).map((t) => t.text);
  } catch {
    return error('illegalKeyword', env.lang);
  }
  if (words.length === 0) return out();
  const { device, lang } = env;
  const [first] = words;
  // ASSUMPTION: clear, connect, disconnect and save are administrator commands (the CR's
  // per-command level is not in the digest; a hardware run confirms or refutes).
  if (ADMIN_ONLY_OPERATIONS.has(first) && !env.admin) return error('administratorUseOnly', lang);
  switch (first) {
    case 'show':
      return show(words.slice(1), env);
    case 'clear':
      return clear(words.slice(1), env);
    case 'connect':
    case 'disconnect': {
      if (words[1] !== 'tunnel') return error(words.length < 2 ? 'wrongNumberOfParameters' : 'illegalKeyword', lang);
      if (words.length !== 3) return error('wrongNumberOfParameters', lang);
      const n = number(words[2]);
      if (n === undefined) return error('integerRequired', lang);
      const r = first === 'connect' ? device.connectTunnel(n) : device.disconnectTunnel(n);
      return r.ok ? out() : error(r.kind, lang);
    }
    case 'save': {
      if (words.length !== 1) return error('wrongNumberOfParameters', lang);
      return saveNow(env);
    }
  }
  return configure(line, env);
}

/** `save`, also used by the save question and `quit save`. */
export function saveNow(env: CommandEnv): CommandResult {
  const r = env.device.save();
  if (!r.ok) return error(r.kind, env.lang);
  env.device.log(CLI_LOG.configurationSaved(env.transport));
  return out([SAVE_DONE[env.lang]]);
}

function show(args: string[], env: CommandEnv): CommandResult {
  const { device, lang } = env;
  const now = device.nowMs();
  const tz = env.utcOffsetMinutes;
  const key = args.slice(0, 2).join(' ');
  if (args[0] === 'config' && args.length === 1) {
    return out(showConfigLines(device.identity(), now, tz, device.configDisplayLines(env.revealSecrets)));
  }
  if (args[0] === 'environment' && args.length === 1) {
    return out(showEnvironmentLines(device.identity(), device.environment(), now, tz));
  }
  if (key === 'status l2tp') {
    if (args.length === 2) return out(showStatusL2tpLines(device.l2tpStatus(), tz));
    if (args[2] !== 'tunnel') return error('illegalKeyword', lang);
    const n = number(args[3]);
    if (args.length !== 4) return error('wrongNumberOfParameters', lang);
    if (n === undefined) return error('integerRequired', lang);
    return out(showStatusL2tpLines(device.l2tpStatus(), tz, n));
  }
  if (key === 'ipsec sa') {
    if (args.length !== 2) return error('wrongNumberOfParameters', lang);
    return out(showIpsecSaLines(ipsecSas(device), now));
  }
  if (key === 'status tunnel' && args.length === 2) {
    // every tunnel interface of the config, one block each (CR §58.41 without a number)
    return out(device.l2tpStatus().flatMap((t) => showStatusTunnelLines(device.tunnelStatus(t.tunnel), now, tz, lang)));
  }
  if (key === 'status tunnel') {
    if (args.length !== 3) return error('wrongNumberOfParameters', lang);
    const n = number(args[2]);
    if (n === undefined) return error('integerRequired', lang);
    if (n < 1) return error('parameterOutOfRange', lang);
    return out(showStatusTunnelLines(device.tunnelStatus(n), now, tz, lang));
  }
  if (key === 'bridge learning') {
    if (args.length > 3) return error('wrongNumberOfParameters', lang);
    const views = device.bridgeLearning();
    if (args.length === 2) return out(showBridgeLearningLines(views));
    if (!/^bridge\d+$/.test(args[2])) return error('illegalKeyword', lang);
    return out(showBridgeLearningLines(views.filter((v) => v.bridge === args[2])));
  }
  if (args[0] === 'log') {
    const rest = args.slice(1);
    if (rest.length > 1 || (rest.length === 1 && rest[0] !== 'reverse')) return error('illegalKeyword', lang);
    return out(showLogLines(device.logEntries(), tz, rest[0] === 'reverse'));
  }
  return error(args.length === 0 ? 'wrongNumberOfParameters' : 'invalidCommandName', lang);
}

function clear(args: string[], env: CommandEnv): CommandResult {
  const { device, lang } = env;
  if (args.length === 1 && args[0] === 'log') {
    device.clearLog();
    return out();
  }
  if (args[0] === 'bridge' && args[1] === 'learning') {
    if (args.length > 3) return error('wrongNumberOfParameters', lang);
    if (args.length === 3 && !/^bridge\d+$/.test(args[2])) return error('illegalKeyword', lang);
    const r = device.clearBridgeLearning(args[2]);
    return r.ok ? out() : error(r.kind, lang);
  }
  return error(args.length === 0 ? 'wrongNumberOfParameters' : 'invalidCommandName', lang);
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
  if (!r.ok) return { kind: 'error', message: routerErrorText(r.kind, lang) };
  return { kind: 'context', context: r.context, lines: [] };
}

function firstWord(line: string): string {
  const words = line.trim().split(/\s+/);
  return (words[0] === 'no' ? words[1] : words[0]) ?? '';
}
