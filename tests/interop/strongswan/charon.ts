// One strongSwan charon (Debian 12 packages) in a network namespace the test created, with its own
// /run (a tmpfs in a private mount namespace: `ip netns exec` alone makes a second charon exit with
// "charon already running", ipsec-facts.md), its own vici socket and a file log at ike/chd level 4,
// which prints SKEYID*, the phase-1 encryption key and the CHILD_SA keys (ipsec-facts.md).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from '../../../drivers/hosts/command.ts';

export const CHARON = '/usr/lib/ipsec/charon';

/** Why charon interop cannot run here, or null. */
export function charonUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: network namespaces and charon need root';
  if (!existsSync(CHARON)) return 'strongSwan charon is not installed (run scripts/install-system-deps.sh as root)';
  if (spawnSync('sh', ['-c', 'command -v swanctl']).status !== 0) return 'swanctl is not installed (strongswan-swanctl)';
  return null;
}

/** strongswan.conf for a charon whose files (log, vici socket) live in `dir` (also used inside the QEMU guest). */
export function strongswanConf(dir: string): string {
  return `charon {
  load_modular = yes
  # ipsec-facts.md: needed for charon to answer aggressive mode with a pre-shared key.
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  install_routes = no
  retransmit_tries = 3
  retransmit_timeout = 2.0
  filelog {
    keys {
      path = ${dir}/charon.log
      default = 1
      ike = 4
      chd = 4
      cfg = 2
      net = 2
      flush_line = yes
    }
  }
  syslog {
    identifier = charon-ike-interop
    daemon {
      default = -1
    }
  }
  plugins {
    include /etc/strongswan.d/charon/*.conf
    vici {
      socket = unix://${dir}/charon.vici
    }
  }
}
swanctl {
  socket = unix://${dir}/charon.vici
}
`;
}

export class Charon {
  private exited = false;
  private stderr = '';

  private constructor(readonly netns: string, readonly dir: string, private readonly proc: ChildProcess) {
    proc.on('exit', () => { this.exited = true; });
    proc.stderr?.on('data', (d: Buffer) => { this.stderr += d.toString(); });
  }

  static async start(netns: string, timeoutMs = 20_000): Promise<Charon> {
    const dir = mkdtempSync(join(tmpdir(), 'ike-charon-'));
    writeFileSync(join(dir, 'strongswan.conf'), strongswanConf(dir));
    const script = `mount -t tmpfs tmpfs /run && exec ${CHARON}`;
    const proc = spawn('ip', ['netns', 'exec', netns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', script], {
      env: { ...process.env, STRONGSWAN_CONF: join(dir, 'strongswan.conf') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const c = new Charon(netns, dir, proc);
    await c.waitFor(() => existsSync(join(dir, 'charon.vici')) || c.exited, timeoutMs, 'the vici socket');
    if (c.exited) throw new Error(`charon exited at start: ${c.stderr}${c.log()}`);
    return c;
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'charon.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Resolves when cond() holds, re-checked on every change in the charon directory (log lines, socket). */
  waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = watch(this.dir, () => check());
      const timer = setTimeout(() => { w.close(); reject(new Error(`timed out after ${timeoutMs} ms waiting for charon: ${what}`)); }, timeoutMs);
      const check = (): void => {
        if (!cond()) return;
        clearTimeout(timer);
        w.close();
        resolve();
      };
      check();
    });
  }

  waitForLog(re: RegExp, timeoutMs: number): Promise<void> {
    return this.waitFor(() => re.test(this.log()), timeoutMs, String(re));
  }

  async loadConfig(swanctlConf: string): Promise<void> {
    const file = join(this.dir, 'swanctl.conf');
    writeFileSync(file, swanctlConf, { mode: 0o600 });
    const r = await this.swanctl(['--load-all', '--noprompt', '--file', file]);
    if (r.code !== 0) throw new Error(`swanctl --load-all failed: ${r.stdout}${r.stderr}`);
  }

  swanctl(args: string[], timeoutMs = 20_000): Promise<CommandResult> {
    return runCommand(['swanctl', ...args, '--uri', `unix://${this.dir}/charon.vici`], timeoutMs);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A hex dump that charon's %B prints after "LABEL => N bytes @ 0x...": the octets, or undefined. */
export function loggedChunks(log: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const lines = log.split('\n');
  const head = new RegExp(`\\b${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} => (\\d+) bytes @`);
  for (let i = 0; i < lines.length; i++) {
    const m = head.exec(lines[i]);
    if (!m) continue;
    const n = Number(m[1]);
    const bytes: number[] = [];
    for (let j = i + 1; j < lines.length && bytes.length < n; j++) {
      const d = /\s(\d+): ((?:[0-9A-F]{2} ?)+)/.exec(lines[j]);
      if (!d) break;
      for (const h of d[2].trim().split(/\s+/)) bytes.push(parseInt(h, 16));
    }
    out.push(Uint8Array.from(bytes.slice(0, n)));
  }
  return out;
}

export async function commandOk(argv: string[]): Promise<void> {
  const r = await runCommand(argv);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
}
