// The operational commands (show, clear, connect, disconnect, save) as one table: a line whose
// first word is an operation family is answered by the row with the longest matching leading
// keywords, or by the family's error for an unknown command. Any other line is a configuration
// command (commands.ts).

import type { RouterErrorKind } from '../../config/index.ts';
import { ADMIN_OPERATIONS } from './admin-operations.ts';
import type { OperationSpec } from './operation-spec.ts';
import { SHOW_OPERATIONS } from './show-operations.ts';

export const OPERATIONS: readonly OperationSpec[] = [...SHOW_OPERATIONS, ...ADMIN_OPERATIONS];

export interface OperationFamily {
  /**
   * ASSUMPTION: clear, connect, disconnect and save are administrator commands (the CR's
   * per-command level is not in the digest; a hardware run confirms or refutes).
   */
  admin: boolean;
  /** the error for a line of this family that no row takes (the words after the family word) */
  unknown: (args: readonly string[]) => RouterErrorKind;
}

// RTX error texts (facts §3.1, inferred): a bare family word lacks parameters; an unknown
// `show`/`clear` subcommand is an invalid command name; `connect`/`disconnect` take only `tunnel`.
const unknownSubcommand = (args: readonly string[]): RouterErrorKind => (args.length === 0 ? 'wrongNumberOfParameters' : 'invalidCommandName');
const tunnelOnly = (args: readonly string[]): RouterErrorKind => (args.length === 0 ? 'wrongNumberOfParameters' : 'illegalKeyword');

export const OPERATION_FAMILIES: Readonly<Record<string, OperationFamily>> = {
  show: { admin: false, unknown: unknownSubcommand },
  clear: { admin: true, unknown: unknownSubcommand },
  connect: { admin: true, unknown: tunnelOnly },
  disconnect: { admin: true, unknown: tunnelOnly },
  save: { admin: true, unknown: () => 'wrongNumberOfParameters' },
};

const ROWS = OPERATIONS.map((spec) => ({ spec, words: spec.id.split(' ') })).sort((a, b) => b.words.length - a.words.length);

/** The row whose leading keywords start the line (longest first), and the words after them. */
export function findOperation(words: readonly string[]): { spec: OperationSpec; args: string[] } | undefined {
  const hit = ROWS.find((r) => r.words.every((w, i) => words[i] === w));
  return hit && { spec: hit.spec, args: words.slice(hit.words.length) };
}
