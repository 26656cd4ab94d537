// DHCP for traffic hosts: ISC dhclient as the client (with our own tiny hook script, so it only
// adds the address: it never rewrites /etc/resolv.conf, which `ip netns exec` would not isolate),
// dnsmasq as a lab-side server on a namespace interface. Both are optional system tools
// (scripts/install-system-deps.sh installs them); without them these throw a clear error.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hasProgram, inNetns, runCommand } from './command.ts';

/** dhclient hook: add the leased address (mask form accepted by iproute2) and nothing else. */
const HOOK = `#!/bin/sh
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT) ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP) [ -n "$old_ip_address" ] && ip -4 addr del "$old_ip_address/$old_subnet_mask" dev "$interface" ;;
esac
exit 0
`;

export class DhcpClient {
  private pidFile: string;

  constructor(
    readonly netns: string,
    readonly ifname: string,
    readonly workDir: string,
  ) {
    this.pidFile = path.join(workDir, `dhclient-${ifname}.pid`);
  }

  /** One DHCP exchange; on success dhclient stays (as a daemon) to renew, until stop(). */
  async obtain(timeoutMs: number): Promise<string> {
    if (!hasProgram('dhclient')) throw new Error('dhclient (isc-dhcp-client) is not installed: cannot run a DHCP client');
    mkdirSync(this.workDir, { recursive: true });
    const hook = path.join(this.workDir, 'dhclient-hook.sh');
    writeFileSync(hook, HOOK, { mode: 0o755 });
    const conf = path.join(this.workDir, `dhclient-${this.ifname}.conf`);
    // timeout: how long dhclient tries before giving up (`-1`: then exit non-zero)
    writeFileSync(conf, `timeout ${Math.max(1, Math.floor(timeoutMs / 1000))};\nretry 1;\n`);
    const r = await runCommand(
      inNetns(this.netns, ['dhclient', '-4', '-1', '-sf', hook, '-cf', conf, '-pf', this.pidFile, '-lf', path.join(this.workDir, `dhclient-${this.ifname}.leases`), this.ifname]),
      timeoutMs + 5000,
    );
    if (r.code !== 0) throw new Error(`DHCP on ${this.ifname} in ${this.netns}: no lease within ${timeoutMs} ms (${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''})`);
    const out = await runCommand(['ip', '-n', this.netns, '-4', '-o', 'addr', 'show', 'dev', this.ifname]);
    const m = /inet (\d+\.\d+\.\d+\.\d+)\//.exec(out.stdout);
    if (!m) throw new Error(`DHCP on ${this.ifname} in ${this.netns}: dhclient reported a lease but no address is set`);
    return m[1];
  }

  async stop(): Promise<void> {
    if (!existsSync(this.pidFile)) return;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  }
}

export interface DhcpServerOptions {
  netns: string;
  ifname: string;
  /** first and last address handed out */
  rangeStart: string;
  rangeEnd: string;
  netmask: string;
  gateway?: string;
  workDir: string;
  /** bound for the server to start */
  startTimeoutMs?: number;
}

/** dnsmasq as a DHCP-only server (DNS off) in the foreground, on one interface of a namespace. */
export class DhcpServer {
  private constructor(private readonly child: ChildProcess) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(o: DhcpServerOptions): Promise<DhcpServer> {
    if (!hasProgram('dnsmasq')) throw new Error('dnsmasq is not installed: cannot run a DHCP server');
    mkdirSync(o.workDir, { recursive: true });
    const argv = inNetns(o.netns, [
      'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--bind-interfaces', `--interface=${o.ifname}`, '--except-interface=lo',
      `--dhcp-range=${o.rangeStart},${o.rangeEnd},${o.netmask},10m`, `--dhcp-leasefile=${path.join(o.workDir, `dnsmasq-${o.ifname}.leases`)}`,
      '--pid-file', '--user=root', '--log-dhcp', '--log-facility=-', ...(o.gateway ? [`--dhcp-option=option:router,${o.gateway}`] : []),
    ]);
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let said = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dnsmasq on ${o.ifname} in ${o.netns}: not started within ${o.startTimeoutMs ?? 5000} ms`)), o.startTimeoutMs ?? 5000);
      const onData = (d: Buffer) => {
        said += d.toString();
        // dnsmasq logs "DHCP, IP range ..." once it listens
        if (/DHCP, IP range/.test(said)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stderr.on('data', onData);
      child.stdout.on('data', onData);
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`dnsmasq on ${o.ifname} in ${o.netns} exited (status ${code}): ${said.trim().split('\n').pop() ?? ''}`))));
    });
    child.stdout.resume();
    child.stderr.resume();
    return new DhcpServer(child);
  }

  async stop(timeoutMs = 3000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(t);
  }
}
