// Entry point of the `l2tpv3-conformance` binary: dispatches to one module per subcommand, each of
// which exports its command table (cli/command-table.ts). Here the exit-code table is applied:
// usage errors print on stderr and exit 2, harness errors exit 3, never a stack trace.
import { invoke, PROGRAM, reportError, type CommandDef } from './command-table.ts';
import { EXIT } from './exit-codes.ts';
import { renderHelp } from './command-help.ts';

type Legacy = (argv: string[]) => Promise<number>;

/** A module not yet converted to a command table exports only its `xCommand(argv)` function. */
function tableOr(module: Record<string, unknown>, table: string, legacy: string, summary: string): CommandDef | Legacy {
  const def = module[table] as CommandDef | undefined;
  if (def !== undefined) return def;
  const fn = module[legacy] as Legacy;
  return Object.assign(fn, { summary });
}

/** Subcommand modules, loaded only when used (run.ts pulls in the report builders, peer.ts the peer). */
export const SUBCOMMANDS: Readonly<Record<string, () => Promise<CommandDef | Legacy>>> = {
  run: async () => tableOr(await import('./run.ts'), 'RUN_COMMAND', 'runCommand', 'run the conformance suites'),
  mutation: async () => tableOr(await import('./mutation.ts'), 'MUTATION_COMMAND', 'mutationCommand', 'run the suites once per injected defect'),
  decode: async () => tableOr(await import('./decode.ts'), 'DECODE_COMMAND', 'decodeCommand', 'decode L2TPv3 packets in a pcap/pcapng file'),
  config: async () => tableOr(await import('./config.ts'), 'CONFIG_COMMAND', 'configCommand', 'check or format an RTX config file'),
  peer: async () => tableOr(await import('./peer.ts'), 'PEER_COMMAND', 'peerCommand', 'peer'),
  report: async () => tableOr(await import('./report.ts'), 'REPORT_COMMAND', 'reportCommand', 'report'),
  router: async () => tableOr(await import('./router.ts'), 'ROUTER_COMMAND', 'routerCommand', 'router'),
  lab: async () => tableOr(await import('./lab.ts'), 'LAB_COMMAND', 'labCommand', 'lab'),
  topology: async () => (await import('./topology.ts')).TOPOLOGY_COMMAND,
};

/** The whole command tree (every subcommand loaded): the top-level help and the conventions test. */
export async function rootCommand(): Promise<CommandDef> {
  const loaded = await Promise.all(Object.entries(SUBCOMMANDS).map(async ([name, load]) => [name, await load()] as const));
  const subcommands = loaded.map(([name, c]) => (typeof c === 'function' ? { name, summary: (c as Legacy & { summary: string }).summary } : c));
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
    const sub = await load();
    return typeof sub === 'function' ? await sub(rest) : await invoke(sub, rest, words);
  } catch (e) {
    return reportError(e, words);
  }
}
