// A physical device as the device under test: each test's config pushed with the config driver
// (journal first, verified, merged into the device's own config) and rolled back at close()
// (DESIGN.md "Hardware is precious"); peers on the inventory's harness addresses, syslog to the
// harness's collector address; real time (time scale 1).
import type { CliSession } from '../cli/session.ts';
import { ConfigPush } from '../config/push.ts';
import { bindUdpHere, type UdpBinder } from '../hosts/udp-bind.ts';
import { CAPABILITY_REASONS, LabTooSmall, type DeviceUnderTest, type DutCapabilities, type DutEndpoint, type DutIdentity, type DutStartOptions, type DutStartResult } from './device-under-test.ts';
import { harnessPeerAddress, physicalAdminCli, physicalConfigDevice, pushableLines, type PhysicalTarget } from './physical-target.ts';

/**
 * ASSUMPTION (not documented; a hardware run shows it): a physical RTX runs its L2TP timers on a
 * 1 s tick, so a timer may fire up to one tick late.
 */
export const PHYSICAL_TIMER_GRANULARITY_MS = 1000;

export const PHYSICAL_CAPABILITIES: DutCapabilities = { lanHost: false, netnsLab: false, configPerSequence: false, testerIke: false, ikeBindsPreflighted: true, parallelTests: false, otherRevision: false, restartFromSave: false, timerGranularityMs: PHYSICAL_TIMER_GRANULARITY_MS };

/**
 * How many harness peer addresses the @ipsec tests take (suites/ipsec.spec.ts): the L2TPv3/IPsec
 * peer, and the aggressive-mode test's two refusal peers, each on an address of its own (UDP 500
 * and 4500 there) so that the device's per-peer IKE state of one refusal never meets the next.
 */
export const TESTER_IKE_PEER_ADDRESSES = 3;

/** A physical device's capabilities, given how many harness peer addresses its inventory lists. */
export function physicalCapabilities(peerAddresses: number): DutCapabilities {
  return { ...PHYSICAL_CAPABILITIES, testerIke: peerAddresses >= TESTER_IKE_PEER_ADDRESSES };
}

export interface PhysicalDutOptions {
  readonly identity: DutIdentity;
  readonly target: PhysicalTarget;
  /** Where rollback journals live. */
  readonly journalDir: string;
  /** Each push, verify and restore line (already masked). */
  readonly log: (line: string) => void;
  /** Push in another way than ConfigPush.apply (tests of close(); default the config driver). */
  readonly push?: (lines: string[]) => Promise<{ rollback(): Promise<void> }>;
}

export class PhysicalDut implements DeviceUnderTest {
  readonly capabilities: DutCapabilities;
  readonly savedConfigFile = undefined;
  readonly timeScale = 1;
  readonly identity: DutIdentity;
  readonly wan: DutEndpoint;
  readonly syslogBind: DutEndpoint;
  readonly trace: string[] = [];
  private pushed?: { rollback(): Promise<void> };
  private refusal?: string;
  private closed = false;

  constructor(private readonly o: PhysicalDutOptions) {
    this.identity = o.identity;
    this.capabilities = physicalCapabilities(o.target.peerAddresses.length);
    this.wan = { address: o.target.wan.address, port: o.target.wan.l2tpPort };
    this.syslogBind = o.target.syslog;
  }

  get peerCount(): number {
    return this.o.target.peerAddresses.length;
  }

  get wanConfigAddress(): string {
    return this.wan.address;
  }

  peerAddress(peer: number | string): string {
    return harnessPeerAddress(this.o.target, peer);
  }

  peerSocket(peer: number | string): DutEndpoint {
    return { address: this.peerAddress(peer), port: this.wan.port };
  }

  /** The harness's own addresses (the inventory's peer and syslog addresses are this host's). */
  binder(): UdpBinder {
    return bindUdpHere;
  }

  peerBound(): void {
    // the harness addresses are the peers' own: nothing to map
  }

  async start(s: DutStartOptions): Promise<DutStartResult> {
    if (s.lan?.length) throw new LabTooSmall(CAPABILITY_REASONS.lanHost);
    if (this.pushed) throw new Error(`${this.identity.role}: already started`);
    const push = this.o.push ?? ((lines: string[]) => ConfigPush.apply(physicalConfigDevice(this.o.target, (l) => this.log(l)), lines, { journalDir: this.o.journalDir, mode: 'merge' }));
    try {
      this.pushed = await push(pushableLines(s.config));
      return { kind: 'accepted' };
    } catch (e) {
      this.refusal = (e as Error).message;
      return { kind: 'refused', output: this.refusal };
    }
  }

  /** A push, verify or restore line (masked by the config driver): the test's log and this device's trace. */
  private log(line: string): void {
    this.trace.push(line);
    this.o.log(line);
  }

  get running(): boolean {
    return this.pushed !== undefined && !this.closed;
  }

  adminCli(): Promise<CliSession> {
    return physicalAdminCli(this.o.target);
  }

  get console(): string | undefined {
    return this.refusal;
  }

  /** The device's own config again; if the rollback fails the journal stays, and the next run restores it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pushed?.rollback();
  }
}
