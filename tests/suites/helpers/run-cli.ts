// Runs the `run` / `mutation` subcommand modules as their own process (until cli/main.ts registers
// them), with main.ts's handling of usage errors (exit 2, message on stderr).
import { UsageError } from '../../../cli/args.ts';

const [name, ...rest] = process.argv.slice(2);
try {
  const cmd = name === 'run' ? (await import('../../../cli/run.ts')).runCommand : name === 'mutation' ? (await import('../../../cli/mutation.ts')).mutationCommand : undefined;
  if (cmd === undefined) throw new UsageError(`unknown subcommand '${name}' (run | mutation)`);
  process.exitCode = await cmd(rest);
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`l2tpv3-conformance ${name}: ${e.message}`);
  process.exitCode = 2;
}
