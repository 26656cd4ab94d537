// `l2tpv3-conformance router --model M --firmware REV --config FILE --ssh HOST:PORT [--console-pty [PATH]]
//   [--wan ADDRESS ...] [--lan lanN=udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT | lanN=if:IFNAME ...]
//   [--underlay CONFIG_ADDR=SOCKET_ADDR[:PORT] ...] [--l2tp-port N] [--time-scale N] [--seed N]
//   [--defect NAME ...]`
// runs one emulated router until SIGTERM/SIGINT; prints one JSON line `{"ready":{...}}` once listening.
// `l2tpv3-conformance router --list-defects` describes every injectable defect.
import { readFileSync } from 'node:fs';
import { flagValue, intFlag, parseArgs, UsageError } from './args.ts';
import { describeDefects, parseDefects } from '../reference-impl/router/defects.ts';
import { parseUnderlay, type UnderlayTarget } from '../reference-impl/router/l2tp-socket.ts';
import { parseLanSpec, type LanPortSpec } from '../reference-impl/router/lan-port.ts';
import { Router } from '../reference-impl/router/router.ts';

const USAGE =
  'usage: router --model MODEL --firmware REV --config FILE --ssh HOST:PORT [--console-pty [PATH]] [--wan ADDRESS ...] ' +
  '[--lan lanN=udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT|lanN=if:IFNAME ...] [--underlay CONFIG_ADDR=SOCKET_ADDR[:PORT] ...] ' +
  '[--l2tp-port N] [--time-scale N] [--seed N] [--defect NAME ...] | router --list-defects';

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

export async function routerCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [
    { name: 'model', value: true },
    { name: 'firmware', value: true },
    { name: 'config', value: true },
    { name: 'ssh', value: true },
    { name: 'console-pty', value: 'optional' },
    { name: 'wan', value: true, repeat: true },
    { name: 'lan', value: true, repeat: true },
    { name: 'underlay', value: true, repeat: true },
    { name: 'l2tp-port', value: true },
    { name: 'time-scale', value: true },
    { name: 'seed', value: true },
    { name: 'defect', value: true, repeat: true },
    { name: 'list-defects', value: false },
  ]);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument '${args.positional[0]}'\n${USAGE}`);
  if (args.flags.has('list-defects')) {
    for (const line of describeDefects()) console.log(line);
    return 0;
  }
  const model = flagValue(args, 'model');
  const firmware = flagValue(args, 'firmware')?.replace(/^Rev\./, '');
  const configFile = flagValue(args, 'config');
  const sshText = flagValue(args, 'ssh');
  if (!model || !firmware || !configFile || !sshText) throw new UsageError(`router needs --model, --firmware, --config and --ssh\n${USAGE}`);
  const ssh = hostPort('ssh', sshText);
  const scaleText = flagValue(args, 'time-scale') ?? '1';
  const timeScale = Number(scaleText);
  if (!(timeScale > 0 && timeScale <= 1e6)) throw new UsageError(`--time-scale must be a number above 0 and at most 1000000 (got '${scaleText}')`);
  const defects = args.flags.get('defect') ?? [];
  usageFrom(() => parseDefects(defects));
  const wan = args.flags.get('wan');
  const lan: LanPortSpec[] = (args.flags.get('lan') ?? []).map((t) => usageFrom(() => parseLanSpec(t, wan?.[0]?.includes(':') ? '::1' : '127.0.0.1')));
  const underlay = new Map<string, UnderlayTarget>((args.flags.get('underlay') ?? []).map((t) => usageFrom(() => parseUnderlay(t))));
  let config: string;
  try {
    config = readFileSync(configFile, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --config ${configFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const consolePty = flagValue(args, 'console-pty');

  let router: Router;
  try {
    router = new Router({
      model, firmware, config, configPath: configFile, wan, lan, underlay, timeScale, defects,
      l2tpPort: intFlag(args, 'l2tp-port', 1, 65535),
      seed: intFlag(args, 'seed', 0, 2 ** 31 - 1),
    });
  } catch (e) {
    console.error(`l2tpv3-conformance router: ${(e as Error).message}`);
    return 1;
  }
  const closers: (() => Promise<void> | void)[] = [() => router.stop()];
  try {
    const ready = await router.start();
    const { startSshServer } = await import('../reference-impl/router/ssh-server.ts');
    const server = await startSshServer({ device: router, host: ssh.host, port: ssh.port });
    closers.unshift(() => server.close());
    let pty: string | undefined;
    if (consolePty !== undefined) {
      const { startSerialConsole } = await import('../reference-impl/router/serial-console.ts');
      // --console-pty PATH: the user's end of the pty pair is linked at PATH; alone (or 'auto'): a temp path.
      const c = await startSerialConsole({ device: router, ...(consolePty === 'auto' || consolePty === 'true' ? {} : { userPath: consolePty }) });
      pty = c.userPath;
      closers.unshift(() => c.close());
    }
    console.log(JSON.stringify({ ready: { model, firmware, ...ready, ssh: { host: server.host, port: server.port }, consolePty: pty, defects } }));
  } catch (e) {
    for (const c of closers) await c();
    console.error(`l2tpv3-conformance router: ${(e as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  for (const c of closers) await c();
  return 0;
}
