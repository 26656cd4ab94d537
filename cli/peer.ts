// `l2tpv3-conformance peer (--connect ADDR | --listen ADDR) [...]`, or `peer --list-misbehaviours`:
// the tester peer at a lab bench: plays the far end of N tunnels (one lab address each, counting
// up from --local / --listen), prints every state change and every message the device sends, and
// stops after --duration seconds (StopCCN first). Flags: PEER_COMMAND below.
// The tunnel password comes only from an environment variable (--auth-env VAR): a password on the
// command line is visible in the process list and shell history, so --auth PASSWORD is refused.
// Checked before anything binds: every flag, that --pcap can be written, and that the peer would not
// talk to its own socket (--connect to an address its own listening socket receives on).
// With --ipsec-psk-env VAR the tunnels run inside L2TPv3/IPsec (IKEv1 + transport ESP in UDP 4500,
// drivers/peer/ipsec/): the pre-shared key, too, comes only from the environment and is never
// printed; --key-log writes the SAs' keys (0600) so tshark can decrypt the --pcap.
// Exit 0 ok, 1 the peer saw protocol errors, 2 bad input, 3 cannot bind, 130 never (SIGINT stops it normally).
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { invoke, PROGRAM, type CommandDef, type ParsedCommand } from './command-table.ts';
import { EXIT, HarnessError, UsageError } from './exit-codes.ts';
import { Conversation } from '../drivers/peer/conversation.ts';
import { formatSummary } from '../drivers/peer/message-summary.ts';
import { describeMisbehaviours, misbehave } from '../drivers/peer/misbehaviours.ts';
import type { PeerEvent } from '../drivers/peer/peer-events.ts';
import { PeerTunnel } from '../drivers/peer/peer-tunnel.ts';
import { describeIpsecEvent, type IpsecEvent } from '../drivers/peer/ipsec/ipsec-events.ts';
import { IpsecTransport } from '../drivers/peer/ipsec/ipsec-transport.ts';
import { KeyLogFile } from '../drivers/peer/ipsec/key-log-file.ts';
import { parseIkeIdentity, type PeerIpsecOptions } from '../drivers/peer/ipsec/peer-ipsec-options.ts';
import { parseRouterId } from '../reference-impl/control/tunnel-settings.ts';

export const PEER_COMMAND: CommandDef = {
  name: 'peer',
  summary: 'play the far end of L2TPv3 tunnels (tester peer), misbehaving on purpose',
  description: 'Give exactly one of --connect (the peer dials the device) or --listen (the device dials the peer).',
  flags: [
    { name: 'connect', type: 'string', valueName: 'ADDR', help: "the device's IPv4/IPv6 address: the peer opens the tunnel" },
    { name: 'listen', type: 'string', valueName: 'ADDR', help: 'the lab address to wait on: the device opens the tunnel' },
    { name: 'local', type: 'string', valueName: 'ADDR', help: 'the lab address of the first tunnel with --connect (default: any); tunnel i uses ADDR+i' },
    { name: 'port', type: 'string', valueName: 'N', int: [1, 65535], default: '1701', help: 'UDP port, ours and the device\'s' },
    { name: 'auth-env', type: 'string', valueName: 'VAR', help: 'tunnel authentication: the password is read from environment variable VAR (never printed)' },
    { name: 'auth', type: 'string', valueName: 'PASSWORD', removed: 'a password on the command line shows in the process list and shell history; put it in an environment variable and give its name: --auth-env VAR', help: '' },
    { name: 'auth-method', type: 'string', valueName: 'METHOD', choices: ['challenge', 'digest'], default: 'challenge', help: 'how the password is used' },
    { name: 'router-id', type: 'string', valueName: 'A.B.C.D', help: 'our Router ID AVP' },
    { name: 'end-id', type: 'string', valueName: 'ID', help: 'our Remote End ID (1..32 characters)' },
    { name: 'hostname', type: 'string', valueName: 'NAME', help: 'our Host Name AVP' },
    { name: 'cookie', type: 'string', valueName: 'N', choices: ['0', '4', '8'], default: '0', help: 'cookie length in octets' },
    { name: 'tunnels', type: 'string', valueName: 'N', int: [1, 1000], default: '1', help: 'number of tunnels (above 1 with --connect needs --local)' },
    { name: 'misbehave', type: 'string', multiple: true, valueName: 'NAME[=PARAM]', help: 'misbehave on purpose (see --list-misbehaviours)' },
    { name: 'duration', type: 'string', valueName: 'S', int: [1, 86_400], default: '30', help: 'seconds to run before StopCCN (SIGINT/SIGTERM stop earlier)' },
    { name: 'pcap', type: 'string', valueName: 'FILE', output: 'file', help: 'write every datagram sent and received to this pcap (its folder must exist)' },
    { name: 'list-misbehaviours', type: 'boolean', help: 'describe every misbehaviour and exit' },
    { name: 'ipsec-psk-env', type: 'string', valueName: 'VAR', help: 'L2TPv3/IPsec: the IKE pre-shared key is read from environment variable VAR (never printed)' },
    { name: 'ipsec-psk', type: 'string', valueName: 'KEY', removed: 'a key on the command line shows in the process list and shell history; put it in an environment variable and give its name: --ipsec-psk-env VAR', help: '' },
    { name: 'ike-mode', type: 'string', valueName: 'MODE', choices: ['main', 'aggressive'], default: 'main', help: 'IKEv1 phase 1: main (both ends fixed) or aggressive (one end dynamic, names as identities)' },
    { name: 'ike-role', type: 'string', valueName: 'ROLE', choices: ['initiator', 'responder'], help: 'who starts IKE (default: initiator with --connect, responder with --listen)' },
    { name: 'ike-id', type: 'string', valueName: 'TYPE:VALUE', help: 'aggressive mode: our identity (fqdn, user-fqdn, key-id, ipv4-addr, ipv6-addr), e.g. key-id:site-b' },
    { name: 'ike-remote-id', type: 'string', valueName: 'TYPE:VALUE', help: "aggressive-mode responder: the device's identity we require (default: any)" },
    { name: 'nat-t', type: 'string', valueName: 'MODE', choices: ['on', 'force'], default: 'force', help: 'NAT traversal: force (ESP in UDP 4500 always) or on (only behind a NAT); the peer sends ESP only in UDP' },
    { name: 'key-log', type: 'string', valueName: 'FILE', output: 'file', help: 'write each SA\'s keys to FILE (mode 0600) for tshark; never on by default' },
  ],
  examples: [
    `PW=secret ${PROGRAM} peer --connect 192.0.2.1 --local 192.0.2.100 --auth-env PW --duration 60 --pcap peer.pcap`,
    `${PROGRAM} peer --listen 192.0.2.100 --misbehave wrong-cookie`,
    `PSK=secret ${PROGRAM} peer --connect 192.0.2.1 --local 192.0.2.100 --ipsec-psk-env PSK --key-log peer.keys --pcap peer.pcap`,
    `PSK=secret ${PROGRAM} peer --listen 192.0.2.100 --ipsec-psk-env PSK --ike-mode aggressive --ike-remote-id key-id:rtx --misbehave esp-replay`,
    `${PROGRAM} peer --list-misbehaviours`,
  ],
  run: peerHandler,
};

const WILDCARD = new Set(['0.0.0.0', '::']);

/** Whether a datagram sent to `addr` would come back to a socket bound to `bound` (same port). */
export function reachesOwnSocket(addr: string, bound: string, localAddresses: readonly string[] = ownAddresses()): boolean {
  const norm = (a: string) => a.toLowerCase().replace(/^::ffff:/, '');
  const a = norm(addr);
  if (a === norm(bound)) return true;
  if (!WILDCARD.has(bound)) return false;
  if (isIP(a) !== isIP(bound)) return false;
  return a.startsWith('127.') || a === '::1' || WILDCARD.has(a) || localAddresses.map(norm).includes(a);
}

function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((i) => i.address));
}

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

const IPSEC_ONLY = ['ike-mode', 'ike-role', 'ike-id', 'ike-remote-id', 'nat-t', 'key-log'] as const;

/** The IPsec options from the flags, or undefined without --ipsec-psk-env. Never echoes the key. */
export function ipsecOptions(args: ParsedCommand, dials: boolean): PeerIpsecOptions | undefined {
  const env = args.string('ipsec-psk-env');
  if (env === undefined) {
    const stray = IPSEC_ONLY.find((f) => args.string(f) !== undefined && !(f === 'ike-mode' && args.string(f) === 'main') && !(f === 'nat-t' && args.string(f) === 'force'));
    if (stray) throw new UsageError(`--${stray} is for L2TPv3/IPsec: give the pre-shared key with --ipsec-psk-env VAR`);
    return undefined;
  }
  const psk = process.env[env];
  if (!psk) throw new UsageError(`--ipsec-psk-env ${env}: the environment variable is not set or empty`);
  const mode = (args.string('ike-mode') ?? 'main') as 'main' | 'aggressive';
  const id = (flag: 'ike-id' | 'ike-remote-id') => {
    const v = args.string(flag);
    if (v === undefined) return undefined;
    if (mode !== 'aggressive') throw new UsageError(`--${flag} needs --ike-mode aggressive (main mode identifies each end by its address)`);
    try {
      return parseIkeIdentity(v);
    } catch (e) {
      throw new UsageError(`--${flag}: ${(e as Error).message}`);
    }
  };
  const ikeRole = (args.string('ike-role') ?? (dials ? 'initiator' : 'responder')) as 'initiator' | 'responder';
  if (ikeRole === 'initiator' && !dials) throw new UsageError('--ike-role initiator needs --connect ADDR: IKE must know the device to start');
  return { psk: Uint8Array.from(Buffer.from(psk, 'utf8')), mode, ikeRole, localId: id('ike-id'), remoteId: id('ike-remote-id'), natT: (args.string('nat-t') ?? 'force') as 'on' | 'force' };
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

async function peerHandler(args: ParsedCommand): Promise<number> {
  if (args.bool('list-misbehaviours')) {
    for (const l of describeMisbehaviours()) console.log(l);
    return EXIT.ok;
  }
  const connect = args.string('connect');
  const listen = args.string('listen');
  if ((connect === undefined) === (listen === undefined)) throw new UsageError(`give exactly one of --connect ADDR or --listen ADDR (see ${PROGRAM} peer --help)`);
  for (const [flag, v] of [['connect', connect], ['listen', listen], ['local', args.string('local')]] as const) {
    if (v !== undefined && isIP(v) === 0) throw new UsageError(`--${flag} '${v}' is not an IPv4 or IPv6 address`);
  }
  const port = args.int('port') ?? 1701;
  const tunnels = args.int('tunnels') ?? 1;
  const durationS = args.int('duration') ?? 30;
  const routerId = args.string('router-id');
  if (routerId !== undefined) {
    try {
      parseRouterId(routerId, '--router-id');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const endId = args.string('end-id');
  if (endId !== undefined && (endId.length === 0 || endId.length > 32)) throw new UsageError('--end-id must be 1..32 characters');
  const cookie = Number(args.string('cookie') ?? '0') as 0 | 4 | 8;
  const method = (args.string('auth-method') ?? 'challenge') as 'challenge' | 'digest';
  const authEnv = args.string('auth-env');
  let password: string | undefined;
  if (authEnv !== undefined) {
    password = process.env[authEnv];
    // Name the variable, never its value.
    if (!password) throw new UsageError(`--auth-env ${authEnv}: the environment variable is not set or empty`);
    if (password.length > 32) throw new UsageError(`--auth-env ${authEnv}: the password is longer than 32 characters (CR 16.2)`);
  }
  const ipsec = ipsecOptions(args, connect !== undefined);
  if (ipsec && connect !== undefined && args.string('local') === undefined) {
    throw new UsageError('L2TPv3/IPsec with --connect needs --local ADDR: IKE binds ports 500 and 4500 there and identifies the peer by it');
  }
  const local = args.string('local') ?? listen ?? (connect!.includes(':') ? '::' : '0.0.0.0');
  if (tunnels > 1 && connect !== undefined && args.string('local') === undefined) {
    throw new UsageError('--tunnels above 1 needs --local ADDR: each tunnel needs its own lab address (the device tells tunnels apart by address)');
  }
  if (connect !== undefined) {
    for (let i = 0; i < tunnels; i++) {
      const bound = nthAddress(local, i);
      if (reachesOwnSocket(connect, bound)) {
        throw new UsageError(`--connect ${connect} port ${port} is this peer's own socket (bound to ${bound}:${port}): it would talk to itself. ` +
          'Give the device\'s address, or --local ADDR with an address of its own, or another --port');
      }
    }
  }
  const misbehaviours = args.strings('misbehave');
  const keyLogPath = args.string('key-log');
  let keyLog: KeyLogFile | undefined;
  if (keyLogPath !== undefined) {
    try {
      keyLog = new KeyLogFile(keyLogPath);
    } catch (e) {
      throw new HarnessError(`cannot write --key-log ${keyLogPath} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  const conversation = new Conversation();
  const started = performance.now();
  const peers: PeerTunnel[] = [];
  for (let i = 0; i < tunnels; i++) {
    const transport = ipsec && new IpsecTransport({ local: nthAddress(local, i), device: connect ?? 'any', ipsec, l2tpPort: port, conversation, keyLog });
    const p = new PeerTunnel({
      transport,
      local: { host: nthAddress(local, i), port },
      device: connect !== undefined ? { host: connect, port } : 'learn',
      role: connect !== undefined ? 'initiator' : 'responder',
      tunnel: i + 1,
      hostname: args.string('hostname'),
      routerId,
      endId,
      auth: password !== undefined ? { password, method } : undefined,
      cookieLength: cookie,
      conversation,
    });
    try {
      for (const m of misbehaviours) misbehave(p, m);
    } catch (e) {
      throw new UsageError(`--misbehave: ${(e as Error).message}`);
    }
    const tag = p.opts.local.host;
    p.on('event', (e: PeerEvent) => {
      const text = describe(e);
      if (text) console.log(`[+${((performance.now() - started) / 1000).toFixed(3)}s] ${tag} ${text}`);
    });
    transport?.on('event', (e: IpsecEvent) => {
      const text = describeIpsecEvent(e);
      if (text) console.log(`[+${((performance.now() - started) / 1000).toFixed(3)}s] ${tag} ${text}`);
    });
    peers.push(p);
  }
  try {
    for (const p of peers) await p.start();
  } catch (e) {
    for (const p of peers) await p.close({ silent: true });
    keyLog?.close();
    throw new HarnessError((e as Error).message);
  }
  const over = ipsec ? ` over IPsec (IKEv1 ${ipsec.mode} mode, ${ipsec.ikeRole}, ESP in UDP 4500${keyLog ? `, keys to ${keyLogPath}` : ''})` : '';
  console.log(`peer: ${tunnels} tunnel(s) ${connect !== undefined ? `to ${connect}` : `listening on ${local}`} port ${port}${over}, for ${durationS} s`);
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
  keyLog?.close();
  const pcap = args.string('pcap');
  if (pcap !== undefined) {
    try {
      console.log(`peer: ${conversation.writePcap(pcap)} datagrams written to ${pcap}`);
    } catch (e) {
      throw new HarnessError(`cannot write --pcap ${pcap} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const ipsecErrors = peers.some((p) => p.opts.transport instanceof IpsecTransport && p.opts.transport.events.some((e) => e.kind === 'error'));
  return peers.some((p) => p.errors.length > 0) || ipsecErrors ? EXIT.failures : EXIT.ok;
}

/** `peer ...` argv (tests call this); usage errors are thrown as UsageError. */
export function peerCommand(argv: string[]): Promise<number> {
  return invoke(PEER_COMMAND, argv, [PROGRAM, 'peer']);
}
