// The device-under-test seam (DESIGN.md "drivers/": emulated and physical behind one seam). A test
// lab holds one DeviceUnderTest and asks it for everything device-specific: where its L2TPv3
// endpoint is, which harness addresses play the test's peers (by index), where its syslog goes,
// what it can host (a LAN host, a netns lab, the tester's IKE), an administrator CLI, and what it
// did (its console or its push log). Nothing above this interface asks which kind it is.
import type { CliSession } from '../cli/session.ts';
import type { UdpBinder } from '../hosts/udp-bind.ts';

export interface DutIdentity {
  readonly role: string;
  readonly model: string;
  readonly firmware: string;
}

export interface DutEndpoint {
  readonly address: string;
  readonly port: number;
}

/** What a device can take part in; a test that needs more skips with the capability's reason. */
export interface DutCapabilities {
  /** The harness can put a host on the device's lan1 (emulated: a UDP link, `router --lan`). */
  readonly lanHost: boolean;
  /** The device can stand in a network-namespace lab the lab driver starts (emulated routers only, today). */
  readonly netnsLab: boolean;
  /** A fresh config per generated sequence is cheap and bounded (a router process each). */
  readonly configPerSequence: boolean;
  /** The tester peer's IKE (UDP 500/4500 on the harness address) can reach the device. */
  readonly testerIke: boolean;
  /**
   * The run's preflight checked that the harness may bind IKE's fixed ports (a bench:
   * drivers/preflight/ike-binds.ts, root or CAP_NET_BIND_SERVICE); otherwise the tests bind them
   * on loopback themselves, which needs root.
   */
  readonly ikeBindsPreflighted: boolean;
  /**
   * Tests may run side by side on devices of this kind (one emulated router per test); a physical
   * lab has one harness (its peer addresses and syslog port), so one test at a time.
   */
  readonly parallelTests: boolean;
  /** The device can be started at another revision of its firmware series (platform gating). */
  readonly otherRevision: boolean;
  /** The harness reads the file `save` writes and can start the device again from it. */
  readonly restartFromSave: boolean;
  /**
   * The device's L2TP timers tick this coarsely (ms); 0 for the emulated router's exact timers.
   * ASSUMPTION (physical): a 1 s tick, see suites/support/trace-verdict.ts.
   */
  readonly timerGranularityMs: number;
}

/** Why a capability is missing, as a skip annotation says it. */
export const CAPABILITY_REASONS: Record<Exclude<keyof DutCapabilities, 'timerGranularityMs' | 'parallelTests' | 'ikeBindsPreflighted'>, string> = {
  lanHost: 'this test needs a host on the device\'s lan1; the inventory gives the harness no interface there',
  netnsLab: 'a physical device in a netns lab is not wired yet: the lab driver starts emulated routers only',
  configPerSequence: 'generated sequences start a router per sequence; on a physical device a config push per sequence is not bounded yet',
  testerIke: 'the tester peer\'s IKE needs 3 harness peer addresses in the lab inventory (harness.peer_addresses: the IPsec peer and the two refusal peers of the aggressive-mode test), each binding UDP 500 and 4500',
  otherRevision: 'needs a device at another revision: only an emulated device can be started at one',
  restartFromSave: 'restarts the router from its saved file: only an emulated router can be restarted by the suite',
};

export interface WanCapture {
  /** Ends the capture; the pcap file of each link (`ipv6-link`, `ipv4-uplink`). */
  stop(): Promise<{ readonly link: 'ipv6-link' | 'ipv4-uplink'; readonly file: string }[]>;
}

export type DutStartResult = { readonly kind: 'accepted' } | { readonly kind: 'refused'; readonly output: string };

export interface DutStartOptions {
  /** The whole config of the test (the device's credentials are never pushed). */
  readonly config: string;
  /** LAN links for the emulated router (`router --lan` arguments); a device without lanHost refuses them (LabTooSmall). */
  readonly lan?: readonly string[];
}

export interface DeviceUnderTest {
  readonly identity: DutIdentity;
  /** Timers run this many times faster than documented (1 on hardware). */
  readonly timeScale: number;
  readonly capabilities: DutCapabilities;
  /** The device's L2TPv3 endpoint (WAN address and UDP port) as the harness reaches it. */
  readonly wan: DutEndpoint;
  /** Where the harness's syslog collector binds (port 0: any free port); the config names the same address. */
  readonly syslogBind: DutEndpoint;
  /** The device's WAN address as its config names it (wan.address, except on an emulated IPv6 underlay). */
  readonly wanConfigAddress: string;
  /** The address that plays the test's i-th peer (0-based) or its logical loopback name (127.0.0.2 is peer 0), as the device's config and syslog name it. */
  peerAddress(peer: number | string): string;
  /** Where that peer's socket binds (its address on the device's L2TP port, or an emulated underlay's socket: port 0, any). */
  peerSocket(peer: number | string): DutEndpoint;
  /** The peer's socket is bound at `port` (an emulated underlay maps the peer's config address to it at start). */
  peerBound(peer: number | string, port: number): void;
  /**
   * Where the harness binds its UDP sockets facing the device: `peers` for the tester peers,
   * `device-side` for the syslog collector and the LAN link. This process's own stack, except for a
   * device inside a namespace lab (underlay-dut.ts), whose sockets live in the lab's namespaces.
   */
  binder(side: 'peers' | 'device-side'): UdpBinder;
  /** How many peer addresses the harness has for this device (Infinity on loopback). */
  readonly peerCount: number;
  /** Applies the config (starts the emulated router, or pushes with a journal); a refusal is returned, not thrown. */
  start(o: DutStartOptions): Promise<DutStartResult>;
  /** Whether start() was accepted and close() has not run yet. */
  readonly running: boolean;
  /** An administrator CLI session on the device (close it in the test). */
  adminCli(): Promise<CliSession>;
  /** The file the device's `save` writes, when the harness can read it (restartFromSave). */
  readonly savedConfigFile: string | undefined;
  /** What the device did, for the report: the router's console, or the refused push's error. */
  readonly console: string | undefined;
  /** What the harness did to the device, in order (start, push, verify, rollback, stop), each line with its outcome; no secrets. */
  readonly trace: readonly string[];
  /**
   * Starts capturing the device's WAN where the harness can see it (a device behind IPIP / MAP-E:
   * the IPv6 link to the ISP and the ISP relay's IPv4 uplink); absent where it cannot (loopback,
   * a bench). stop() writes one pcap file per link into `dir`.
   */
  captureWan?(dir: string): Promise<WanCapture>;
  /** Stops the emulated router, or rolls the physical device back to its config from before start(). Idempotent. */
  close(): Promise<void>;
}

/** The lab is fine but too small for one test (harness addresses, a LAN host): the test is skipped, saying so. */
export class LabTooSmall extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabTooSmall';
  }
}

/**
 * The index of a logical peer address: the suites name their peers 127.0.0.2, 127.0.0.3, ...
 * (127.a.b.c counts from 127.0.0.2: the scale suite's 127.0.1.x peers need hundreds of addresses).
 */
export function logicalPeerIndex(logical: string): number {
  const m = /^127\.(\d+)\.(\d+)\.(\d+)$/.exec(logical);
  return m ? (Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3]) - 2 : -1;
}

/** The logical loopback address of the i-th peer (0-based): 127.0.0.2, 127.0.0.3, ... */
export function logicalPeerAddress(i: number): string {
  const n = i + 2;
  return `127.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}
