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
  /**
   * Step 1 of planChange: turn a running L2TP service off first and on last when other settings
   * change (the suites' pushes: their predictions start from a device booting with the config).
   */
  restartService?: boolean;
}

/**
 * The command that makes the device act on its L2TP settings (CR §16.1, facts §16.1: `l2tp service
 * on` opens UDP 1701 and waits; off closes it and disconnects every L2TP connection).
 */
export const SERVICE_COMMAND = 'l2tp service';
export const SERVICE_OFF = 'l2tp service off';

const isService = (key: string) => key.split('|')[1] === SERVICE_COMMAND;
const serviceOn = (s: Setting | undefined): s is Setting => s !== undefined && /^l2tp service on\b/.test(s.text);

/**
 * Commands that turn `current` into `desired`, in this order:
 * 1. with `restartService`, on a device whose L2TP service is on and stays on while other settings
 *    change (a bench that already has `l2tp service on l2tpv3`), `l2tp service off` first: the device stops acting and
 *    its `closed port` line goes where it logged before, so the change starts from the state a
 *    device booting with the config is in (what the oracle predicts);
 * 2. the observation settings (OBSERVATION_COMMANDS), so every line the device logs from here
 *    reaches the harness;
 * 3. removals (last line first), then the other sets in desired order;
 * 4. `l2tp service on ...` (re-sent after step 1): the device acts on the whole new config at once;
 * 5. credentials last.
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
  const plain = (c: PlannedCommand) => !isObservation(c.key) && !isCredential(c.key) && !isService(c.key);
  const curService = [...cur.values()].find((x) => isService(x.key));
  const wantService = [...want.values()].find((x) => isService(x.key));
  const quiesce = options.restartService === true && serviceOn(curService) && serviceOn(wantService) && commands.some(plain);
  if (quiesce && !commands.some((c) => isService(c.key))) commands.push({ kind: 'set', key: wantService.key, context: null, text: wantService.text, masked: wantService.masked });
  const ordered = [
    ...(quiesce ? [{ kind: 'set' as const, key: curService.key, context: null, text: SERVICE_OFF, masked: SERVICE_OFF }] : []),
    ...commands.filter((c) => !set(c) && isService(c.key)),
    ...commands.filter((c) => set(c) && isObservation(c.key)),
    ...commands.filter((c) => !set(c) && !isService(c.key)),
    ...commands.filter((c) => set(c) && plain(c)),
    ...commands.filter((c) => set(c) && isService(c.key)),
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
