// Entry point of the `l2tpv3-conformance` binary: dispatches to one module per subcommand.
import { UsageError } from './args.ts';

type Subcommand = (argv: string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, { summary: string; load: () => Promise<Subcommand> }> = {
  run: {
    summary: 'run the conformance suites against the lab and write the matrix, Allure and JUnit reports',
    load: async () => (await import('./run.ts')).runCommand,
  },
  mutation: {
    summary: 'run the suites once per injected emulator defect and print the kill table',
    load: async () => (await import('./mutation.ts')).mutationCommand,
  },
  decode: {
    summary: 'decode L2TPv3 packets in a pcap/pcapng file',
    load: async () => (await import('./decode.ts')).decodeCommand,
  },
  config: {
    summary: 'check or format an RTX config file',
    load: async () => (await import('./config.ts')).configCommand,
  },
  peer: {
    summary: 'play the far end of L2TPv3 tunnels (tester peer), misbehaving on purpose',
    load: async () => (await import('./peer.ts')).peerCommand,
  },
  report: {
    summary: 'build the compatibility matrix (and Allure report) from a Playwright JSON report',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  router: {
    summary: 'run an emulated RTX router (SSH CLI, serial console, L2TPv3 over UDP)',
    load: async () => (await import('./router.ts')).routerCommand,
  },
  lab: {
    summary: 'start/stop a lab of emulated routers (and, with --netns, namespaces for routers and hosts)',
    load: async () => (await import('./lab.ts')).labCommand,
  },
  topology: {
    summary: 'check topology files (schema, references, router configs)',
    load: async () => (await import('./topology.ts')).topologyCommand,
  },
};

function usage(): string {
  const lines = ['usage: l2tpv3-conformance <subcommand> [options]', '', 'subcommands:'];
  for (const [name, { summary }] of Object.entries(SUBCOMMANDS)) lines.push(`  ${name.padEnd(10)} ${summary}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    console.error(`l2tpv3-conformance: unknown subcommand '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await (await sub.load())(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`l2tpv3-conformance ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
