// Kept for the modules and tests that import UsageError from here: parsing itself is the command
// table's (cli/command-table.ts, node:util parseArgs); the hand-rolled parser that lived here is gone.
export { UsageError } from './exit-codes.ts';
