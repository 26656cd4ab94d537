// `l2tpv3-conformance lab up TOPOLOGY [--netns] [--state FILE] [--key-log DIR] [--capture DIR]
//   [--router-arg ARG ...]`: starts the
//   topology's emulated routers (and with --netns, namespaces for routers and hosts), prints how to
//   reach each, and records what it made in the state file. The topology, every router's model and
//   revision and every config are checked first (as `topology check` does): nothing starts when one
//   is wrong.
// `l2tpv3-conformance lab down [TOPOLOGY] [--state FILE]` (alias `destroy`, and `-t TOPOLOGY` as
//   containerlab users type it): removes every process and namespace recorded in the state file.
// `l2tpv3-conformance lab readdress --router NAME [--address ADDR]`: cli/lab-readdress.ts.
// Flags: LAB_COMMAND below. Exit 2 for bad input, 3 when the lab fails (cli/exit-codes.ts).
import { invokeAsMain, PROGRAM, type CommandDef, type FlagDef, type ParsedCommand } from './command-table.ts';
import { EXIT, HarnessError, UsageError } from './exit-codes.ts';
import { checkTopologyFile } from './topology.ts';
import { formatDiagnostic } from '../topologies/schema/index.ts';
import { DEFAULT_STATE_FILE, describeLab, labDown, labUp } from '../drivers/lab/index.ts';
import { READDRESS } from './lab-readdress.ts';
import { runningLab, topologyOf } from './lab-state-arg.ts';

const STATE: FlagDef = { name: 'state', type: 'string', valueName: 'FILE', default: DEFAULT_STATE_FILE, help: 'the lab state file: what lab up made, what lab down removes' };
const TOPOLOGY_FLAG: FlagDef = { name: 'topology', type: 'string', short: 't', valueName: 'TOPOLOGY', input: 'text', help: 'the topology file (containerlab habit; same as the TOPOLOGY argument)' };

/** The TOPOLOGY given as argument or as -t (not both, unless equal). */
const UP: CommandDef = {
  name: 'up',
  aliases: ['deploy'],
  summary: 'start the emulated routers of a topology (checked first: models, revisions, configs)',
  positionals: [{ name: 'TOPOLOGY', help: 'topology YAML file, e.g. topologies/seed/ex1-two-sites.yaml (or -t)', input: 'text' }],
  flags: [
    TOPOLOGY_FLAG,
    { name: 'netns', type: 'boolean', help: 'a network namespace per router and LAN host (root only); default: routers on loopback addresses' },
    STATE,
    { name: 'key-log', type: 'string', valueName: 'DIR', help: 'each router writes its IPsec SA keys to DIR/ROUTER.keys (mode 0600, DIR 0700) for tshark / decode --ipsec-keys; off by default' },
    { name: 'capture', type: 'string', valueName: 'DIR', help: 'with --netns: capture every WAN link (dumpcap on its bridge in the lab namespace) from before the first router starts, to DIR/LINK.pcapng; lab down stops it' },
    { name: 'router-arg', type: 'string', multiple: true, valueName: 'ARG', help: 'extra argument for every router process; one that starts with - is written --router-arg=--time-scale' },
  ],
  examples: [`${PROGRAM} lab up topologies/seed/ex1-two-sites.yaml`, `${PROGRAM} lab deploy -t topologies/seed/ex1-two-sites.yaml --netns`],
  run: labUpHandler,
};

const DOWN: CommandDef = {
  name: 'down',
  aliases: ['destroy'],
  summary: 'stop every process and remove every namespace the lab state file records',
  positionals: [{ name: 'TOPOLOGY', help: 'optional: the topology the lab runs (checked against the state file)' }],
  flags: [{ ...TOPOLOGY_FLAG, input: undefined }, STATE],
  examples: [`${PROGRAM} lab down`, `${PROGRAM} lab destroy -t topologies/seed/ex1-two-sites.yaml`],
  run: labDownHandler,
};

export const LAB_COMMAND: CommandDef = {
  name: 'lab',
  summary: 'start/stop a lab of emulated routers (and, with --netns, namespaces for routers and hosts)',
  subcommands: [UP, DOWN, READDRESS],
};

async function labUpHandler(args: ParsedCommand): Promise<number> {
  const topology = topologyOf(args);
  if (topology === undefined) throw new UsageError(`missing TOPOLOGY (see ${PROGRAM} lab up --help)`);
  // Every model, revision and config is checked before any process starts (issue 17 point 5).
  const check = checkTopologyFile(topology);
  if (check.diagnostics.length > 0) {
    for (const d of check.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write(`${PROGRAM} lab up: ${topology} has ${check.diagnostics.length} error(s); nothing was started\n`);
    return EXIT.usage;
  }
  const stateFile = args.string('state') ?? DEFAULT_STATE_FILE;
  try {
    const state = await labUp(topology, {
      mode: args.bool('netns') ? 'netns' : 'loopback',
      stateFile,
      routerArgs: args.strings('router-arg'),
      ...(args.string('key-log') !== undefined ? { keyLogDir: args.string('key-log') } : {}),
      ...(args.string('capture') !== undefined ? { captureDir: args.string('capture') } : {}),
      log: (l) => process.stderr.write(`${l}\n`),
    });
    for (const line of describeLab(state, stateFile)) console.log(line);
    return EXIT.ok;
  } catch (e) {
    throw new HarnessError((e as Error).message);
  }
}

async function labDownHandler(args: ParsedCommand): Promise<number> {
  const { stateFile, state } = runningLab(args);
  try {
    const r = await labDown(state, { stateFile, log: (l) => console.log(l) });
    console.log(`lab ${state.id} down: ${r.processes.length} processes, ${r.namespaces.length} namespaces removed`);
    return EXIT.ok;
  } catch (e) {
    throw new HarnessError((e as Error).message);
  }
}

/** `lab ...` argv as the binary runs it: errors are printed on stderr and become the exit code. */
export function labCommand(argv: string[]): Promise<number> {
  return invokeAsMain(LAB_COMMAND, argv, [PROGRAM, 'lab']);
}
