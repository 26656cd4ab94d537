// Runs the `peer` subcommand module as its own process (until cli/main.ts registers it), with
// main.ts's handling of usage errors (exit 2, message on stderr).
import { UsageError } from '../../../../cli/args.ts';
import { peerCommand } from '../../../../cli/peer.ts';

try {
  process.exitCode = await peerCommand(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`l2tpv3-conformance peer: ${e.message}`);
  process.exitCode = 2;
}
