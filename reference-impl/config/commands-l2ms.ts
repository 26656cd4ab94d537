// L2MS commands (command reference ch.48 "L2MS", §48.1.1-48.1.3, Rev.23.02.02 edition, PDF
// pp.623-625, read in the transcription the digest cites as [CR]: github.com/shin1ohno/
// terraform-provider-rtx b159bcd docs/RTX-commands/48_L2MS.md). Which model and revision has which
// command or option: l2ms-gates.ts. The switch-operation commands of §48.2 (`switch select`,
// `switch control function ...`) are not modelled: they stay verbatim as unmodelled commands.
import type { CommandSpec } from './command-spec.ts';

export const L2MS_COMMANDS: readonly CommandSpec[] = [
  // §48.1.1: `switch control mode mode` / `no switch control mode [mode]`; manager|agent|off, initial manager
  { id: 'switch control mode', syntax: 'switch control mode <mode:enum:manager|agent|off>', context: 'any', source: 'CR §48.1.1' },
  // §48.1.2: `switch control use interface use [terminal=terminal]`; use and terminal initial off.
  // interface: a LAN, bridge or VLAN interface (checked by l2ms-gates.ts with the revision notes)
  {
    id: 'switch control use',
    syntax: 'switch control use <interface:iface> <use:onoff> [terminal=<terminal:onoff>]',
    context: 'any',
    source: 'CR §48.1.2',
  },
  // §48.1.3: `switch control watch interval time [count]`; 2..10 s (initial 3), 2..10 (initial 3)
  {
    id: 'switch control watch interval',
    syntax: 'switch control watch interval <time:int:2..10> [<count:int:2..10>]',
    noSyntax: 'switch control watch interval',
    context: 'any',
    source: 'CR §48.1.3',
  },
];

/** Initial values of §48.1.1-48.1.3 (what a router without the lines runs). */
export const L2MS_DEFAULTS = { mode: 'manager', use: 'off', terminal: 'off', watchInterval: { time: 3, count: 3 } } as const;
