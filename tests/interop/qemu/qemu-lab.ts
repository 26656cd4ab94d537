// The real-kernel interop lab: one namespace (`qemu-TAG`) holding a bridge, the TAP device the QEMU
// guest's NIC is on, the emulated router's WAN address on that bridge, and the router's LAN1 as a
// veth whose far end is a Linux host in a second namespace (`qemu-TAG-h`). Nothing leaves these
// namespaces. Addresses are seed example 1's (rt1 198.51.100.1, its peer 198.51.100.2, the L2
// segment 192.168.100.0/24), which is safe inside a namespace of our own. Teardown stops exactly
// the processes started here (by their handle) and deletes exactly these namespaces. One guest
// serves several tests (it is the slow part); each test starts the router it needs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addAddress, attachToBridge, createBridge, createNetns, createVethPair, deleteNetns } from '../../../drivers/hosts/netns.ts';
import { mustRun } from '../../../drivers/hosts/command.ts';
import { routerLaunch } from '../../../drivers/lab/router-launch.ts';
import { GuestVm } from './guest-vm.ts';

export const ROUTER_WAN = '198.51.100.1';
export const GUEST_WAN = '198.51.100.2';
export const LAN_HOST = '192.168.100.10';
export const ROUTER_BRIDGE = '192.168.100.1';
export const GUEST_PW = '192.168.100.2';

export interface RouterSpec {
  model: string;
  firmware: string;
  config: string;
  extraArgs?: string[];
}

export interface QemuLab {
  netns: string;
  hostNetns: string;
  guest: GuestVm;
  /** Starts an emulated router on the bridge (WAN) and LAN1; the lab stops it on close at the latest. */
  startRouter(spec: RouterSpec): Promise<LabRouter>;
  close(): Promise<void>;
}

export interface LabRouter {
  /** Its stdout+stderr so far (the ready line, errors). */
  output(): string;
  stop(): Promise<void>;
}

class RouterChild {
  output = '';
  constructor(readonly proc: ChildProcess) {
    proc.stdout?.setEncoding('utf8').on('data', (d: string) => (this.output += d));
    proc.stderr?.setEncoding('utf8').on('data', (d: string) => (this.output += d));
  }

  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`router not ready within ${timeoutMs} ms: ${this.output.slice(-600)}`)), timeoutMs);
      const check = (): void => {
        if (this.output.split('\n').some((l) => l.startsWith('{"ready"'))) done();
      };
      const onExit = (): void => done(new Error(`router exited before ready: ${this.output.slice(-600)}`));
      const done = (e?: Error): void => {
        clearTimeout(timer);
        this.proc.stdout?.off('data', check);
        this.proc.off('exit', onExit);
        if (e) reject(e);
        else resolve();
      };
      this.proc.stdout?.on('data', check);
      this.proc.once('exit', onExit);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
  }
}

/** Builds the namespaces and boots the guest. */
export async function openQemuLab(o: { bootTimeoutMs?: number } = {}): Promise<QemuLab> {
  const tag = randomBytes(3).toString('hex');
  const netns = `qemu-${tag}`;
  const hostNetns = `qemu-${tag}-h`;
  const dir = mkdtempSync(join(tmpdir(), 'qemu-lab-'));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(dir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    await createNetns(netns, { ipv6: false });
    cleanups.push(() => deleteNetns(netns));
    await createNetns(hostNetns, { ipv6: false });
    cleanups.push(() => deleteNetns(hostNetns));
    await createBridge(netns, 'br0');
    await addAddress(netns, 'br0', `${ROUTER_WAN}/24`);
    await mustRun(['ip', 'netns', 'exec', netns, 'ip', 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    await attachToBridge(netns, 'tap0', 'br0');
    await mustRun(['ip', 'netns', 'exec', netns, 'ip', 'link', 'set', 'tap0', 'up']);
    // LAN1: the router end is a bare wire read with libpcap; the host end has the LAN address.
    await createVethPair({ name: 'lan1', netns }, { name: 'eth0', netns: hostNetns });
    await addAddress(hostNetns, 'eth0', `${LAN_HOST}/24`);
    const mac = `52:54:00:${tag.slice(0, 2)}:${tag.slice(2, 4)}:${tag.slice(4, 6)}`;
    const guest = await GuestVm.boot({ netns, tap: 'tap0', mac, address: `${GUEST_WAN}/24`, bootTimeoutMs: o.bootTimeoutMs });
    cleanups.push(() => guest.close());
    let routers = 0;
    const startRouter = async (spec: RouterSpec): Promise<LabRouter> => {
      const cfg = join(dir, `router${++routers}.conf`);
      writeFileSync(cfg, spec.config, { mode: 0o600 });
      const launch = await routerLaunch();
      const argv = ['ip', 'netns', 'exec', netns, ...launch.argv, '--model', spec.model, '--firmware', spec.firmware, '--config', cfg,
        '--ssh', '127.0.0.1:0', '--wan', ROUTER_WAN, '--lan', 'lan1=if:lan1', '--seed', '7', ...(spec.extraArgs ?? [])];
      const r = new RouterChild(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
      cleanups.push(() => r.stop());
      await r.ready(60_000);
      return { output: () => r.output, stop: () => r.stop() };
    };
    return { netns, hostNetns, guest, startRouter, close };
  } catch (e) {
    await close();
    throw e;
  }
}
