// One test's lab around the device under test (drivers/dut/: the emulated router as its own
// process, or a physical device from the lab inventory), a syslog listener it sends to, and
// tester peers on the addresses the device gives for 127.0.0.2, 127.0.0.3, ... sharing the
// device's UDP port (as an RTX: both ends on one port). Everything the peers send and receive
// goes into one Conversation (pcap).
import type { TestInfo } from '@playwright/test';
import { Conversation } from '../../drivers/peer/conversation.ts';
import { misbehave } from '../../drivers/peer/misbehaviours.ts';
import { PeerTunnel, type PeerTunnelOptions } from '../../drivers/peer/peer-tunnel.ts';
import { attachCliTranscript, attachSyslogSlice } from '../../reports/allure/attachments.ts';
import { SyslogListener } from '../../drivers/dut/syslog-listener.ts';
import { LanHost } from './lan-host.ts';
import type { CliSession } from '../../drivers/cli/session.ts';
import { CAPABILITY_REASONS, LabTooSmall, type DeviceUnderTest } from '../../drivers/dut/device-under-test.ts';
import { runCloseSteps } from '../../drivers/dut/close-steps.ts';
import { openDut } from '../../drivers/dut/open-dut.ts';
import { JOURNAL_DIR, logToTest } from './physical-device.ts';
import type { SuiteDevice } from './devices.ts';

export const ROUTER_ADDRESS = '127.0.0.1';
/** `ip bridge1 address`: the router answers ARP and ping here through the tunnel. */
export const BRIDGE_ADDRESS = '192.168.100.1';
/** Router IDs and end-id of the lab configs (any values: they only have to agree). */
export const LAB_IDS = { routerRouterId: '10.0.0.1', peerRouterId: '10.0.0.2', endId: 'site-a-site-b' } as const;
export const LAB_HOSTNAME = 'LAB-RTX';

export interface RouterTunnelSpec {
  n: number;
  /** The peer's address (`tunnel endpoint address LOCAL REMOTE`). */
  peer: string;
  alwaysOn?: boolean;
  /** `l2tp tunnel auth on PASSWORD` (tests use throwaway lab passwords). */
  password?: string;
  remoteRouterId?: string;
  endId?: string;
  /** `l2tp keepalive use ...` arguments, e.g. `on 1 2` or `off`. */
  keepalive?: string;
  disconnectTime?: number | 'off';
}

/** The lab router's config; the peer driver tests use it too (tests/drivers/peer/helpers/lab.ts). */
export function routerConfig(
  tunnels: readonly RouterTunnelSpec[], syslogPort: number,
  opts: { routerAddress?: string; extra?: readonly string[]; syslogAddress?: string } = {},
): string {
  const lines = [
    `ip bridge1 address ${BRIDGE_ADDRESS}/24`,
    `bridge member bridge1 lan1 ${tunnels.map((t) => `tunnel${t.n}`).join(' ')}`,
  ];
  for (const t of tunnels) {
    lines.push(
      `tunnel select ${t.n}`,
      ' tunnel encapsulation l2tpv3-raw',
      ` tunnel endpoint address ${opts.routerAddress ?? ROUTER_ADDRESS} ${t.peer}`,
      ` l2tp always-on ${t.alwaysOn ? 'on' : 'off'}`,
      ` l2tp hostname ${LAB_HOSTNAME}`,
    );
    if (t.password !== undefined) lines.push(` l2tp tunnel auth on ${t.password}`);
    lines.push(
      ` l2tp tunnel disconnect time ${t.disconnectTime ?? 'off'}`,
      ` l2tp keepalive use ${t.keepalive ?? 'on 60 3'}`,
      ' l2tp syslog on',
      ` l2tp local router-id ${LAB_IDS.routerRouterId}`,
      ` l2tp remote router-id ${t.remoteRouterId ?? LAB_IDS.peerRouterId}`,
      ` l2tp remote end-id ${t.endId ?? LAB_IDS.endId}`,
      ` tunnel enable ${t.n}`,
    );
  }
  lines.push(...(opts.extra ?? []));
  // ASSUMPTION: `syslog host ADDRESS:PORT` for a collector off port 514 (the emulator takes it; CR §4 gives the address only).
  const collector = opts.syslogAddress ?? ROUTER_ADDRESS;
  lines.push(`syslog host ${syslogPort === 514 ? collector : `${collector}:${syslogPort}`}`, 'syslog info on', 'syslog debug on', 'l2tp service on l2tpv3');
  return lines.join('\n') + '\n';
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

export class DeviceLab {
  readonly conversation = new Conversation();
  readonly peers: PeerTunnel[] = [];
  /** The device's output when it refused the config (the router's console, or the push's error). */
  refusal?: string;
  /** The host on the router's lan1 (when opened with `lan: true`). */
  lan?: LanHost;

  private constructor(
    readonly device: SuiteDevice,
    /** The device under test: everything device-specific goes through it (drivers/dut/). */
    readonly dut: DeviceUnderTest,
    readonly opts: DeviceLabOptions,
    readonly syslog: SyslogListener,
  ) {}

  static async open(device: SuiteDevice, timeScale: number, opts: DeviceLabOptions): Promise<DeviceLab> {
    return DeviceLab.around(device, await openDut(device, { timeScale, firmware: opts.firmware, wanAddress: opts.routerAddress, journalDir: JOURNAL_DIR, log: logToTest }), opts);
  }

  /** A lab around a device under test opened elsewhere (a test of the lab itself, a bench opened by hand). */
  static async around(device: SuiteDevice, dut: DeviceUnderTest, opts: DeviceLabOptions): Promise<DeviceLab> {
    for (const x of opts.tunnels) dut.peerAddress(x.peer); // enough harness addresses for this test? (LabTooSmall: skipped)
    if (opts.lan && !dut.capabilities.lanHost) throw new LabTooSmall(CAPABILITY_REASONS.lanHost);
    const syslog = await SyslogListener.open(dut.syslogBind.address, dut.syslogBind.port);
    const lab = new DeviceLab(device, dut, opts, syslog);
    try {
      if (opts.lan) lab.lan = await LanHost.open();
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
  async close(info: TestInfo, secrets: readonly string[] = []): Promise<void> {
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
      { name: 'attach the syslog slice', run: () => attachSyslogSlice('syslog.txt', this.syslog.lines.map((l) => `<${l.pri}>${l.text}`), secrets) },
      { name: 'attach the device console', run: async () => {
        const console = this.dut.console ?? this.refusal;
        if (console !== undefined) await attachCliTranscript('router-console.txt', console, secrets);
      } },
    ]);
  }
}

/**
 * Cases split into groups that fit the device's tunnel limit: a test runs one router per group,
 * one tunnel per case (a 9-tunnel model runs nine cases on one router, a 1-tunnel model one each).
 */
export function groupsWithin<T>(cases: readonly T[], maxTunnels: number): T[][] {
  const size = Math.max(1, maxTunnels);
  const out: T[][] = [];
  for (let i = 0; i < cases.length; i += size) out.push(cases.slice(i, i + size));
  return out;
}
