// A config (as `show config` prints it, or a fragment a test pushes) read as settings: each
// line is one setting with a key saying WHICH thing it sets, so two configs can be compared
// setting by setting and the difference turned into RTX commands (plan.ts).
//
// This keying is the harness's own reading of the command reference, written independently of
// the emulated router's (DESIGN.md: drivers share no code with reference-impl/router/).

import { param, parseConfig, renderCommand, type Command, type ConfigLine } from '../../reference-impl/config/index.ts';
import type { Element } from '../../reference-impl/config/grammar.ts';

/** How `show config` shows a secret it keeps encrypted or hidden (facts §3.4: `encrypted *`). */
export const HIDDEN_SECRET = '*';

/**
 * ASSUMPTION: parameters that name WHICH thing a command sets (a later command with the same
 * values replaces the line, a different value adds another line): interface, bridge, IKE gateway,
 * policy, NAT descriptor, filter number, id, syslog level, user, host, entry, direction, MAC.
 * Every other parameter is a value of the setting (not documented as a rule; a hardware run
 * confirms or refutes).
 */
export const SETTING_KEY_ASSUMPTION = {
  identifyingParams: ['interface', 'bridge', 'gateway', 'policy', 'descriptor', 'number', 'id', 'level', 'user', 'scope', 'host', 'entry', 'direction', 'mac'] as readonly string[],
} as const;

export interface Setting {
  /** which setting the line writes: two lines with one key cannot both stand */
  key: string;
  /** the tunnel whose setting it is (null: global) */
  scope: number | null;
  /** the tunnel selected where the line appears (where it is sent, so it lands in that block) */
  context: number | null;
  /** the command as the device shows it (canonical spacing), secrets as given */
  text: string;
  /** the same with every secret parameter shown as `*` */
  masked: string;
  /** the text shows a secret as `*`: its real value is not known from this config */
  hidden: boolean;
  /** the `no` form that removes the setting without naming its secret */
  noText: string;
  /** line number in the text it was read from */
  lineNo: number;
}

export interface ReadConfig {
  settings: Setting[];
  /** `no ...` lines of a fragment: keys to remove */
  removals: Setting[];
}

export class ConfigTextError extends Error {
  constructor(
    readonly where: string,
    readonly lineNo: number,
    reason: string,
  ) {
    // reason comes from the config parser, which never puts a secret value in it
    super(`${where}:${lineNo}: ${reason}`);
    this.name = 'ConfigTextError';
  }
}

function secretNames(elements: readonly Element[], out = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.kind === 'param' && e.type.secret) out.add(e.name);
    else if (e.kind === 'optional') secretNames(e.body, out);
  }
  return out;
}

function tunnelScoped(command: Command): boolean {
  if (command.spec.context === 'tunnel') return true;
  const iface = param(command, 'interface');
  return iface === 'tunnel' || iface === 'pp';
}

function commandKey(command: Command, scope: number | null): string {
  if (command.id === 'tunnel enable' || command.id === 'tunnel disable') {
    // CR §14.1, §14.2: `tunnel enable N` and `tunnel disable N` set one state per tunnel set
    const sets = command.values['tunnels'];
    return `G|tunnel-state|${Array.isArray(sets) ? sets.join(',') : String(sets ?? '')}`;
  }
  const ids = SETTING_KEY_ASSUMPTION.identifyingParams.filter((n) => command.values[n] !== undefined).map((n) => `${n}=${String(command.values[n])}`);
  return `${scope === null ? 'G' : `T${scope}`}|${command.id}|${ids.join('|')}`;
}

function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

function commandSetting(command: Command, line: ConfigLine): Setting {
  const scope = tunnelScoped(command) ? line.tunnel : null;
  const secrets = secretNames(command.form.elements);
  const maskedValues = Object.fromEntries(Object.entries(command.values).map(([k, v]) => [k, secrets.has(k) ? HIDDEN_SECRET : v]));
  const positive = command.negated ? { ...command, negated: false } : command;
  const text = renderCommand(positive);
  const masked = secrets.size ? renderCommand({ ...positive, values: maskedValues }) : text;
  const hidden = [...secrets].some((k) => String(command.values[k] ?? '') === HIDDEN_SECRET);
  // the `no` form stops before the first secret word (CR convention: `no` + keywords, parameters optional)
  const maskedWords = words(masked);
  const firstSecret = secrets.size ? maskedWords.indexOf(HIDDEN_SECRET) : -1;
  const cut = firstSecret < 0 ? maskedWords.length : firstSecret;
  const noText = ['no', ...maskedWords.slice(0, cut)].join(' ');
  // a global command shown indented in a block (`tunnel enable 1`, facts §2.1) is sent there, so it lands there
  const context = scope ?? (line.indent.length > 0 ? line.tunnel : null);
  return { key: commandKey(command, scope), scope, context, text, masked, hidden, noText, lineNo: line.lineNo };
}

/** A line outside the modelled subset: its whole text is its key (any change is remove + add). */
function unknownSetting(line: ConfigLine): Setting {
  const raw = line.text.trim().replace(/\s+/g, ' ');
  const negated = raw.startsWith('no ');
  const text = negated ? raw.slice(3) : raw;
  const inBlock = line.tunnel !== null && (line.indent.length > 0 || words(text).slice(0, 2).includes('tunnel'));
  const scope = inBlock ? line.tunnel : null;
  return { key: `U|${scope ?? 'G'}|${text}`, scope, context: scope, text, masked: text, hidden: false, noText: `no ${text}`, lineNo: line.lineNo };
}

/**
 * Read config text (a whole `show config`, or a fragment). Header comments, blank lines and the
 * `tunnel select` lines themselves are not settings; they only set the context.
 */
export function readConfig(text: string, where = 'config'): ReadConfig {
  const settings: Setting[] = [];
  const removals: Setting[] = [];
  for (const line of parseConfig(text).lines) {
    const p = line.parsed;
    if (p.kind === 'blank' || p.kind === 'comment') continue;
    if (p.kind === 'error') throw new ConfigTextError(where, line.lineNo, p.error.reason);
    if (p.kind === 'command' && p.command.id === 'tunnel select') continue;
    if (/^pp\s+select\s/.test(line.text)) continue;
    const s = p.kind === 'command' ? commandSetting(p.command, line) : unknownSetting(line);
    const negated = p.kind === 'command' ? p.command.negated : /^no\s/.test(line.text.trim());
    (negated ? removals : settings).push(s);
  }
  return { settings, removals };
}

/** The same setting value: equal text, or equal with secrets masked when one side hides its secret. */
export function sameValue(a: Setting, b: Setting): boolean {
  return a.text === b.text || ((a.hidden || b.hidden) && a.masked === b.masked);
}

/** Settings by key; a later line with the same key wins, as when the device runs them in order. */
export function byKey(settings: readonly Setting[]): Map<string, Setting> {
  const m = new Map<string, Setting>();
  for (const s of settings) {
    m.delete(s.key);
    m.set(s.key, s);
  }
  return m;
}

/**
 * Fill in secrets `show config` hid (`*`) from a config the lab knows in clear (the one it loaded):
 * a hidden setting takes the known line with the same key and the same masked text.
 */
export function unmask(settings: readonly Setting[], known: readonly Setting[]): Setting[] {
  const k = byKey(known);
  return settings.map((s) => {
    if (!s.hidden) return s;
    const c = k.get(s.key);
    return c && !c.hidden && c.masked === s.masked ? { ...s, text: c.text, hidden: false } : s;
  });
}
