// The router's running configuration as the CLI edits it: commands typed at the prompt replace,
// add or (with `no`) remove lines, each checked by the config parser and the whole-config
// validator before it takes effect, the way an RTX refuses a bad command and keeps the old config.
// Pure: no I/O. Both the in-memory device and the data-plane router keep one of these, and the
// suites' CLI prediction plays the same edits on the oracle side (suites/support/trace-cli-*.ts).
//
// Layout follows `show config` (yamaha-platform-facts.md §3.4): global lines unindented,
// `tunnel select N` blocks with their commands indented 1 space, IPsec commands shown under
// `ipsec tunnel P` indented 2 spaces.

import {
  commands,
  param,
  parseCommandLine,
  parseConfig,
  renderCommand,
  routerErrorText,
  validateConfig,
  type CliContext,
  type Command,
  type ConfigDocument,
  type ConfigIssue,
  type ConfigPlatform,
  type Language,
  type RouterErrorKind,
} from './index.ts';
import type { Element } from './grammar.ts';
import { Secret } from './secret.ts';

interface Entry {
  /** tunnel block the line belongs to (null: global) */
  scope: number | null;
  indent: string;
  text: string;
}

export type ApplyOutcome =
  | { ok: true; context: CliContext; changed: boolean }
  | { ok: false; kind: RouterErrorKind; message: string; /** for people; never a secret */ reason: string };

/** Parameter names that say WHICH thing a command sets (so a later command replaces it). */
const IDENTIFYING_PARAMS = ['interface', 'bridge', 'gateway', 'policy', 'descriptor', 'number', 'id', 'level', 'user', 'scope', 'host', 'entry', 'direction', 'mac'];

// ASSUMPTION: first words of RTX commands outside the modelled subset that the emulated CLI
// accepts and keeps verbatim (seen in the real configs of yamaha-platform-facts.md §2 or named
// in its command-reference citations). Any other first word is `Invalid command name`
// (not documented per command; a hardware run confirms or refutes).
export const ACCEPTED_UNMODELLED_WORDS: readonly string[] = [
  'ip', 'ipv6', 'nat', 'telnetd', 'sshd', 'statistics', 'dns', 'description', 'timezone', 'pp', 'dhcp',
  'ethernet', 'url', 'lan', 'schedule', 'httpd', 'sftpd', 'ntpdate', 'switch', 'vlan', 'netvolante-dns',
  'syslog', 'login', 'administrator', 'security', 'ipsec', 'operation', 'save',
];

function secretNames(elements: readonly Element[], out: Set<string> = new Set()): Set<string> {
  for (const e of elements) {
    if (e.kind === 'param' && e.type.secret) out.add(e.name);
    else if (e.kind === 'optional') secretNames(e.body, out);
  }
  return out;
}

/** The command as `show config` shows it with every secret parameter shown as `*`. */
export function maskedCommandText(command: Command): string {
  const secrets = secretNames(command.form.elements);
  if (secrets.size === 0) return renderCommand(command);
  const values = Object.fromEntries(Object.entries(command.values).map(([k, v]) => [k, secrets.has(k) ? '*' : v]));
  return renderCommand({ ...command, values });
}

function tunnelScoped(command: Command): boolean {
  if (command.spec.context === 'tunnel') return true;
  const iface = param(command, 'interface');
  return iface === 'tunnel' || iface === 'pp';
}

/** Which setting a command line writes: two lines with the same key cannot both stand. */
function keyOf(text: string, scope: number | null): string | undefined {
  const parsed = parseCommandLine(text, { tunnel: scope });
  if (parsed.kind === 'unknown') return `U|${unknownScope(text, scope)}|${text.trim().replace(/\s+/g, ' ')}`;
  if (parsed.kind !== 'command') return undefined;
  return commandKey(parsed.command, scope);
}

function commandKey(command: Command, scope: number | null): string {
  const where = tunnelScoped(command) ? `T${scope}` : 'G';
  if (command.id === 'tunnel enable' || command.id === 'tunnel disable') {
    // `tunnel enable N` and `tunnel disable N` set one state per tunnel set (CR §14.1, §14.2)
    const sets = command.values['tunnels'];
    return `G|tunnel-state|${Array.isArray(sets) ? sets.join(',') : String(sets ?? '')}`;
  }
  const ids = IDENTIFYING_PARAMS.filter((n) => command.values[n] !== undefined).map((n) => `${n}=${String(command.values[n])}`);
  return `${where}|${command.id}|${ids.join('|')}`;
}

/** `ip tunnel ...`, `ipv6 tunnel ...` and the like belong to the selected tunnel; other unmodelled commands are global. */
function unknownScope(text: string, scope: number | null): number | null {
  const words = text.trim().split(/\s+/);
  return scope !== null && words.slice(0, 2).some((w) => w === 'tunnel') ? scope : null;
}

export class RunningConfig {
  private entries: Entry[] = [];

  constructor(
    readonly platform: ConfigPlatform,
    text = '',
    readonly lang: Language = 'en',
  ) {
    this.replace(text);
  }

  /** Load a whole config (what `show config` shows, header comments ignored). Issues are returned, not refused. */
  replace(text: string): ConfigIssue[] {
    const doc = parseConfig(text);
    const entries: Entry[] = [];
    for (const line of doc.lines) {
      if (line.parsed.kind === 'blank' || line.parsed.kind === 'comment') continue;
      if (line.parsed.kind === 'command' && line.parsed.command.id === 'tunnel select') {
        const n = param(line.parsed.command, 'tunnel');
        if (typeof n === 'number') entries.push({ scope: n, indent: '', text: `tunnel select ${n}` });
        continue;
      }
      const inBlock = line.tunnel !== null && (line.indent.length > 0 || (line.parsed.kind === 'command' && tunnelScoped(line.parsed.command)));
      entries.push({ scope: inBlock ? line.tunnel : null, indent: inBlock ? line.indent || ' ' : '', text: line.text });
    }
    this.entries = entries;
    return validateConfig(this.document(), this.platform, { lang: this.lang });
  }

  /** The config text (no header), lines joined with `\n`. */
  /** The entries, without the header of a tunnel whose every setting was removed (RTX shows no empty `tunnel select N`). */
  private shown(): Entry[] {
    return this.entries.filter((e) => !(e.scope !== null && e.indent === '' && e.text === `tunnel select ${e.scope}` && !this.entries.some((o) => o !== e && o.scope === e.scope)));
  }

  text(): string {
    const shown = this.shown();
    return shown.map((e) => e.indent + e.text).join('\n') + (shown.length ? '\n' : '');
  }

  /** The config text as `show config` prints it; secrets as `*` unless revealSecrets. */
  displayLines(revealSecrets = false): string[] {
    return this.shown().map((e) => {
      if (revealSecrets) return e.indent + e.text;
      const parsed = parseCommandLine(e.text, { tunnel: e.scope });
      return e.indent + (parsed.kind === 'command' ? maskedCommandText(parsed.command) : e.text);
    });
  }

  document(): ConfigDocument {
    return parseConfig(this.text());
  }

  /** Run one command line typed at the CLI in the given context. */
  apply(line: string, context: CliContext): ApplyOutcome {
    const parsed = parseCommandLine(line, context);
    const refuse = (kind: RouterErrorKind, reason: string): ApplyOutcome => ({ ok: false, kind, message: routerErrorText(kind, this.lang), reason });
    switch (parsed.kind) {
      case 'blank':
      case 'comment':
        return { ok: true, context, changed: false };
      case 'error':
        return refuse(parsed.error.kind, parsed.error.reason);
      case 'unknown': {
        const first = line.trim().split(/\s+/)[0];
        const word = first === 'no' ? line.trim().split(/\s+/)[1] : first;
        if (!ACCEPTED_UNMODELLED_WORDS.includes(word ?? '')) return refuse('invalidCommandName', `'${word ?? ''}' is not a command`);
        return this.edit(line.trim(), unknownScope(line, context.tunnel), first === 'no', context);
      }
      case 'command': {
        const { command } = parsed;
        if (command.id === 'tunnel select') {
          const n = param(command, 'tunnel');
          if (typeof n !== 'number') return { ok: true, context: { tunnel: null }, changed: false };
          if (n > this.platform.maxTunnelInterfaces) {
            return refuse('parameterOutOfRange', `tunnel select: ${n} is over ${this.platform.model}'s ${this.platform.maxTunnelInterfaces} tunnel interfaces`);
          }
          return { ok: true, context: { tunnel: n }, changed: false };
        }
        const scope = tunnelScoped(command) ? context.tunnel : null;
        return this.edit(command.negated ? line.trim() : renderCommand(command), scope, command.negated, context, command);
      }
    }
  }

  private edit(text: string, scope: number | null, negated: boolean, context: CliContext, command?: Command): ApplyOutcome {
    const key = command ? commandKey(command, scope) : `U|${scope}|${(negated ? text.replace(/^no\s+/, '') : text).replace(/\s+/g, ' ')}`;
    const next = this.entries.slice();
    const matches = (e: Entry) => keyOf(e.text, e.scope) === key && (e.scope === scope || key.startsWith('G|'));
    let changed = false;
    if (negated) {
      for (let i = next.length - 1; i >= 0; i--) {
        if (!matches(next[i])) continue;
        next.splice(i, 1);
        changed = true;
      }
    } else {
      const at = next.findIndex(matches);
      // a replaced line keeps its place (and block); a new global line goes to the end, unindented
      const entry: Entry = { scope: at >= 0 ? next[at].scope : scope, indent: '', text };
      entry.indent = entry.scope === null ? '' : at >= 0 ? next[at].indent : indentFor(text);
      if (at >= 0) {
        changed = next[at].text !== text;
        next[at] = entry;
        for (let i = next.length - 1; i > at; i--) if (matches(next[i])) next.splice(i, 1);
      } else {
        insert(next, entry);
        changed = true;
      }
    }
    if (!changed) return { ok: true, context, changed: false };
    const refusal = this.newIssue(next);
    if (refusal) return { ok: false, kind: refusal.kind, message: refusal.message, reason: refusal.detail };
    this.entries = next;
    return { ok: true, context, changed: true };
  }

  /** The first validation issue the edit would add (issues the config already had do not block). */
  private newIssue(next: Entry[]): ConfigIssue | undefined {
    const sig = (i: ConfigIssue) => `${i.rule}|${i.detail}`;
    const before = new Set(validateConfig(this.document(), this.platform, { lang: this.lang }).map(sig));
    const text = next.map((e) => e.indent + e.text).join('\n');
    return validateConfig(parseConfig(text), this.platform, { lang: this.lang }).find((i) => !before.has(sig(i)));
  }

  /** Login password (`login password`), undefined when none is set. */
  loginPassword(): Secret | undefined {
    return this.secretOf('login password', (c) => !('user' in c.values));
  }

  administratorPassword(): Secret | undefined {
    return this.secretOf('administrator password');
  }

  /** `login user NAME PASSWORD` users. */
  users(): Map<string, Secret> {
    const out = new Map<string, Secret>();
    for (const { command } of commands(this.document())) {
      if (command.id !== 'login user') continue;
      const name = String(param(command, 'user'));
      if (command.negated) out.delete(name);
      else out.set(name, new Secret(String(param(command, 'password') ?? '')));
    }
    return out;
  }

  private secretOf(id: string, where: (c: Command) => boolean = () => true): Secret | undefined {
    let found: Secret | undefined;
    for (const { command } of commands(this.document())) {
      if (command.id !== id || !where(command)) continue;
      const pw = param(command, 'password');
      found = command.negated || pw === undefined ? undefined : new Secret(String(pw));
    }
    return found;
  }
}

function indentFor(text: string): string {
  // facts §3.4: commands under `ipsec tunnel N` (the IPsec gateway/SA commands) are indented 2 spaces
  return /^(no\s+)?ipsec\s+(?!tunnel\b)/.test(text) ? '  ' : ' ';
}

function insert(entries: Entry[], entry: Entry): void {
  if (entry.scope === null) {
    entries.push(entry);
    return;
  }
  let last = -1;
  for (let i = 0; i < entries.length; i++) if (entries[i].scope === entry.scope) last = i;
  if (last >= 0) {
    entries.splice(last + 1, 0, entry);
    return;
  }
  // a new block after the last tunnel block (tunnel blocks in number order), or at the end
  let after = -1;
  for (let i = 0; i < entries.length; i++) {
    const s = entries[i].scope;
    if (s !== null && s < entry.scope) after = i;
  }
  const header: Entry = { scope: entry.scope, indent: '', text: `tunnel select ${entry.scope}` };
  if (after < 0) entries.push(header, entry);
  else entries.splice(after + 1, 0, header, entry);
}
