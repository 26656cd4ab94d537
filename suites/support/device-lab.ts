// One test's loopback lab around the device under test: the emulated router as its own process
// (model, firmware and defects from the Playwright project), a syslog listener it sends to, and
// tester peers on 127.0.0.2, 127.0.0.3, ... sharing the router's UDP port (as an RTX: both ends
// on one port). Everything the peers send and receive goes into one Conversation (pcap).
import type { TestInfo } from '@playwright/test';
import { Conversation } from '../../drivers/peer/conversation.ts';
import { misbehave } from '../../drivers/peer/misbehaviours.ts';
import { PeerTunnel, type PeerTunnelOptions } from '../../drivers/peer/peer-tunnel.ts';
import { attachCliTranscript, attachSyslogSlice } from '../../reports/allure/attachments.ts';
import { freeUdpPort, RouterProcess } from './router-process.ts';
import { SyslogListener } from './syslog-listener.ts';
import { LanHost } from './lan-host.ts';
import { ConfigPush } from '../../drivers/config/push.ts';
import type { CliSession } from '../../drivers/cli/session.ts';
import { adminCli } from './router-cli.ts';
import { configDevice, harnessPeerAddress, JOURNAL_DIR, PhysicalLabTooSmall, physicalAdminCli, physicalTarget, pushableLines, type PhysicalTarget } from './physical-device.ts';
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
  router?: RouterProcess;
  /** The router's output when it refused to start (a refused config). */
  refusal?: string;
  /** The host on the router's lan1 (when opened with `lan: true`). */
  lan?: LanHost;
  /** A physical device: its access, and this test's config push (rolled back at close). */
  physical?: PhysicalTarget;
  private push?: ConfigPush;

  private constructor(
    readonly device: SuiteDevice,
    readonly timeScale: number,
    readonly opts: DeviceLabOptions,
    readonly syslog: SyslogListener,
    readonly port: number,
  ) {}

  static async open(device: SuiteDevice, timeScale: number, opts: DeviceLabOptions): Promise<DeviceLab> {
    if (device.kind !== 'emulated') {
      // A physical device: its config is pushed over SSH, peers and syslog use the harness's addresses.
      const t = physicalTarget(device);
      for (const x of opts.tunnels) harnessPeerAddress(t, x.peer); // enough harness addresses for this test?
      if (opts.lan) throw new PhysicalLabTooSmall('this test needs a host on the device\'s lan1; the inventory gives the harness no interface there');
      const syslog = await SyslogListener.open(t.syslog.address, t.syslog.port);
      const lab = new DeviceLab(device, 1, opts, syslog, t.wan.l2tpPort);
      lab.physical = t;
      return lab;
    }
    const syslog = await SyslogListener.open();
    const lab = new DeviceLab(device, timeScale, opts, syslog, await freeUdpPort());
    if (opts.lan) lab.lan = await LanHost.open();
    return lab;
  }

  /** The device's WAN address: the emulated router's loopback address, or the physical device's. */
  get routerAddress(): string {
    return this.physical?.wan.address ?? this.opts.routerAddress ?? ROUTER_ADDRESS;
  }

  get config(): string {
    const build = (tunnels: readonly RouterTunnelSpec[], extra?: readonly string[]) => {
      const t = this.physical;
      if (t === undefined) return routerConfig(tunnels, this.syslog.port, { extra, routerAddress: this.routerAddress });
      const mapped = tunnels.map((x) => ({ ...x, peer: harnessPeerAddress(t, x.peer) }));
      return routerConfig(mapped, this.syslog.port, { extra, routerAddress: t.wan.address, syslogAddress: t.syslog.address });
    };
    return this.opts.config ? this.opts.config(this.syslog.port, (tunnels) => build(tunnels)) : build(this.opts.tunnels, this.opts.extra);
  }

  private processOptions() {
    return {
      model: this.device.model, firmware: this.opts.firmware ?? this.device.firmware, config: this.config,
      wan: this.routerAddress, l2tpPort: this.port, timeScale: this.timeScale, defects: [...this.device.defects], profile: this.device.profile,
      lan: this.lan ? [this.lan.lanArgument()] : undefined,
    };
  }

  /** Physical: pushes the test's config (journaled, verified); the device keeps its credentials. */
  private async pushConfig(): Promise<void> {
    this.push = await ConfigPush.apply(configDevice(this.physical!), pushableLines(this.config), { journalDir: JOURNAL_DIR, mode: 'merge' });
  }

  /** Starts the emulated router, or configures the physical device. */
  async startRouter(): Promise<RouterProcess | undefined> {
    if (this.physical) {
      await this.pushConfig();
      return undefined;
    }
    this.router = await RouterProcess.start(this.processOptions());
    return this.router;
  }

  /** Starts the router; 'refused' when it exits before ready (its output kept in `refusal`); physical: when the push fails. */
  async tryStartRouter(): Promise<'accepted' | 'refused'> {
    if (this.physical) {
      try {
        await this.pushConfig();
        return 'accepted';
      } catch (e) {
        this.refusal = (e as Error).message;
        return 'refused';
      }
    }
    const r = await RouterProcess.run(this.processOptions());
    if (r.kind === 'exited') {
      this.refusal = r.output;
      return 'refused';
    }
    this.router = r.router;
    return 'accepted';
  }

  /** The address that plays a test's logical peer address (itself on loopback; the harness's on a physical lab). */
  peerAddress(logical: string): string {
    return this.physical ? harnessPeerAddress(this.physical, logical) : logical;
  }

  /** An administrator CLI session on the device under test (close it in the test). */
  adminCli(): Promise<CliSession> {
    if (this.physical) return physicalAdminCli(this.physical);
    if (!this.router) throw new Error('adminCli: start the router first');
    return adminCli(this.router);
  }

  /** A peer on `address` facing the router (bound and started; an initiator dials at once). */
  async peer(address: string, o: Partial<PeerTunnelOptions> & Pick<PeerTunnelOptions, 'role'>, misbehaviours: string[] = []): Promise<PeerTunnel> {
    const p = new PeerTunnel({
      local: { host: this.physical ? harnessPeerAddress(this.physical, address) : address, port: this.port },
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
    return p;
  }

  /** Stops peers and router; attaches the pcap, the syslog slice and the router's console output. */
  async close(info: TestInfo, secrets: readonly string[] = []): Promise<void> {
    for (const p of this.peers) await p.close({ silent: true });
    await this.router?.stop();
    await this.push?.rollback(); // physical: the device's own config again (the journal stays if this fails)
    this.syslog.close();
    this.lan?.close();
    const file = info.outputPath('peer-conversation.pcap');
    this.conversation.writePcap(file);
    await info.attach('peer-conversation.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
    await attachSyslogSlice('syslog.txt', this.syslog.lines.map((l) => `<${l.pri}>${l.text}`), secrets);
    const console = this.router?.log ?? this.refusal;
    if (console !== undefined) await attachCliTranscript('router-console.txt', console, secrets);
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
