// `clear`, `connect`, `disconnect` and `save` as rows (the operational commands that change
// the device; operations.ts makes them administrator-only).

import { CLI_LOG, SAVE_DONE } from './console-facts.ts';
import { error, number, out, type CommandEnv, type CommandResult } from './command-result.ts';
import type { OperationSpec } from './operation-spec.ts';

/** `save`, also used by the save question and `quit save`. */
export function saveNow(env: CommandEnv): CommandResult {
  const r = env.device.save();
  if (!r.ok) return error(r.kind, env.lang);
  env.device.log(CLI_LOG.configurationSaved(env.transport));
  return out([SAVE_DONE[env.lang]]);
}

/** `connect tunnel N` / `disconnect tunnel N` (the word `tunnel` is checked by the family, operations.ts). */
function tunnelAction(action: 'connectTunnel' | 'disconnectTunnel'): OperationSpec['run'] {
  return (args, { device, lang }) => {
    if (args.length !== 1) return error('wrongNumberOfParameters', lang);
    const n = number(args[0]);
    if (n === undefined) return error('integerRequired', lang);
    const r = device[action](n);
    return r.ok ? out() : error(r.kind, lang);
  };
}

export const ADMIN_OPERATIONS: readonly OperationSpec[] = [
  {
    id: 'clear log',
    syntax: 'clear log',
    source: 'not in the digest: clears the log of facts §3.5',
    run: (args, { device }) => {
      if (args.length !== 0) return undefined;
      device.clearLog();
      return out();
    },
  },
  {
    id: 'clear bridge learning',
    syntax: 'clear bridge learning [<bridge:word>]',
    source: 'CR §56.4.9 (facts §1.3)',
    run: (args, { device, lang }) => {
      if (args.length > 1) return error('wrongNumberOfParameters', lang);
      if (args.length === 1 && !/^bridge\d+$/.test(args[0])) return error('illegalKeyword', lang);
      const r = device.clearBridgeLearning(args[0]);
      return r.ok ? out() : error(r.kind, lang);
    },
  },
  { id: 'connect tunnel', syntax: 'connect tunnel <tunnel:uint>', source: 'CR §56.x (facts §1.2)', run: tunnelAction('connectTunnel') },
  { id: 'disconnect tunnel', syntax: 'disconnect tunnel <tunnel:uint>', source: 'CR §56.x (facts §1.2)', run: tunnelAction('disconnectTunnel') },
  {
    id: 'save',
    syntax: 'save',
    source: 'facts §3.1',
    run: (args, env) => (args.length === 0 ? saveNow(env) : error('wrongNumberOfParameters', env.lang)),
  },
];
