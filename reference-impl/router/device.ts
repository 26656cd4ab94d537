// What the RTX command line needs from the rest of the emulated router. The CLI (cli/) talks
// only to this interface; the data-plane Router implements it, and MemoryDevice
// (memory-device.ts) implements it for a router with a config and nothing else.
//
// Every method is synchronous: the CLI answers from state the router already holds. Actions
// (connect/disconnect, clear) start work and return at once; their effects show in later views.

import type { CliContext, ConfigDocument, RouterErrorKind } from '../config/index.ts';
import type { BridgeTableView } from '../bridge/learning-bridge.ts';
import type { ConnectionState, SessionState } from '../control/node-events.ts';
import type { ApplyOutcome } from './running-config.ts';

/** Who the router is: used by the banner, `show config` header and `show environment`. */
export interface DeviceIdentity {
  /** model name as the seed prints it, e.g. `RTX1210` */
  model: string;
  /** firmware revision without `Rev.`, e.g. `14.01.26` */
  firmware: string;
  /** firmware build date as the router prints it, e.g. `Fri Jul 10 09:59:21 2020` */
  buildDate: string;
  /** LAN MAC addresses, `ac:44:f2:00:00:01` form */
  macAddresses: readonly string[];
  memoryMBytes: number;
  serial: string;
  /** virtual time of boot, ms since the epoch */
  bootTimeMs: number;
}

/** One `show log` line: the text after the timestamp. Never contains a secret. */
export interface LogEntry {
  timeMs: number;
  text: string;
}

export interface L2tpSessionStatus {
  localSessionId: number;
  remoteSessionId?: number;
  state: SessionState;
  /** pseudowire's remote end id (`l2tp remote end-id`), if any */
  remoteEndId?: string;
}

/** One L2TPv3 tunnel (control connection) for `show status l2tp`. */
export interface L2tpTunnelStatus {
  /** tunnel interface number (`tunnel select N`) */
  tunnel: number;
  state: ConnectionState;
  /** `l2tpv3-raw` (L2TPv3) or `l2tpv3` (L2TPv3/IPsec) */
  encapsulation: 'l2tpv3-raw' | 'l2tpv3';
  localAddress?: string;
  remoteAddress?: string;
  localTunnelId?: number;
  remoteTunnelId?: number;
  /** the peer's Host Name AVP */
  remoteHostname?: string;
  /** the peer's Router ID AVP */
  remoteRouterId?: string;
  /** virtual time the tunnel reached `established`, ms since the epoch */
  establishedAtMs?: number;
  sessions: readonly L2tpSessionStatus[];
}

export interface Traffic {
  packets: number;
  octets: number;
}

/** `show status tunnel N`. */
export interface TunnelInterfaceStatus {
  tunnel: number;
  /** null: no `tunnel encapsulation` (not configured as an L2TPv3 tunnel) */
  encapsulation: string | null;
  /** `tunnel enable N` in effect */
  enabled: boolean;
  connected: boolean;
  upSinceMs?: number;
  rx: { ipv4: Traffic; ipv6: Traffic };
  tx: { ipv4: Traffic; ipv6: Traffic };
}

/** Load figures for `show environment` (the rest comes from DeviceIdentity). */
export interface EnvironmentStatus {
  cpuPercent: { sec5: number; min1: number; min5: number };
  memoryUsedPercent: number;
  temperatureC: number;
}

export type ActionResult = { ok: true } | { ok: false; kind: RouterErrorKind; reason: string };

/** Where a CLI session comes from; appears in `show log` lines (facts §3.5: `Login succeeded for Serial`). */
export type { CliTransport } from '../config/cli-log-facts.ts';

export interface RouterDevice {
  identity(): DeviceIdentity;
  /** virtual time, ms since the epoch (the router's clock; honours --time-scale) */
  nowMs(): number;

  // ---- configuration
  /** the running config as text (no header comments); secrets as typed */
  configText(): string;
  /** `show config` body lines; secrets shown as `*` unless revealSecrets */
  configDisplayLines(revealSecrets?: boolean): string[];
  configDocument(): ConfigDocument;
  /** run one configuration command typed in `context`; refusals carry the router's message */
  applyCommand(line: string, context: CliContext): ApplyOutcome;
  /** true when the running config equals the saved one */
  isSaved(): boolean;
  /** `save`: the running config becomes the saved (startup) config */
  save(): ActionResult;
  savedConfigText(): string;

  // ---- log (`show log`, `clear log`)
  /** oldest first */
  logEntries(): readonly LogEntry[];
  clearLog(): void;
  /** add a line (the CLI logs logins, `administrator`, saves); text must hold no secret */
  log(text: string): void;

  // ---- status
  l2tpStatus(): readonly L2tpTunnelStatus[];
  tunnelStatus(tunnel: number): TunnelInterfaceStatus;
  /** one view per bridge interface that exists (`bridge member`) */
  bridgeLearning(): readonly BridgeTableView[];
  environment(): EnvironmentStatus;

  // ---- actions
  connectTunnel(tunnel: number): ActionResult;
  disconnectTunnel(tunnel: number): ActionResult;
  /** dynamic entries only (CR §56.4.9); bridge undefined: every bridge */
  clearBridgeLearning(bridge?: string): ActionResult;

  // ---- credentials (the values never leave the device: only yes/no)
  /** serial/telnet login: `login password` (empty and unset accept an empty entry) */
  checkLoginPassword(password: string): boolean;
  /** `login user NAME PASSWORD` (SSH needs one: facts §3.1) */
  checkUser(name: string, password: string): boolean;
  hasUsers(): boolean;
  checkAdministratorPassword(password: string): boolean;
}
