// `l2tpv3-conformance lab up TOPOLOGY [--netns] [--state FILE] [--router-arg ARG ...]`: starts the
//   topology's emulated routers (and with --netns, namespaces for routers and hosts), prints how to
//   reach each, and records what it made in the state file;
// `l2tpv3-conformance lab down [--state FILE]`: removes every process and namespace recorded there.
import { parseArgs, flagValue, UsageError } from './args.ts';
import { DEFAULT_STATE_FILE, describeLab, labDown, labUp, readLabState } from '../drivers/lab/index.ts';

const USAGE = 'usage: lab up TOPOLOGY [--netns] [--state FILE] [--router-arg ARG ...] | lab down [--state FILE]';

export async function labCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'up' && action !== 'down') throw new UsageError(`expected 'up' or 'down'${action ? `, got '${action}'` : ''}\n${USAGE}`);
  const args = parseArgs(rest, [
    { name: 'netns', value: false },
    { name: 'state', value: true },
    { name: 'router-arg', value: true, repeat: true },
  ]);
  const stateFile = flagValue(args, 'state') ?? DEFAULT_STATE_FILE;
  if (action === 'down') {
    if (args.positional.length || args.flags.has('netns') || args.flags.has('router-arg')) throw new UsageError(`lab down takes only --state\n${USAGE}`);
    let state;
    try {
      state = readLabState(stateFile);
    } catch (e) {
      console.error(`l2tpv3-conformance lab down: ${(e as Error).message}`);
      return 1;
    }
    const r = await labDown(state, { stateFile, log: (l) => console.log(l) });
    console.log(`lab ${state.id} down: ${r.processes.length} processes, ${r.namespaces.length} namespaces removed`);
    return 0;
  }
  if (args.positional.length !== 1) throw new UsageError(`lab up needs one TOPOLOGY file\n${USAGE}`);
  try {
    const state = await labUp(args.positional[0], {
      mode: args.flags.has('netns') ? 'netns' : 'loopback',
      stateFile,
      routerArgs: args.flags.get('router-arg') ?? [],
      log: (l) => console.error(l),
    });
    for (const line of describeLab(state, stateFile)) console.log(line);
    return 0;
  } catch (e) {
    console.error(`l2tpv3-conformance lab up: ${(e as Error).message}`);
    return 1;
  }
}
