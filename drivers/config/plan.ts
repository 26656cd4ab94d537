// The difference between two configs as RTX commands: which settings to remove with `no`, which
// to set, each sent in the `tunnel select N` context where it belongs. Pure.

import { byKey, readConfig, sameValue, type ReadConfig, type Setting } from './settings.ts';

export interface PlannedCommand {
  kind: 'remove' | 'set';
  key: string;
  /** the tunnel to select before sending (null: `tunnel select none`) */
  context: number | null;
  /** the command; a `set` may hold a secret: never print it, print `masked` */
  text: string;
  masked: string;
}

export interface ChangePlan {
  commands: PlannedCommand[];
  /** keys of every setting the commands change */
  touched: string[];
}

export class ConfigPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigPlanError';
  }
}

/**
 * A fragment's lines applied over a config the way the device runs them: a line replaces the
 * setting with its key (in place) or adds one (at the end); `no ...` removes it.
 */
export function mergeFragment(current: readonly Setting[], fragment: ReadConfig): Setting[] {
  let out = [...byKey(current).values()];
  const steps = [...fragment.settings.map((s) => ({ s, remove: false })), ...fragment.removals.map((s) => ({ s, remove: true }))].sort((x, y) => x.s.lineNo - y.s.lineNo);
  for (const { s, remove } of steps) {
    const at = out.findIndex((c) => c.key === s.key);
    if (remove) out = out.filter((c) => c.key !== s.key);
    else if (at >= 0) out[at] = s;
    else out.push(s);
  }
  return out;
}

/**
 * Commands that change how one logs in (facts §3.1): sent last, so a run killed mid-push most
 * likely leaves the login the next run needs for recovery intact.
 */
export const CREDENTIAL_COMMANDS: readonly string[] = ['login password', 'login user', 'administrator password'];

const isCredential = (key: string) => CREDENTIAL_COMMANDS.some((id) => key.startsWith(`G|${id}|`));

/**
 * Commands by which the harness observes the device (where and what it logs): sent FIRST, before
 * anything that makes the device act. On a bench that already runs `l2tp service on l2tpv3`, a
 * tunnel setting takes effect the moment it is sent; if `syslog host` came after it, the lines the
 * device logged while dialling went to the bench's old collector and the test saw none (issue 16:
 * six false regressions). Command ids of reference-impl/config (CR §16.6 `l2tp syslog`; facts §7
 * syslog levels; `syslog host`).
 */
export const OBSERVATION_COMMANDS: readonly string[] = ['syslog host', 'syslog level', 'l2tp syslog'];

const isObservation = (key: string) => OBSERVATION_COMMANDS.some((id) => key.split('|')[1] === id);

export interface PlanOptions {
  /** keys to set unless both sides show the same text in clear (a hidden secret may differ) */
  force?: Iterable<string>;
}

/**
 * Commands that turn `current` into `desired`: observation settings first (OBSERVATION_COMMANDS),
 * then removals (last line first), then the other sets in desired order, credentials last.
 */
export function planChange(current: readonly Setting[], desired: readonly Setting[], options: PlanOptions = {}): ChangePlan {
  const cur = byKey(current);
  const want = byKey(desired);
  const force = new Set(options.force ?? []);
  const commands: PlannedCommand[] = [];
  for (const s of [...cur.values()].reverse()) {
    if (want.has(s.key)) continue;
    commands.push({ kind: 'remove', key: s.key, context: s.scope ?? s.context, text: s.noText, masked: s.noText });
  }
  for (const d of want.values()) {
    const c = cur.get(d.key);
    const equal = c !== undefined && (force.has(d.key) ? c.text === d.text && !c.hidden && !d.hidden : sameValue(c, d));
    if (equal) continue;
    if (d.hidden) {
      throw new ConfigPlanError(
        `cannot set '${d.masked}' (tunnel ${d.scope ?? 'none'}): its secret is only known as '*'; give the device's config with its secrets (knownConfig) so it can be restored`,
      );
    }
    commands.push({ kind: 'set', key: d.key, context: d.context, text: d.text, masked: d.masked });
  }
  const set = (c: PlannedCommand) => c.kind === 'set';
  const ordered = [
    ...commands.filter((c) => set(c) && isObservation(c.key)),
    ...commands.filter((c) => !set(c)),
    ...commands.filter((c) => set(c) && !isObservation(c.key) && !isCredential(c.key)),
    ...commands.filter((c) => set(c) && isCredential(c.key)),
  ];
  return { commands: ordered, touched: [...new Set(ordered.map((c) => c.key))] };
}

/** Lines given as one text or as an array of lines. */
export function fragmentText(lines: string | readonly string[]): string {
  return typeof lines === 'string' ? lines : lines.join('\n') + '\n';
}

export interface DesiredConfig {
  settings: Setting[];
  /** keys the lines name: set even when `show config` hides whether they already hold the value */
  explicit: string[];
}

/** Read a fragment and merge it over the current settings (mode 'merge'), or take it whole ('replace'). */
export function desiredConfig(current: readonly Setting[], lines: string | readonly string[], mode: 'merge' | 'replace', where: string): DesiredConfig {
  const fragment = readConfig(fragmentText(lines), where);
  const explicit = fragment.settings.map((s) => s.key);
  if (mode === 'replace') {
    if (fragment.removals.length) throw new ConfigPlanError(`${where}:${fragment.removals[0].lineNo}: a whole config ('replace') has no 'no' lines`);
    return { settings: fragment.settings, explicit };
  }
  return { settings: mergeFragment(current, fragment), explicit };
}
