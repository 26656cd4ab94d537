// `l2tpv3-conformance router --model M --firmware REV --config FILE --ssh HOST:PORT [...]` runs one
// emulated router until SIGTERM/SIGINT; prints one JSON line `{"ready":{...}}` once listening.
// `router --list-defects` describes every injectable defect. Flags: ROUTER_COMMAND below.
// `router --args-from-stdin` is a harness's warm spare (drivers/lab/router-spare.ts): it loads every
// module, then reads its real arguments as one JSON line on stdin and runs exactly as if started with
// them; stdin closed before that line arrives ends it quietly (the harness never needed it).
// Exit 2 for bad input (a refused model, revision or config too), 3 when it cannot listen.
import { readFileSync } from 'node:fs';
import { invokeAsMain, PROGRAM, type CommandDef, type ParsedCommand } from './command-table.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { resolveModel } from './model-names.ts';
import { DEFECT_NAMES, describeDefects, parseDefects } from '../reference-impl/router/defects.ts';
import { parseUnderlay, type UnderlayTarget } from '../reference-impl/router/l2tp-socket.ts';
import { parseLanSpec, type LanPortSpec } from '../reference-impl/router/lan-port.ts';
import { Router } from '../reference-impl/router/router.ts';
import { parseMapELabParams } from '../reference-impl/router/underlay/underlay-plan.ts';
import { PROFILE_VARIANT_NAMES } from '../reference-impl/control/profile-variants.ts';

export const ROUTER_COMMAND: CommandDef = {
  name: 'router',
  summary: 'run an emulated RTX router (SSH CLI, serial console, L2TPv3 over UDP)',
  description:
    'Runs until SIGTERM/SIGINT; prints one JSON line {"ready":{...}} on stdout once listening.\n' +
    '--model, --firmware, --config and --ssh are required unless --list-defects is given.',
  flags: [
    { name: 'model', type: 'string', valueName: 'MODEL', help: 'model to emulate (case-insensitive; short names like vRX or rtx1210)' },
    { name: 'firmware', type: 'string', valueName: 'REV', help: 'firmware revision, e.g. 14.01.42 or Rev.14.01.42' },
    { name: 'config', type: 'string', valueName: 'FILE', input: 'text', help: 'the RTX config the router boots with' },
    { name: 'ssh', type: 'string', valueName: 'HOST:PORT', help: 'where the SSH CLI listens (port 0: any free port, reported in the ready line)' },
    { name: 'console-pty', type: 'string', optionalValue: true, valueName: 'PATH', help: 'serial console on a pty; with PATH the user end is linked there, alone a temp path' },
    { name: 'wan', type: 'string', multiple: true, valueName: 'ADDRESS', help: 'a WAN address to bind L2TPv3 to' },
    { name: 'lan', type: 'string', multiple: true, valueName: 'SPEC', help: 'a LAN port: lanN=udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT or lanN=if:IFNAME' },
    { name: 'underlay', type: 'string', multiple: true, valueName: 'MAP', help: 'CONFIG_ADDR=SOCKET_ADDR[:PORT]: where a config address is reached on this host' },
    { name: 'l2tp-port', type: 'string', valueName: 'N', int: [1, 65535], default: '1701', help: 'UDP port of L2TPv3' },
    { name: 'time-scale', type: 'string', valueName: 'N', number: [0, 1e6], default: '1', help: 'protocol timers run N times faster' },
    { name: 'seed', type: 'string', valueName: 'N', int: [0, 2 ** 31 - 1], help: 'seed of the router\'s random choices (IDs, cookies, nonces)' },
    { name: 'defect', type: 'string', multiple: true, valueName: 'NAME', choices: DEFECT_NAMES, choiceNoun: 'defect', help: 'inject a defect (see --list-defects)' },
    { name: 'list-defects', type: 'boolean', help: 'describe every injectable defect and exit' },
    { name: 'args-from-stdin', type: 'boolean', help: 'a warm spare for a harness: load, then read the router arguments as one JSON array line on stdin (EOF first: exit 0)' },
    { name: 'esp-plain', type: 'boolean', help: 'L2TPv3/IPsec without NAT-T sends plain ESP (IP protocol 50) through libpcap on the WAN interface (namespace mode, root); otherwise ESP always goes in UDP 4500' },
    { name: 'map-e', type: 'string', valueName: 'JSON', help: 'the MAP-E rule and End-user prefix a `tunnel encapsulation map-e` tunnel uses, as the lab hands them out: {"rule":{"ipv6Prefix","ipv4Prefix","eaBits","psidOffset","brAddress"},"endUserPrefix"} (namespace mode, root)' },
    { name: 'key-log', type: 'string', valueName: 'FILE', help: 'append each IPsec SA\'s keys to FILE (created mode 0600) as they are made, for tshark / decode --ipsec-keys; off by default' },
    { name: 'profile', type: 'string', valueName: 'VARIANT', choices: PROFILE_VARIANT_NAMES, choiceNoun: 'firmware profile variant', help: 'emulate a firmware-profile variant (cookie8: assigns an 8-octet cookie; sequencing: asks for the Default L2SS and Data Sequencing)' },
  ],
  examples: [
    `${PROGRAM} router --model rtx1210 --firmware 14.01.42 --config site1.conf --ssh 127.0.0.1:0`,
    `${PROGRAM} router --model vRX --firmware 19.01.09 --config hub.conf --ssh 127.0.0.1:2222 --console-pty`,
    `${PROGRAM} router --list-defects`,
  ],
  run: routerHandler,
};

function hostPort(flag: string, text: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new UsageError(`--${flag} '${text}': expected HOST:PORT`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function usageFrom<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError((e as Error).message);
  }
}

/**
 * The first line on stdin (undefined at EOF before a newline). After it stdin stays open and is the
 * owner's lifeline: its end means the process that handed the arguments is gone (killed, or ended
 * without stopping this router), and the router stops as on SIGTERM instead of outliving it. It
 * never keeps the router alive by itself (unref).
 */
function readStdinLine(): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const done = (line: string | undefined) => {
      process.stdin.off('data', onData).off('end', onEnd);
      if (line === undefined) {
        process.stdin.destroy();
      } else {
        process.stdin.on('data', () => undefined).once('end', () => process.kill(process.pid, 'SIGTERM'));
        (process.stdin as { unref?: () => void }).unref?.();
      }
      resolve(line);
    };
    const onData = (b: Buffer) => {
      text += b.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) done(text.slice(0, nl));
    };
    const onEnd = () => done(undefined);
    process.stdin.on('data', onData).once('end', onEnd);
  });
}

/** --args-from-stdin: every module loaded first (the SSH server's is loaded lazily otherwise), then the real arguments. */
async function spareRouter(args: ParsedCommand): Promise<number> {
  if (['model', 'firmware', 'config', 'ssh', 'list-defects'].some((f) => args.has(f))) throw new UsageError('--args-from-stdin takes its arguments from stdin, not from the command line');
  await import('../reference-impl/router/ssh-server.ts');
  const line = await readStdinLine();
  if (line === undefined) return EXIT.ok;
  let argv: unknown;
  try {
    argv = JSON.parse(line);
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string')) throw new UsageError('--args-from-stdin: expected one JSON array of strings on stdin');
  if (argv.includes('--args-from-stdin')) throw new UsageError('--args-from-stdin: the arguments on stdin must not ask for stdin again');
  return routerCommand(argv);
}

async function routerHandler(args: ParsedCommand): Promise<number> {
  if (args.bool('args-from-stdin')) return spareRouter(args);
  if (args.bool('list-defects')) {
    for (const line of describeDefects()) console.log(line);
    return EXIT.ok;
  }
  const modelText = args.string('model');
  const firmware = args.string('firmware')?.replace(/^Rev\./, '');
  const configFile = args.string('config');
  const sshText = args.string('ssh');
  if (!modelText || !firmware || !configFile || !sshText) throw new UsageError(`router needs --model, --firmware, --config and --ssh (see ${PROGRAM} router --help)`);
  const model = resolveModel(modelText);
  const ssh = hostPort('ssh', sshText);
  const timeScale = args.number('time-scale') ?? 1;
  const defects = args.strings('defect');
  usageFrom(() => parseDefects(defects));
  const wan = args.has('wan') ? args.strings('wan') : undefined;
  const lan: LanPortSpec[] = args.strings('lan').map((t) => usageFrom(() => parseLanSpec(t)));
  const underlay = new Map<string, UnderlayTarget>(args.strings('underlay').map((t) => usageFrom(() => parseUnderlay(t))));
  let config: string;
  try {
    config = readFileSync(configFile, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --config ${configFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const consolePty = args.string('console-pty');
  const mapEText = args.string('map-e');
  const mapE = mapEText === undefined ? undefined : usageFrom(() => parseMapELabParams(mapEText));

  let router: Router;
  try {
    router = new Router({
      model, firmware, config, configPath: configFile, wan, lan, underlay, timeScale, defects,
      l2tpPort: args.int('l2tp-port'),
      seed: args.int('seed'),
      profileVariant: args.string('profile'),
      keyLog: args.string('key-log'),
      plainEsp: args.bool('esp-plain'),
      mapE,
    });
  } catch (e) {
    // the model/revision/config was refused: an input error, said in one line
    console.error(`${PROGRAM} router: ${(e as Error).message}`);
    return EXIT.usage;
  }
  const closers: (() => Promise<void> | void)[] = [() => router.stop()];
  let stopped: Promise<void>;
  try {
    const ready = await router.start();
    const { startSshServer } = await import('../reference-impl/router/ssh-server.ts');
    const server = await startSshServer({ device: router, host: ssh.host, port: ssh.port });
    closers.unshift(() => server.close());
    let pty: string | undefined;
    if (consolePty !== undefined) {
      const { startSerialConsole } = await import('../reference-impl/router/serial-console.ts');
      // --console-pty PATH: the user's end of the pty pair is linked at PATH; alone (or 'auto'): a temp path.
      const c = await startSerialConsole({ device: router, ...(consolePty === '' || consolePty === 'auto' ? {} : { userPath: consolePty }) });
      pty = c.userPath;
      closers.unshift(() => c.close());
    }
    // the signal handlers before the ready line: a harness that stops the router at once gets its clean stop
    stopped = new Promise<void>((resolve) => {
      process.once('SIGTERM', resolve);
      process.once('SIGINT', resolve);
    });
    console.log(JSON.stringify({ ready: { model, firmware, ...ready, ssh: { host: server.host, port: server.port }, consolePty: pty, defects } }));
  } catch (e) {
    for (const c of closers) await c();
    console.error(`${PROGRAM} router: ${(e as Error).message}`);
    return EXIT.harness; // could not listen / start: a lab error
  }
  await stopped;
  for (const c of closers) await c();
  return EXIT.ok;
}

/** `router ...` argv as the binary runs it (a router process started by the lab or a test): errors
 *  are printed on stderr and become the exit code. */
export function routerCommand(argv: string[]): Promise<number> {
  return invokeAsMain(ROUTER_COMMAND, argv, [PROGRAM, 'router']);
}
