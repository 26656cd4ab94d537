// One test's lab around the device under test (device-under-test.ts: the emulated router as its
// own process, or a physical device from the lab inventory), a syslog collector it sends to, and
// tester peers on the addresses the device gives for 127.0.0.2, 127.0.0.3, ... sharing the
// device's UDP port (as an RTX: both ends on one port). Everything the peers send and receive
// goes into one Conversation (pcap); close() stops it all and attaches the evidence, each step
// whatever the ones before it did, so the device is always rolled back.
import { Conversation } from '../peer/conversation.ts';
import { misbehave } from '../peer/misbehaviours.ts';
import { PeerTunnel, type PeerTunnelOptions } from '../peer/peer-tunnel.ts';
import type { CliSession } from '../cli/session.ts';
import { Redactor } from '../transcript/redactor.ts';
import { runCloseSteps } from './close-steps.ts';
import { CAPABILITY_REASONS, LabTooSmall, type DeviceUnderTest } from './device-under-test.ts';
import { LAB_IDS, routerConfig, type RouterTunnelSpec } from './lab-config.ts';
import { LanHost } from './lan-host.ts';
import { openDut, type OpenDutOptions } from './open-dut.ts';
import type { DeviceDescription } from './physical-target.ts';
import { SyslogListener } from './syslog-listener.ts';

/** What close() needs of the running test (Playwright's TestInfo fits): a place for files, and attachments. */
export interface LabTestInfo {
  outputPath(...pathSegments: string[]): string;
  attach(name: string, o: { body?: string | Buffer; path?: string; contentType?: string }): Promise<void>;
}

export interface DeviceLabOptions {
  tunnels: RouterTunnelSpec[];
  /** Extra config lines (before the syslog lines). */
  extra?: string[];
  /** Replace the generated config entirely (gets the syslog port, and the lab's own config builder for tunnels). */
  config?: (syslogPort: number, build: (tunnels: readonly RouterTunnelSpec[]) => string) => string;
  /** Run the emulated device at another revision of its firmware series (platform-gating probes). */
  firmware?: string;
  /** Give the router a `lan1` link to a LanHost (`lab.lan`): frames in and out of the LAN side. */
  lan?: boolean;
  /**
   * The loopback address the emulated router's WAN binds (default ROUTER_ADDRESS). A lab that needs
   * fixed ports (IKE's UDP 500 and 4500) takes an address of its own so labs run side by side.
   */
  routerAddress?: string;
}

export class DeviceLab<D extends DeviceDescription = DeviceDescription> {
  readonly conversation = new Conversation();
  readonly peers: PeerTunnel[] = [];
  /** The device's output when it refused the config (the router's console, or the push's error). */
  refusal?: string;
  /** The host on the router's lan1 (when opened with `lan: true`). */
  lan?: LanHost;

  private constructor(
    readonly device: D,
    /** The device under test: everything device-specific goes through it (drivers/dut/). */
    readonly dut: DeviceUnderTest,
    readonly opts: DeviceLabOptions,
    readonly syslog: SyslogListener,
  ) {}

  /** A lab around the device under test that openDut gives for `device`. */
  static async open<D extends DeviceDescription>(device: D, dut: OpenDutOptions, opts: DeviceLabOptions): Promise<DeviceLab<D>> {
    return DeviceLab.around(device, await openDut(device, dut), opts);
  }

  /** A lab around a device under test opened elsewhere (a test of the lab itself, a bench opened by hand). */
  static async around<D extends DeviceDescription>(device: D, dut: DeviceUnderTest, opts: DeviceLabOptions): Promise<DeviceLab<D>> {
    for (const x of opts.tunnels) dut.peerAddress(x.peer); // enough harness addresses for this test? (LabTooSmall: skipped)
    if (opts.lan && !dut.capabilities.lanHost) throw new LabTooSmall(CAPABILITY_REASONS.lanHost);
    const syslog = await SyslogListener.open(dut.syslogBind.address, dut.syslogBind.port, dut.binder('device-side'));
    const lab = new DeviceLab(device, dut, opts, syslog);
    try {
      if (opts.lan) lab.lan = await LanHost.open(undefined, dut.binder('device-side'));
    } catch (e) {
      syslog.close();
      throw e;
    }
    return lab;
  }

  /** Timers run this many times faster than documented (1 on hardware). */
  get timeScale(): number {
    return this.dut.timeScale;
  }

  /** The device's L2TP UDP port (the peers use the same one, as an RTX). */
  get port(): number {
    return this.dut.wan.port;
  }

  /** The device's WAN address as the harness reaches it. */
  get routerAddress(): string {
    return this.dut.wan.address;
  }

  /** The device's WAN address as its config names it (the same, except on an emulated IPv6 underlay). */
  get routerConfigAddress(): string {
    return this.dut.wanConfigAddress;
  }

  get config(): string {
    const build = (tunnels: readonly RouterTunnelSpec[], extra?: readonly string[]) => {
      const mapped = tunnels.map((x) => ({ ...x, peer: this.dut.peerAddress(x.peer) }));
      return routerConfig(mapped, this.syslog.port, { extra, routerAddress: this.routerConfigAddress, syslogAddress: this.dut.syslogBind.address });
    };
    return this.opts.config ? this.opts.config(this.syslog.port, (tunnels) => build(tunnels)) : build(this.opts.tunnels, this.opts.extra);
  }

  /** Starts the device with the test's config (emulated: the router process; physical: a journaled push); throws when refused. */
  async startRouter(): Promise<void> {
    if ((await this.tryStartRouter()) === 'refused') throw new Error(`${this.device.role}: the device refused the config: ${(this.refusal ?? '').slice(-800)}`);
  }

  /** Starts the device; 'refused' when it does not take the config (its output kept in `refusal`). */
  async tryStartRouter(): Promise<'accepted' | 'refused'> {
    const r = await this.dut.start({ config: this.config, lan: this.lan ? [this.lan.lanArgument()] : undefined });
    if (r.kind === 'refused') this.refusal = r.output;
    return r.kind;
  }

  /** Stops the device now (router stopped, or config rolled back); close() does not do it again. */
  stopDevice(): Promise<void> {
    return this.dut.close();
  }

  /** The address that plays a test's logical peer address (127.0.0.2 is the first peer). */
  peerAddress(logical: string): string {
    return this.dut.peerAddress(logical);
  }

  /** An administrator CLI session on the device under test (close it in the test). */
  adminCli(): Promise<CliSession> {
    return this.dut.adminCli();
  }

  /**
   * A peer on `address` facing the router (bound and started; an initiator dials at once). On an
   * emulated IPv6 underlay `address` is the peer's config address: start such peers before the router.
   */
  async peer(address: string, o: Partial<PeerTunnelOptions> & Pick<PeerTunnelOptions, 'role'>, misbehaviours: string[] = []): Promise<PeerTunnel> {
    const socket = this.dut.peerSocket(address);
    const p = new PeerTunnel({
      local: { host: socket.address, port: socket.port },
      device: { host: this.routerAddress, port: this.port },
      routerId: LAB_IDS.peerRouterId,
      endId: LAB_IDS.endId,
      timeScale: this.timeScale,
      conversation: this.conversation,
      bind: this.dut.binder('peers'),
      ...o,
    });
    this.peers.push(p);
    for (const m of misbehaviours) misbehave(p, m);
    await p.start();
    this.dut.peerBound(address, p.local.port);
    return p;
  }

  /**
   * Stops peers and device, attaches the pcap, the syslog slice and the device's console. Each
   * step runs whatever the ones before it did (a peer that fails to close never skips the
   * device's rollback); the failures are thrown after all of them, named by step.
   */
  async close(info: LabTestInfo, secrets: readonly string[] = []): Promise<void> {
    const text = (name: string, body: string) => info.attach(name, { body: new Redactor(secrets).mask(body), contentType: 'text/plain' });
    await runCloseSteps(`lab on ${this.device.role}`, [
      ...this.peers.map((p, i) => ({ name: `close peer ${i + 1} (${p.local.host})`, run: () => p.close({ silent: true }) })),
      { name: 'stop the device (router stopped, or config rolled back)', run: () => this.dut.close() },
      { name: 'close the syslog listener', run: () => this.syslog.close() },
      { name: 'close the LAN host', run: () => this.lan?.close() },
      { name: 'attach the peer conversation', run: async () => {
        const file = info.outputPath('peer-conversation.pcap');
        this.conversation.writePcap(file);
        await info.attach('peer-conversation.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
      } },
      { name: 'attach the syslog slice', run: () => text('syslog.txt', this.syslog.lines.map((l) => `<${l.pri}>${l.text}`).join('\n') + '\n') },
      { name: 'attach the device trace', run: async () => {
        if (this.dut.trace.length) await text('device-trace.txt', this.dut.trace.join('\n'));
      } },
      { name: 'attach the device console', run: async () => {
        const console = this.dut.console ?? this.refusal;
        if (console !== undefined) await text('router-console.txt', console);
      } },
    ]);
  }
}
