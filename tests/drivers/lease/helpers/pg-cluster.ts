// A throwaway PostgreSQL cluster for the lease tests: initdb into a temp folder, started by pg_ctl
// on a free loopback port with its socket in that folder, as an unprivileged user (the `postgres`
// account when the tests run as root: PostgreSQL refuses to run as root), stopped and removed at
// the end. The server binaries come from Debian's postgresql package (scripts/install-system-deps.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where initdb and pg_ctl are, or why they are not usable here. */
export function postgresBinaries(): { bin: string } | { missing: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) return { missing: 'PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin/initdb; scripts/install-system-deps.sh installs the postgresql package)' };
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return { missing: 'running as root, and there is no postgres account to run the server as' };
  return { bin: path.join(root, versions[0], 'bin') };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export class PgCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://lease:${PgCluster.password}@127.0.0.1:${this.port}/postgres`;
  }

  /** A throwaway password for the throwaway cluster (the tests check it never appears in messages). */
  static readonly password = 'lease-test-password';

  static async start(bin: string): Promise<PgCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'l2tpv3-pg-'));
    const asRoot = process.getuid?.() === 0;
    const run = (cmd: string, args: string[]) => {
      const argv = asRoot ? ['runuser', '-u', 'postgres', '--', path.join(bin, cmd), ...args] : [path.join(bin, cmd), ...args];
      return execFileSync(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, encoding: 'utf8' });
    };
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      chownSync(dir, uid, gid);
    }
    const data = path.join(dir, 'data');
    const pw = path.join(dir, 'pw');
    execFileSync('sh', ['-c', `printf %s '${PgCluster.password}' > '${pw}'`]);
    if (asRoot) execFileSync('chown', ['postgres', pw]);
    run('initdb', ['-D', data, '-U', 'lease', '--pwfile', pw, '-A', 'scram-sha-256', '--no-sync']);
    const port = await freePort();
    run('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    return new PgCluster(bin, dir, port);
  }

  stop(): void {
    const args = ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', '-t', '30', 'stop'];
    const argv = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', path.join(this.bin, 'pg_ctl'), ...args] : [path.join(this.bin, 'pg_ctl'), ...args];
    spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: 60_000 });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
