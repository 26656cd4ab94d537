// Per-model differences of the console as data: one row per quirk, merged over the base tables
// of prompt-states.ts before a session walks them. A model that behaves differently gets a row
// here (or a lab passes its own rows), never a branch in the session.

import { COMMAND_DIALOGS, DIALOGS, LOGIN_DIALOGS, PATHS, type DialogRow, type PathSpec } from './prompt-states.ts';

/** Everything a session walks: dialogs by name, the login walk, the paths between states. */
export interface CliTables {
  dialogs: Readonly<Record<string, DialogRow>>;
  /** dialog names every command may raise, in the order they are tried */
  commandDialogs: readonly string[];
  loginDialogs: readonly DialogRow[];
  paths: readonly PathSpec[];
}

export const BASE_TABLES: CliTables = { dialogs: DIALOGS, commandDialogs: COMMAND_DIALOGS, loginDialogs: LOGIN_DIALOGS, paths: PATHS };

export interface ModelOverride {
  /** the models (as `show environment` names them, e.g. `RTX830`) the row applies to */
  model: RegExp;
  /** dialogs added, or replacing the base row of the same name */
  dialogs?: Readonly<Record<string, DialogRow>>;
  /** dialog names added to every command, tried before the base ones */
  commandDialogs?: readonly string[];
  /** login rows tried before the base ones */
  loginDialogs?: readonly DialogRow[];
  /** paths replacing the base row with the same from and to (or added) */
  paths?: readonly PathSpec[];
  /** why: the fact digest section or the hardware run that showed the quirk */
  source: string;
}

/**
 * The shipped rows. The digest documents no console difference between models on the paths the
 * driver walks (yamaha-platform-facts.md §3.1-§3.3 give one login, one administrator dialog and
 * one save question for RTX, NVR and vRX alike), so the table starts empty; a hardware run or a
 * learned profile that shows a quirk adds its row here, with its source.
 */
export const MODEL_OVERRIDES: readonly ModelOverride[] = [];

/** The tables for one model: the base, then every matching override row in table order. */
export function tablesFor(model: string | undefined, overrides: readonly ModelOverride[] = MODEL_OVERRIDES, base: CliTables = BASE_TABLES): CliTables {
  let t = base;
  for (const o of overrides) {
    if (model === undefined || !o.model.test(model)) continue;
    t = {
      dialogs: { ...t.dialogs, ...o.dialogs },
      commandDialogs: [...(o.commandDialogs ?? []), ...t.commandDialogs.filter((d) => !o.commandDialogs?.includes(d))],
      loginDialogs: [...(o.loginDialogs ?? []), ...t.loginDialogs],
      paths: [...(o.paths ?? []), ...t.paths.filter((p) => !o.paths?.some((q) => q.from === p.from && q.to === p.to))],
    };
  }
  return t;
}
