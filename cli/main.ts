// Entry point of the `l2tpv3-conformance` binary: dispatches to one module per subcommand, each of
// which exports its command table (cli/command-table.ts). Here the exit-code table is applied:
// usage errors print on stderr and exit 2, harness errors exit 3, never a stack trace.
import { invoke, PROGRAM, reportError, type CommandDef } from './command-table.ts';
import { EXIT } from './exit-codes.ts';
import { renderHelp } from './command-help.ts';

/** Subcommand modules, loaded only when used (run.ts pulls in the report builders, peer.ts the peer). */
export const SUBCOMMANDS: Readonly<Record<string, () => Promise<CommandDef>>> = {
  run: async () => (await import('./run.ts')).RUN_COMMAND,
  mutation: async () => (await import('./mutation.ts')).MUTATION_COMMAND,
  decode: async () => (await import('./decode.ts')).DECODE_COMMAND,
  config: async () => (await import('./config.ts')).CONFIG_COMMAND,
  peer: async () => (await import('./peer.ts')).PEER_COMMAND,
  report: async () => (await import('./report.ts')).REPORT_COMMAND,
  router: async () => (await import('./router.ts')).ROUTER_COMMAND,
  lab: async () => (await import('./lab.ts')).LAB_COMMAND,
  topology: async () => (await import('./topology.ts')).TOPOLOGY_COMMAND,
  profile: async () => (await import('./profile.ts')).PROFILE_COMMAND,
};

/** The whole command tree (every subcommand loaded): the top-level help and the conventions test. */
export async function rootCommand(): Promise<CommandDef> {
  const subcommands = await Promise.all(Object.values(SUBCOMMANDS).map((load) => load()));
  return {
    name: PROGRAM,
    summary: 'conformance suite and hardware-in-the-loop harness for the L2TPv3 L2VPN feature of Yamaha RTX routers',
    subcommands,
    examples: [`${PROGRAM} run --grep @control`, `${PROGRAM} topology check topologies/seed/ex1-two-sites.yaml`, `${PROGRAM} config check my.conf --model rtx1210 --firmware 14.01.42`],
  };
}

/** A stand-in root that knows only the names: dispatch and "did you mean" without loading modules. */
function namesOnlyRoot(): CommandDef {
  return { name: PROGRAM, summary: '', subcommands: Object.keys(SUBCOMMANDS).map((name) => ({ name, summary: '' })) };
}

/** `... | head`: a closed stdout ends the command quietly (exit 0), never with a stack trace. */
let quiet = false;
function quietOnClosedStdout(): void {
  if (quiet) return;
  quiet = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT.ok);
    throw e;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedStdout();
  const [name, ...rest] = argv;
  const words = name === undefined ? [PROGRAM] : [PROGRAM, name];
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      const text = renderHelp(await rootCommand(), [PROGRAM]);
      if (name === undefined) {
        process.stderr.write(text);
        return EXIT.usage; // no subcommand: the help, but as an error
      }
      process.stdout.write(text);
      return EXIT.ok;
    }
    const load = SUBCOMMANDS[name];
    if (load === undefined) return await invoke(namesOnlyRoot(), argv, [PROGRAM]); // --version, or a did-you-mean error
    return await invoke(await load(), rest, words);
  } catch (e) {
    return reportError(e, words);
  }
}
