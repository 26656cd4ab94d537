// The shape of one row of the command tables (commands-l2tp.ts, commands-general.ts).

export type CommandContext =
  /** valid only after `tunnel select N` (the CR's "Tunnel-only") */
  | 'tunnel'
  /** valid in any context */
  | 'any';

export interface CommandSpec {
  /** the command's name: its leading keywords, e.g. `l2tp keepalive use` */
  id: string;
  /** syntax in the grammar language of grammar.ts */
  syntax: string;
  /** the `no` form's syntax when it is not `no` + leading keywords + optional parameters; false when there is none */
  noSyntax?: string | false;
  context: CommandContext;
  /** where the syntax comes from */
  source: string;
}

// Families whose every command we model: a line starting with these keywords that matches no
// row is refused, not kept as an unknown command. CR ch.16 has exactly 11 sections
// (yamaha-platform-facts.md §1.1); the others are the sections cited in the tables.
export const CLOSED_FAMILIES: readonly string[] = [
  'l2tp',
  'tunnel select',
  'tunnel encapsulation',
  'tunnel endpoint address',
  'tunnel endpoint name',
  'tunnel enable',
  'tunnel disable',
  'bridge member',
  'bridge learning',
  'vlan',
  'ipsec tunnel',
  'ipsec transport',
  'ipsec sa policy',
  'switch control mode',
  'switch control use',
  'switch control watch interval',
];
