// The real-kernel peer: Debian 12's kernel booted under qemu-system-x86_64 (ipsec-facts.md,
// "A real ESP stack"), the host's root shared read-only over virtio-9p as the guest's root, one
// virtio NIC on a TAP device inside a namespace the test created. scripts/qemu-guest-kernel.sh
// prepares the kernel, its modules and the stage-1 initramfs; guest-init.sh is stage 2.
// Two serial ports: ttyS0 is the kernel console (to a file, for diagnostics), ttyS1 the command
// channel on QEMU's stdio, read line by line: every wait here is on a marker line the guest prints
// (`@@READY`, `@@DONE ID RC`) or on QEMU's exit, and each is bounded.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const QEMU = 'qemu-system-x86_64';
/** Where scripts/qemu-guest-kernel.sh leaves the kernel (same default and variable as the script). */
export const GUEST_DIR = process.env.L2TPV3_QEMU_DIR ?? '/var/cache/l2tpv3-conformance/qemu';
const STAGE2 = fileURLToPath(new URL('./guest-init.sh', import.meta.url));
/** The checkout: the guest runs its scripts and bundles from the same paths. */
const CHECKOUT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

export interface GuestKernel {
  kver: string;
  kernel: string;
  initramfs: string;
  modulesRoot: string;
}

/** The prepared kernel (guest.env), or why there is none. */
export function guestKernel(): GuestKernel | string {
  const envFile = join(GUEST_DIR, 'guest.env');
  if (!existsSync(envFile)) return `no guest kernel in ${GUEST_DIR} (run scripts/qemu-guest-kernel.sh as root)`;
  const env = Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  const k = { kver: env.KVER ?? '', kernel: env.KERNEL ?? '', initramfs: env.INITRAMFS ?? '', modulesRoot: env.MODULES_ROOT ?? '' };
  for (const f of [k.kernel, k.initramfs, join(k.modulesRoot, 'lib/modules', k.kver, 'modules.dep')]) if (!existsSync(f)) return `guest kernel incomplete: ${f} is missing (run scripts/qemu-guest-kernel.sh as root)`;
  return k;
}

/** Why the QEMU guest cannot run here, or null. */
export function guestUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root: the TAP device, namespaces and the bridge need root';
  if (spawnSync('sh', ['-c', `command -v ${QEMU}`]).status !== 0) return `${QEMU} is not installed (qemu-system-x86; run scripts/install-system-deps.sh as root)`;
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun: QEMU cannot open a TAP device';
  if (!existsSync('/usr/sbin/modprobe')) return 'no modprobe (kmod) on the host root the guest boots from';
  const k = guestKernel();
  return typeof k === 'string' ? k : null;
}

export interface GuestOptions {
  /** The namespace QEMU runs in (its TAP device is there). */
  netns: string;
  tap: string;
  mac: string;
  /** eth0's address in the guest (CIDR) and an optional default gateway. */
  address: string;
  gateway?: string;
  memoryMb?: number;
  bootTimeoutMs?: number;
}

export interface GuestResult {
  code: number;
  output: string;
}

interface Pending {
  id: number;
  lines: string[];
  begun: boolean;
  resolve: (r: GuestResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class GuestVm {
  /** Wall time from spawn to `@@READY` (ms). */
  bootMs = 0;
  /** Every command run: its first line, exit code and wall time (for the figures a test prints). */
  readonly history: { command: string; code: number; ms: number }[] = [];
  private buffer = '';
  private exited: string | undefined;
  private ready?: { resolve: () => void; reject: (e: Error) => void };
  private pending?: Pending;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private stderr = '';

  private constructor(readonly dir: string, private readonly proc: ChildProcess) {
    proc.stdout?.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    proc.on('exit', (code, signal) => this.onExit(`QEMU exited (${signal ?? `status ${code}`})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
    proc.on('error', (e) => this.onExit(`QEMU could not start: ${e.message}`));
  }

  /** Boots the guest; resolves once its command channel says `@@READY`. */
  static async boot(o: GuestOptions): Promise<GuestVm> {
    const k = guestKernel();
    if (typeof k === 'string') throw new Error(k);
    const dir = mkdtempSync(join(tmpdir(), 'qemu-guest-'));
    const cmdline = [
      'console=ttyS0', 'quiet', 'panic=-1',
      // Cheap boot-time savings under TCG (no KVM here): no crypto self-tests, no mitigations, no audit.
      'mitigations=off', 'cryptomgr.notests', 'audit=0', 'tsc=unstable',
      `l2tpv3_init=${STAGE2}`, `l2tpv3_modroot=${k.modulesRoot}`, `l2tpv3_addr=${o.address}`,
      `l2tpv3_keep=${CHECKOUT}:${k.modulesRoot}`,
      ...(o.gateway ? [`l2tpv3_gw=${o.gateway}`] : []),
    ].join(' ');
    const argv = [
      'ip', 'netns', 'exec', o.netns, QEMU,
      // KVM on this class of machine (nested) fails at vCPU set-up: TCG, as in ipsec-facts.md. The
      // plain qemu64 CPU boots faster under TCG than `max` (fewer features to emulate and probe).
      '-machine', 'q35,accel=tcg', '-cpu', 'qemu64', '-smp', '1', '-m', String(o.memoryMb ?? 512),
      '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
      '-kernel', k.kernel, '-initrd', k.initramfs, '-append', cmdline,
      '-fsdev', 'local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap',
      '-device', 'virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot',
      '-netdev', `tap,id=net0,ifname=${o.tap},script=no,downscript=no`,
      '-device', `virtio-net-pci,netdev=net0,mac=${o.mac}`,
      '-serial', `file:${join(dir, 'console.log')}`,
      '-chardev', 'stdio,id=cmd,signal=off', '-serial', 'chardev:cmd',
    ];
    const vm = new GuestVm(dir, spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] }));
    const t0 = Date.now();
    const timeoutMs = o.bootTimeoutMs ?? 90_000;
    try {
      await new Promise<void>((resolve, reject) => {
        if (vm.exited) return reject(new Error(vm.exited));
        const timer = setTimeout(() => reject(new Error(`guest did not boot within ${timeoutMs} ms`)), timeoutMs);
        vm.ready = {
          resolve: () => { clearTimeout(timer); resolve(); },
          reject: (e) => { clearTimeout(timer); reject(e); },
        };
      });
    } catch (e) {
      const tail = vm.console().split('\n').slice(-15).join('\n');
      await vm.close();
      throw new Error(`${(e as Error).message}\n--- guest console (tail) ---\n${tail}`);
    }
    vm.bootMs = Date.now() - t0;
    return vm;
  }

  /** The kernel console so far (ttyS0). */
  console(): string {
    try {
      return readFileSync(join(this.dir, 'console.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Runs a bash script in the guest (one at a time, in order); resolves with its exit code and output. */
  run(script: string, timeoutMs = 30_000): Promise<GuestResult> {
    const next = this.queue.then(() => this.runNow(script, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Like run(), but a non-zero exit code is an error naming the script and its output. */
  async must(script: string, timeoutMs = 30_000): Promise<string> {
    const r = await this.run(script, timeoutMs);
    if (r.code !== 0) throw new Error(`guest: '${script.split('\n')[0]}' exited ${r.code}: ${r.output.trim().split('\n').slice(-8).join(' | ')}`);
    return r.output;
  }

  /** Stops QEMU (this process only) and removes its folder. */
  async close(): Promise<void> {
    if (!this.exited && this.proc.exitCode === null) {
      const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async runNow(script: string, timeoutMs: number): Promise<GuestResult> {
    const t0 = Date.now();
    const r = await this.send(script, timeoutMs);
    this.history.push({ command: script.split('\n').find((l) => l !== 'set -e') ?? '', code: r.code, ms: Date.now() - t0 });
    return r;
  }

  private send(script: string, timeoutMs: number): Promise<GuestResult> {
    if (this.exited) return Promise.reject(new Error(`guest: ${this.exited}`));
    const id = this.nextId++;
    return new Promise<GuestResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`guest: '${script.split('\n')[0]}' did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = { id, lines: [], begun: false, resolve, reject, timer };
      this.proc.stdin?.write(`${id} ${Buffer.from(script).toString('base64')}\n`);
    });
  }

  private onData(d: string): void {
    this.buffer += d;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (line.startsWith('@@READY')) return this.ready?.resolve();
    const p = this.pending;
    if (!p) return;
    if (line === `@@BEGIN ${p.id}`) {
      p.begun = true;
      return;
    }
    // The marker may follow output that did not end with a newline.
    const done = /^(.*)@@DONE (\d+) (\d+)$/.exec(line);
    if (done && Number(done[2]) === p.id) {
      if (done[1]) p.lines.push(done[1]);
      clearTimeout(p.timer);
      this.pending = undefined;
      p.resolve({ code: Number(done[3]), output: p.lines.join('\n') });
      return;
    }
    if (p.begun) p.lines.push(line);
  }

  private onExit(why: string): void {
    if (this.exited) return;
    this.exited = why;
    this.ready?.reject(new Error(why));
    const p = this.pending;
    if (p) {
      clearTimeout(p.timer);
      this.pending = undefined;
      p.reject(new Error(`guest: ${why}`));
    }
  }
}
