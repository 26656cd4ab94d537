// Runs a subcommand (`run`, `mutation`, ...) as its own process through the binary's main(), so
// exit codes and streams are exactly those of `l2tpv3-conformance` (cli/exit-codes.ts).
import { main } from '../../../cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
