// The lab a `lab` subcommand acts on: the topology given (positional or -t, not two different ones)
// and the state file `lab up` wrote, which must be that topology's. Shared by lab down and lab
// readdress; bad input is a usage error (exit 2) naming what is wrong.
import { resolve } from 'node:path';
import type { ParsedCommand } from './command-table.ts';
import { UsageError } from './exit-codes.ts';
import { DEFAULT_STATE_FILE, readLabState, type LabState } from '../drivers/lab/index.ts';

export function topologyOf(args: ParsedCommand): string | undefined {
  const [positional] = args.positionals;
  const flag = args.string('topology');
  if (positional !== undefined && flag !== undefined && resolve(positional) !== resolve(flag)) {
    throw new UsageError(`two topologies given: '${positional}' and -t '${flag}'`);
  }
  return positional ?? flag;
}

/** The running lab's state (`--state FILE`, default lab up's), checked against the topology given. */
export function runningLab(args: ParsedCommand): { stateFile: string; state: LabState } {
  const topology = topologyOf(args);
  const stateFile = args.string('state') ?? DEFAULT_STATE_FILE;
  let state: LabState;
  try {
    state = readLabState(stateFile);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (topology !== undefined && resolve(state.topology) !== resolve(topology)) {
    throw new UsageError(`the lab in ${stateFile} runs ${state.topology}, not ${topology}; give its --state FILE`);
  }
  return { stateFile, state };
}
