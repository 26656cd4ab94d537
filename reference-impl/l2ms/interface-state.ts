// Which L2MS state an interface runs (CR §48.1.2 with ASSUMPTION l2ms-bridge-use): the one rule
// the emulated router and the suites' predictions share. Pure.
import type { L2msInterfaceState, L2msMode } from './disposition.ts';

export interface L2msConfigView {
  /** `switch control mode` in effect (initial manager). */
  readonly mode: L2msMode;
  /** `switch control use IF on|off` per interface. */
  readonly use: ReadonlyMap<string, boolean>;
  readonly bridges: readonly { readonly bridge: string; readonly members: readonly string[] }[];
}

/**
 * The state of a bridge (frames entering it from any member) or of a LAN port outside every
 * bridge: a bridge runs L2MS by its own `use`, else when a LAN member has `use on`.
 */
export function l2msStateAt(view: L2msConfigView, iface: string): L2msInterfaceState {
  const b = view.bridges.find((x) => x.bridge === iface);
  if (b === undefined) return { mode: view.mode, use: view.use.get(iface) === true };
  const own = view.use.get(b.bridge);
  return { mode: view.mode, use: own ?? b.members.some((m) => /^lan\d+$/.test(m) && view.use.get(m) === true) };
}
