// An emulated RTX posing as a bench device (tests/suites/physical-lab.spec.ts does the same): its
// SSH CLI, a lab inventory naming it `kind: physical` the way the README tells a QA team to write
// one, and the environment (password variables, journal and lease folders) of a bench run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliSession } from '../../../drivers/cli/session.ts';
import { SshTransport } from '../../../drivers/cli/transports/ssh.ts';
import { freeUdpPort, RouterProcess } from '../../../drivers/dut/router-process.ts';

export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = 'bench-login-pw-58';
export const BENCH_ADMIN = 'bench-admin-pw-58';
export const BENCH_BASE = ['console character en.ascii', 'console lines infinity', `login user ${BENCH_USER} ${BENCH_PASSWORD}`, `administrator password ${BENCH_ADMIN}`, 'ip lan1 address 192.168.50.1/24'];

export interface Bench {
  router: RouterProcess;
  ssh: { host: string; port: number };
  l2tpPort: number;
  dir: string;
  inventory: string;
  journalDir: string;
  leaseDir: string;
  /** the environment of a bench run: both password variables set */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export interface BenchOptions {
  /** the firmware the posing router runs (default Rev.14.01.26, as the inventory says) */
  runs?: string;
  /** the firmware the inventory claims */
  claims?: string;
  /** more config lines of the bench (e.g. `l2tp service on l2tpv3`) */
  extra?: readonly string[];
  /** the inventory's harness syslog address (default 127.0.0.1) */
  syslogAddress?: string;
  /** a firmware-profile variant the posing router runs (`router --profile`, e.g. cookie8) */
  profile?: string;
  /** defects the posing router carries (`router --list-defects`) */
  defects?: readonly string[];
  /**
   * The posing router's WAN address (default 127.0.0.1). A bench that runs @ipsec gives it a
   * loopback address of its own (127.0.40.1): its IKE binds UDP 500 and 4500 there, which must
   * never be an address the suites' IKE slots (127.0.30-31.x) or another run bind.
   */
  wan?: string;
  /** The inventory's harness.peer_addresses (default 127.0.0.2, 127.0.0.3). */
  peerAddresses?: readonly string[];
}

export async function startBench(name: string, o: BenchOptions = {}): Promise<Bench> {
  const l2tpPort = await freeUdpPort();
  const runs = (o.runs ?? 'Rev.14.01.26').replace(/^Rev\./, '');
  const router = await RouterProcess.start({ model: 'RTX1210', firmware: runs, config: [...BENCH_BASE, ...(o.extra ?? []), ''].join('\n'), wan: o.wan ?? '127.0.0.1', l2tpPort, ...(o.profile ? { profile: o.profile } : {}), ...(o.defects ? { defects: [...o.defects] } : {}) });
  const ssh = (router.ready as unknown as { ssh: { host: string; port: number } }).ssh;
  const dir = mkdtempSync(path.join(tmpdir(), `${name}-`));
  const inventory = path.join(dir, 'bench.yaml');
  writeFileSync(inventory, [
    'name: bench-lab',
    'devices:',
    '  - role: bench',
    '    kind: physical',
    '    model: RTX1210',
    `    firmware: ${o.claims ?? 'Rev.14.01.26'}`,
    `    ssh: { host: ${ssh.host}, port: ${ssh.port}, user: ${BENCH_USER}, password_env: BENCH_RTX_PASSWORD, admin_password_env: BENCH_RTX_ADMIN_PASSWORD }`,
    `    wan: { address: ${o.wan ?? '127.0.0.1'}, l2tp_port: ${l2tpPort} }`,
    'harness:',
    `  peer_addresses: [${(o.peerAddresses ?? ['127.0.0.2', '127.0.0.3']).join(', ')}]`,
    `  syslog: { address: ${o.syslogAddress ?? '127.0.0.1'}, port: ${await freeUdpPort()} }`,
    '',
  ].join('\n'));
  const journalDir = path.join(dir, 'journals');
  const leaseDir = path.join(dir, 'leases');
  const env = { ...process.env, BENCH_RTX_PASSWORD: BENCH_PASSWORD, BENCH_RTX_ADMIN_PASSWORD: BENCH_ADMIN, L2TPV3_JOURNAL_DIR: journalDir, L2TPV3_LEASE_DIR: leaseDir };
  return { router, ssh, l2tpPort, dir, inventory, journalDir, leaseDir, env, stop: () => router.stop() };
}

/** The bench's settings (`show config` without its dated header comments). */
export async function benchConfig(b: Bench): Promise<string> {
  const s = new CliSession({
    transport: () => new SshTransport({ host: b.ssh.host, port: b.ssh.port, username: BENCH_USER, password: BENCH_PASSWORD }),
    credentials: { password: BENCH_PASSWORD, adminPassword: BENCH_ADMIN },
  });
  await s.connect();
  await s.administrator();
  try {
    return (await s.showConfig()).split('\n').filter((l) => !l.startsWith('#')).join('\n');
  } finally {
    await s.close();
  }
}
