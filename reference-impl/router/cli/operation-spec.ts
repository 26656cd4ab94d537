// The shape of one row of the operational command tables (show-operations.ts,
// admin-operations.ts), in the manner of the config command rows (config/command-spec.ts):
// the command's leading keywords, its syntax as the command reference writes it, the source,
// and the handler that answers it.

import type { CommandEnv, CommandResult } from './command-result.ts';

export interface OperationSpec {
  /** the leading keywords that pick the row, e.g. `show status l2tp` (the longest match wins) */
  id: string;
  /** the syntax in the grammar language of config/grammar.ts (`<name:type>`, `[...]`) */
  syntax: string;
  /** where the command and its output come from */
  source: string;
  /**
   * The words after `id` -> what to print. `undefined`: the words are no form of this command,
   * and the family's answer for an unknown command applies (operations.ts OPERATION_FAMILIES).
   */
  run: (args: readonly string[], env: CommandEnv) => CommandResult | undefined;
}
