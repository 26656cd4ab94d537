// Runs the emulated router's `router` subcommand module as its own process, for when the
// subcommand is not yet registered in the binary (cli/main.ts). Drivers never import the router:
// tests start it as a process, the way a lab would.
import { routerCommand } from '../../../../cli/router.ts';

process.exitCode = await routerCommand(process.argv.slice(2));
