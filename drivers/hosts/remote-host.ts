// A remote Linux traffic host reached over SSH (a lab PC behind a physical router's LAN port).
// Commands run with `exec` (no shell prompt to parse); each is bounded. The password or key comes
// from the caller (the lab's secret store), and never appears in an error.
// Not yet covered by a test against a real remote host (see the report of issue 8).
import { Client, type ConnectConfig } from 'ssh2';
import type { CommandResult } from './command.ts';
import type { PingResult } from './namespace-host.ts';

export interface RemoteHostOptions {
  host: string;
  port?: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  /** the host's interface facing the router under test */
  iface: string;
  /** prefix privileged commands (ip) with `sudo -n` */
  sudo?: boolean;
  readyTimeoutMs?: number;
}

/** Single-quotes one argument for the remote POSIX shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export class RemoteLinuxHost {
  private constructor(
    private readonly client: Client,
    readonly options: RemoteHostOptions,
  ) {}

  get iface(): string {
    return this.options.iface;
  }

  static async connect(o: RemoteHostOptions): Promise<RemoteLinuxHost> {
    const client = new Client();
    const cfg: ConnectConfig = { host: o.host, port: o.port ?? 22, username: o.username, readyTimeout: o.readyTimeoutMs ?? 10_000 };
    if (o.password !== undefined) cfg.password = o.password;
    if (o.privateKey !== undefined) cfg.privateKey = o.privateKey;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      // ssh2's messages name the failing stage, never the password
      client.once('error', (e) => reject(new Error(`remote host ${o.username}@${o.host}:${o.port ?? 22}: ${e.message}`)));
      client.connect(cfg);
    });
    return new RemoteLinuxHost(client, o);
  }

  exec(argv: readonly string[], timeoutMs = 20_000): Promise<CommandResult> {
    const cmd = argv.map(shellQuote).join(' ');
    return new Promise((resolve, reject) => {
      this.client.exec(cmd, (err, ch) => {
        if (err) return reject(new Error(`remote host ${this.options.host}: cannot run '${argv[0]}': ${err.message}`));
        let stdout = '';
        let stderr = '';
        const timer = setTimeout(() => {
          ch.close();
          resolve({ code: null, signal: 'SIGKILL', stdout, stderr: `${stderr}\n(timed out after ${timeoutMs} ms)` });
        }, timeoutMs);
        ch.on('data', (d: Buffer) => (stdout += d.toString()));
        ch.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        ch.once('exit', (code: number | null, signal?: string) => {
          clearTimeout(timer);
          ch.once('close', () => resolve({ code, signal: (signal ? `SIG${signal}` : null) as NodeJS.Signals | null, stdout, stderr }));
        });
      });
    });
  }

  private async must(argv: string[]): Promise<string> {
    const full = this.options.sudo ? ['sudo', '-n', ...argv] : argv;
    const r = await this.exec(full);
    if (r.code !== 0) throw new Error(`remote host ${this.options.host}: '${full.join(' ')}' failed (status ${r.code}): ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`);
    return r.stdout;
  }

  async addAddress(cidr: string, ifname = this.iface): Promise<void> {
    await this.must(['ip', ...(cidr.includes(':') ? ['-6'] : []), 'addr', 'replace', cidr, 'dev', ifname]);
  }

  async addVlan(vid: number): Promise<string> {
    const name = `${this.iface}.${vid}`;
    await this.must(['ip', 'link', 'add', 'link', this.iface, 'name', name, 'type', 'vlan', 'id', String(vid)]);
    await this.must(['ip', 'link', 'set', name, 'up']);
    return name;
  }

  async ping(to: string, o: { count?: number; waitSeconds?: number } = {}): Promise<PingResult> {
    const count = o.count ?? 3;
    const r = await this.exec(['ping', '-n', '-c', String(count), '-W', String(o.waitSeconds ?? 2), to], (count * 3 + 5) * 1000);
    const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(r.stdout);
    if (!m) throw new Error(`ping ${to} from ${this.options.host}: no summary line`);
    return { transmitted: Number(m[1]), received: Number(m[2]), output: r.stdout };
  }

  /** Capture and injection on a remote host need a capture agent there: not implemented yet. */
  capture(): never {
    throw new Error(`capture/injection on remote host ${this.options.host} is not implemented (run the harness on that host, or use a namespace host)`);
  }

  close(): void {
    this.client.end();
  }
}
