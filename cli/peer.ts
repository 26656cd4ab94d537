// `l2tpv3-conformance peer (--connect ADDR | --listen ADDR) [--local ADDR] [--port N]
//   [--auth PASSWORD | --auth-env VAR] [--auth-method challenge|digest] [--router-id A.B.C.D] [--end-id ID]
//   [--hostname NAME] [--cookie 0|4|8] [--tunnels N] [--misbehave NAME[=PARAM] ...]
//   [--duration S] [--pcap FILE] | peer --list-misbehaviours`
// The tester peer at a lab bench: plays the far end of N tunnels (one lab address each, counting
// up from --local / --listen), prints every state change and every message the device sends,
// and stops after --duration seconds (StopCCN first). The tunnel password is never printed:
// --auth PASSWORD is the issue's interface; --auth-env VAR (an environment variable) keeps it out
// of process lists and shell history, and is what scripts should use.
import { isIP } from 'node:net';
import { flagValue, intFlag, parseArgs, UsageError } from './args.ts';
import { Conversation } from '../drivers/peer/conversation.ts';
import { formatSummary } from '../drivers/peer/message-summary.ts';
import { describeMisbehaviours, misbehave } from '../drivers/peer/misbehaviours.ts';
import type { PeerEvent } from '../drivers/peer/peer-events.ts';
import { PeerTunnel } from '../drivers/peer/peer-tunnel.ts';
import { parseRouterId } from '../reference-impl/control/tunnel-settings.ts';

const USAGE =
  'usage: peer (--connect ADDR | --listen ADDR) [--local ADDR] [--port N] [--auth PASSWORD | --auth-env VAR] [--auth-method challenge|digest] ' +
  '[--router-id A.B.C.D] [--end-id ID] [--hostname NAME] [--cookie 0|4|8] [--tunnels N] [--misbehave NAME[=PARAM] ...] ' +
  '[--duration S] [--pcap FILE] | peer --list-misbehaviours';

/** The i-th address counting up from `base` (IPv4 last octet / IPv6 last group). */
export function nthAddress(base: string, i: number): string {
  if (isIP(base) === 4) {
    const p = base.split('.').map(Number);
    const v = (((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0) + i;
    if (v > 0xffffffff) throw new UsageError(`--tunnels: ${base} + ${i} is past 255.255.255.255`);
    return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.');
  }
  if (i === 0) return base;
  const groups = base.split(':');
  const last = parseInt(groups[groups.length - 1] || '0', 16) + i;
  if (last > 0xffff) throw new UsageError(`--tunnels: ${base} + ${i} overflows its last group`);
  groups[groups.length - 1] = last.toString(16);
  return groups.join(':');
}

function describe(e: PeerEvent): string | undefined {
  switch (e.kind) {
    case 'tunnel':
      return `tunnel ${e.from} -> ${e.to} (our ccid ${e.ccid})`;
    case 'session':
      return `session ${e.localSessionId} ${e.from} -> ${e.to}`;
    case 'sessionUp':
      return `session up: local ${e.layout.localSessionId} remote ${e.layout.remoteSessionId} cookie rx ${e.layout.rxCookie.length}/tx ${e.layout.txCookie.length} octets`;
    case 'received':
      return `<- ${formatSummary(e)}`;
    case 'sent':
      return `-> ${formatSummary(e)}`;
    case 'log':
      return `log: ${e.text}`;
    case 'error':
      return `error: ${e.text}`;
    default:
      return undefined;
  }
}

export async function peerCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'connect', value: true }, { name: 'listen', value: true }, { name: 'local', value: true },
    { name: 'port', value: true }, { name: 'auth-env', value: true }, { name: 'auth', value: true }, { name: 'auth-method', value: true },
    { name: 'router-id', value: true }, { name: 'end-id', value: true }, { name: 'hostname', value: true },
    { name: 'cookie', value: true }, { name: 'tunnels', value: true }, { name: 'misbehave', value: true, repeat: true },
    { name: 'duration', value: true }, { name: 'pcap', value: true }, { name: 'list-misbehaviours', value: false },
  ]);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'\n${USAGE}`);
  if (args.flags.has('list-misbehaviours')) {
    for (const l of describeMisbehaviours()) console.log(l);
    return 0;
  }
  const connect = flagValue(args, 'connect');
  const listen = flagValue(args, 'listen');
  if ((connect === undefined) === (listen === undefined)) throw new UsageError(`give exactly one of --connect ADDR or --listen ADDR\n${USAGE}`);
  for (const [flag, v] of [['connect', connect], ['listen', listen], ['local', flagValue(args, 'local')]] as const) {
    if (v !== undefined && isIP(v) === 0) throw new UsageError(`--${flag} '${v}' is not an IPv4 or IPv6 address`);
  }
  const port = intFlag(args, 'port', 1, 65535) ?? 1701;
  const tunnels = intFlag(args, 'tunnels', 1, 1000) ?? 1;
  const durationS = intFlag(args, 'duration', 1, 86_400) ?? 30;
  const routerId = flagValue(args, 'router-id');
  if (routerId !== undefined) {
    try {
      parseRouterId(routerId, '--router-id');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const endId = flagValue(args, 'end-id');
  if (endId !== undefined && (endId.length === 0 || endId.length > 32)) throw new UsageError('--end-id must be 1..32 characters');
  const cookie = Number(flagValue(args, 'cookie', ['0', '4', '8']) ?? '0') as 0 | 4 | 8;
  const method = (flagValue(args, 'auth-method', ['challenge', 'digest']) ?? 'challenge') as 'challenge' | 'digest';
  const authEnv = flagValue(args, 'auth-env');
  let password = flagValue(args, 'auth');
  if (password !== undefined && authEnv !== undefined) throw new UsageError('give --auth or --auth-env, not both');
  if (password !== undefined && (password.length === 0 || password.length > 32)) {
    throw new UsageError('--auth: the password must be 1..32 characters (CR 16.2)'); // the value itself is never echoed
  }
  if (authEnv !== undefined) {
    password = process.env[authEnv];
    // Name the variable, never its value.
    if (!password) throw new UsageError(`--auth-env ${authEnv}: the environment variable is not set or empty`);
    if (password.length > 32) throw new UsageError(`--auth-env ${authEnv}: the password is longer than 32 characters (CR 16.2)`);
  }
  const local = flagValue(args, 'local') ?? listen ?? (connect!.includes(':') ? '::' : '0.0.0.0');
  if (tunnels > 1 && connect !== undefined && flagValue(args, 'local') === undefined) {
    throw new UsageError('--tunnels above 1 needs --local ADDR: each tunnel needs its own lab address (the device tells tunnels apart by address)');
  }

  const conversation = new Conversation();
  const started = performance.now();
  const peers: PeerTunnel[] = [];
  for (let i = 0; i < tunnels; i++) {
    const p = new PeerTunnel({
      local: { host: nthAddress(local, i), port },
      device: connect !== undefined ? { host: connect, port } : 'learn',
      role: connect !== undefined ? 'initiator' : 'responder',
      tunnel: i + 1,
      hostname: flagValue(args, 'hostname'),
      routerId,
      endId,
      auth: password !== undefined ? { password, method } : undefined,
      cookieLength: cookie,
      conversation,
    });
    try {
      for (const m of args.flags.get('misbehave') ?? []) misbehave(p, m);
    } catch (e) {
      throw new UsageError(`--misbehave: ${(e as Error).message}`);
    }
    const tag = p.opts.local.host;
    p.on('event', (e: PeerEvent) => {
      const text = describe(e);
      if (text) console.log(`[+${((performance.now() - started) / 1000).toFixed(3)}s] ${tag} ${text}`);
    });
    peers.push(p);
  }
  try {
    for (const p of peers) await p.start();
  } catch (e) {
    for (const p of peers) await p.close({ silent: true });
    console.error(`l2tpv3-conformance peer: ${(e as Error).message}`);
    return 1;
  }
  console.log(`peer: ${tunnels} tunnel(s) ${connect !== undefined ? `to ${connect}` : `listening on ${local}`} port ${port}, for ${durationS} s`);
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, durationS * 1000);
    const stop = () => {
      clearTimeout(t);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  for (const p of peers) console.log(`peer: ${p.opts.local.host} final state ${p.state}${p.errors.length ? `, ${p.errors.length} error(s)` : ''}`);
  for (const p of peers) await p.close();
  const pcap = flagValue(args, 'pcap');
  if (pcap !== undefined) {
    try {
      console.log(`peer: ${conversation.writePcap(pcap)} datagrams written to ${pcap}`);
    } catch (e) {
      console.error(`l2tpv3-conformance peer: cannot write --pcap ${pcap} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      return 1;
    }
  }
  return peers.some((p) => p.errors.length > 0) ? 1 : 0;
}
