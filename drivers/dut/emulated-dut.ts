// The emulated router as the device under test: its own process (router-process.ts) on a loopback
// address, its L2TP port chosen free, peers on 127.0.0.2, 127.0.0.3, ... (itself: loopback has
// them all), syslog to any free port on 127.0.0.1, a LAN host over a UDP link.
import type { CliSession } from '../cli/session.ts';
import { bindUdpHere, type UdpBinder } from '../hosts/udp-bind.ts';
import { EmulatedRouterRun } from './emulated-router-run.ts';
import { freeUdpPort, type RouterProcess } from './router-process.ts';
import { logicalPeerAddress, type DeviceUnderTest, type DutCapabilities, type DutEndpoint, type DutIdentity, type DutStartOptions, type DutStartResult } from './device-under-test.ts';

export const EMULATED_WAN_ADDRESS = '127.0.0.1';

export interface EmulatedDutOptions {
  readonly role: string;
  readonly model: string;
  readonly firmware: string;
  readonly timeScale: number;
  /** Injected defects (`router --list-defects`). */
  readonly defects?: readonly string[];
  /** A firmware-profile variant (`router --profile`). */
  readonly profile?: string;
  /** The loopback address the router's WAN binds (default 127.0.0.1); a lab needing fixed ports (IKE) takes its own. */
  readonly wanAddress?: string;
  /**
   * An IPv6 underlay: the router binds [::1] and its config names `routerAddress`; each peer binds
   * [::1] on a port of its own, mapped from the peer's config address (`router --underlay`).
   */
  readonly ipv6Underlay?: { readonly routerAddress: string };
}

export const EMULATED_CAPABILITIES: DutCapabilities = { lanHost: true, netnsLab: true, configPerSequence: true, testerIke: true, ikeBindsPreflighted: false, parallelTests: true, otherRevision: true, restartFromSave: true, timerGranularityMs: 0 };

export class EmulatedDut implements DeviceUnderTest {
  readonly capabilities = EMULATED_CAPABILITIES;
  readonly identity: DutIdentity;
  readonly syslogBind: DutEndpoint = { address: EMULATED_WAN_ADDRESS, port: 0 };
  readonly peerCount = Number.POSITIVE_INFINITY;
  readonly trace: string[] = [];
  private readonly run: EmulatedRouterRun;
  /** `CONFIG_ADDR=[SOCKET]:PORT` of each underlay peer, handed to the router at start. */
  private readonly underlay: string[] = [];

  private constructor(private readonly o: EmulatedDutOptions, readonly wan: DutEndpoint) {
    this.identity = { role: o.role, model: o.model, firmware: o.firmware };
    this.run = new EmulatedRouterRun(o.role, this.trace);
  }

  static async open(o: EmulatedDutOptions): Promise<EmulatedDut> {
    const address = o.ipv6Underlay ? '::1' : (o.wanAddress ?? EMULATED_WAN_ADDRESS);
    return new EmulatedDut(o, { address, port: await freeUdpPort(address) });
  }

  get timeScale(): number {
    return this.o.timeScale;
  }

  get wanConfigAddress(): string {
    return this.o.ipv6Underlay?.routerAddress ?? this.wan.address;
  }

  peerAddress(peer: number | string): string {
    return typeof peer === 'number' ? logicalPeerAddress(peer) : peer;
  }

  peerSocket(peer: number | string): DutEndpoint {
    return this.o.ipv6Underlay ? { address: '::1', port: 0 } : { address: this.peerAddress(peer), port: this.wan.port };
  }

  /** Loopback: every socket binds in this process's stack. */
  binder(): UdpBinder {
    return bindUdpHere;
  }

  peerBound(peer: number | string, port: number): void {
    // bind underlay peers before start: the router reads the map once
    if (this.o.ipv6Underlay) this.underlay.push(`${this.peerAddress(peer)}=[::1]:${port}`);
  }

  start(s: DutStartOptions): Promise<DutStartResult> {
    return this.run.start({
      model: this.o.model, firmware: this.o.firmware, config: s.config, wan: this.wan.address, l2tpPort: this.wan.port,
      timeScale: this.o.timeScale, defects: [...(this.o.defects ?? [])], profile: this.o.profile, lan: s.lan ? [...s.lan] : undefined, underlay: [...this.underlay],
    }, { what: `${this.identity.model} ${this.o.firmware}`, ready: () => `, L2TP on ${this.wan.address}:${this.wan.port}` });
  }

  /** The router process while it runs (tests of the emulator itself read its pid or config file). */
  get router(): RouterProcess | undefined {
    return this.run.router;
  }

  get running(): boolean {
    return this.run.running;
  }

  adminCli(): Promise<CliSession> {
    return this.run.adminCli();
  }

  get savedConfigFile(): string | undefined {
    return this.run.savedConfigFile;
  }

  get console(): string | undefined {
    return this.run.console;
  }

  close(): Promise<void> {
    return this.run.close();
  }
}
