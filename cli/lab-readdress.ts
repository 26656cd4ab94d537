// `l2tpv3-conformance lab readdress [TOPOLOGY] --router NAME [--address ADDR] [--state FILE]`:
// the WAN address of a router with a DHCP WAN changes while the lab runs (seed 設定例6: the ISP
// hands out another address, NetVolante DNS answers it, the peer's tunnel comes back on it). The
// lab moves the router's lease, restarts the emulated router on the new address and re-registers
// its DNS names: drivers/lab/lab-readdress.ts. Exit 2 for bad input, 3 when the lab fails.
import { PROGRAM, type CommandDef, type ParsedCommand } from './command-table.ts';
import { EXIT, HarnessError, UsageError } from './exit-codes.ts';
import { DEFAULT_STATE_FILE } from '../drivers/lab/index.ts';
import { labReaddress, ReaddressError } from '../drivers/lab/lab-readdress.ts';
import { runningLab } from './lab-state-arg.ts';

export const READDRESS: CommandDef = {
  name: 'readdress',
  summary: 'give a router with a DHCP WAN another address while the lab runs (netns labs; its DNS names follow)',
  positionals: [{ name: 'TOPOLOGY', help: 'optional: the topology the lab runs (checked against the state file)' }],
  flags: [
    { name: 'topology', type: 'string', short: 't', valueName: 'TOPOLOGY', help: 'the topology file (containerlab habit; same as the TOPOLOGY argument)' },
    { name: 'router', type: 'string', valueName: 'NAME', required: true, help: 'the router whose WAN lease moves (its WAN has ipv4: dhcp in the topology)' },
    { name: 'address', type: 'string', valueName: 'ADDR', help: "the new IPv4 address on the link's subnet; default: the first free address of the link's DHCP pool" },
    { name: 'state', type: 'string', valueName: 'FILE', default: DEFAULT_STATE_FILE, help: 'the lab state file: what lab up made, what lab down removes' },
  ],
  examples: [
    `${PROGRAM} lab readdress -t topologies/seed/ex6-ipsec-netvolante.yaml --router rt1`,
    `${PROGRAM} lab readdress --router rt1 --address 198.51.100.150 --state /tmp/lab.json`,
  ],
  run: labReaddressHandler,
};

async function labReaddressHandler(args: ParsedCommand): Promise<number> {
  const { stateFile, state } = runningLab(args);
  if (process.getuid?.() !== 0) throw new HarnessError('lab readdress needs root (DHCP and processes in the lab namespaces)');
  const address = args.string('address');
  try {
    const r = await labReaddress(state, { router: args.string('router')!, ...(address !== undefined ? { address } : {}), stateFile, log: (l) => process.stderr.write(`${l}\n`) });
    console.log(`router ${r.router} ${r.interface}: ${r.from} -> ${r.to}${r.names.length > 0 ? `; DNS ${r.names.join(', ')} -> ${r.to}` : ''}`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ReaddressError && e.input) throw new UsageError(e.message);
    throw new HarnessError((e as Error).message);
  }
}
