// A real Linux bridge in a network namespace, for the oracle cross-check (issue 4 point 2).
// Namespace "<prefix>-br" holds br0 with veth ports p0..pN; their peers h0..hN live in "<prefix>-h",
// where linux-bridge-ports.py injects and receives frames over AF_PACKET sockets.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const HELPER = fileURLToPath(new URL('./linux-bridge-ports.py', import.meta.url));
const CMD_TIMEOUT_MS = 10_000;

function run(args: string[]): string {
  return execFileSync(args[0], args.slice(1), { encoding: 'utf8', timeout: CMD_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface LinuxBridgeOptions {
  prefix: string;
  ports: number;
  /** IFLA_BR_AGEING_TIME is in centiseconds (clock_t). */
  ageingCentiseconds: number;
}

export class LinuxBridge {
  readonly brNs: string;
  readonly hostNs: string;
  readonly ports: string[];
  readonly hostPorts: string[];
  private helper: ChildProcessWithoutNullStreams | null = null;
  private pending: ((line: string) => void)[] = [];

  constructor(private readonly opts: LinuxBridgeOptions) {
    this.brNs = `${opts.prefix}-br`;
    this.hostNs = `${opts.prefix}-h`;
    this.ports = Array.from({ length: opts.ports }, (_, i) => `p${i}`);
    this.hostPorts = Array.from({ length: opts.ports }, (_, i) => `h${i}`);
  }

  setUp(): void {
    for (const ns of [this.brNs, this.hostNs]) {
      run(['ip', 'netns', 'add', ns]);
      // No IPv6 at all: no ND/MLD/RS frames from the kernel on any port.
      run(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    }
    run(['ip', '-n', this.brNs, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'mcast_snooping', '0',
      'ageing_time', String(this.opts.ageingCentiseconds)]);
    this.ports.forEach((p, i) => {
      const h = this.hostPorts[i];
      run(['ip', '-n', this.brNs, 'link', 'add', p, 'type', 'veth', 'peer', 'name', h, 'netns', this.hostNs]);
      run(['ip', '-n', this.brNs, 'link', 'set', p, 'master', 'br0', 'up']);
      run(['ip', '-n', this.hostNs, 'link', 'set', h, 'up']);
    });
    run(['ip', '-n', this.brNs, 'link', 'set', 'br0', 'up']);
  }

  /** Polls until every port is forwarding (immediate with STP off, but carrier comes up async). */
  async waitForwarding(timeoutMs = 5_000): Promise<void> {
    await pollUntil(() => {
      const out = run(['bridge', '-n', this.brNs, 'link', 'show']);
      return this.ports.every((p) => new RegExp(`\\b${p}@\\S+.*state forwarding`).test(out));
    }, timeoutMs, 'bridge ports to reach forwarding state');
  }

  /** MACs the kernel learned (dynamic entries, not the ports' own permanent ones). */
  learnedMacs(): Set<string> {
    const out = run(['bridge', '-n', this.brNs, 'fdb', 'show', 'br', 'br0']);
    const macs = new Set<string>();
    for (const line of out.split('\n')) {
      if (!line.trim() || /\bpermanent\b|\bstatic\b/.test(line)) continue;
      macs.add(line.split(/\s+/)[0].toLowerCase());
    }
    return macs;
  }

  async startHelper(): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', this.hostNs, 'python3', HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.helper = child;
    createInterface({ input: child.stdout }).on('line', (line) => this.pending.shift()?.(line));
    const res = await this.request({ op: 'open', ports: this.hostPorts });
    if (!res.ok) throw new Error(`port helper could not open ports: ${String(res.error)}`);
  }

  request(req: object, timeoutMs = 5_000): Promise<{ ok: boolean; error?: string; received?: Record<string, string[]> }> {
    const child = this.helper;
    if (!child) return Promise.reject(new Error('port helper not started'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`port helper gave no answer in ${timeoutMs} ms`)), timeoutMs);
      this.pending.push((line) => {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line));
        } catch {
          reject(new Error(`port helper answered non-JSON: ${line.slice(0, 200)}`));
        }
      });
      child.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  /** Deletes both namespaces by name; safe to call when set-up failed halfway. */
  tearDown(): void {
    if (this.helper) {
      this.helper.stdin.end();
      this.helper.kill();
      this.helper = null;
    }
    for (const ns of [this.brNs, this.hostNs]) {
      try {
        run(['ip', 'netns', 'del', ns]);
      } catch {
        // not created: nothing to delete
      }
    }
  }
}

export async function pollUntil(cond: () => boolean, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
