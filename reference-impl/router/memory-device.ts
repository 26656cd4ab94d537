// A router that has a configuration and nothing else: no sockets, no tunnels ever come up.
// The CLI's own tests use it, and the router process uses it when no data plane is attached.

import { bridges, configPlatform, l2tpTunnels, type CliContext, type ConfigDocument, type ConfigPlatform, type Language } from '../config/index.ts';
import { LearningBridge, type BridgeTableView } from '../bridge/learning-bridge.ts';
import { modelFacts } from '../platform/index.ts';
import type {
  ActionResult,
  DeviceIdentity,
  EnvironmentStatus,
  L2tpTunnelStatus,
  LogEntry,
  RouterDevice,
  TunnelInterfaceStatus,
} from './device.ts';
import { LogBuffer, logCapacity } from './log-buffer.ts';
import { RunningConfig, type ApplyOutcome } from './running-config.ts';

export interface MemoryDeviceOptions {
  model: string;
  firmware: string;
  /** the startup config (also the saved config) */
  config?: string;
  /** virtual clock, ms since the epoch */
  clock?: () => number;
  identity?: Partial<DeviceIdentity>;
  /** language of the validator's messages in refusals */
  lang?: Language;
}

// ASSUMPTION: identity figures of an emulated router that no document gives (build date, MAC
// addresses, memory, serial, load). Values are fixed so outputs are reproducible
// (not documented per model; a hardware run shows the real ones).
export const EMULATED_IDENTITY_DEFAULTS = {
  buildDate: 'Fri Jan 01 00:00:00 2021',
  macAddresses: ['00:a0:de:00:00:01', '00:a0:de:00:00:02'],
  memoryMBytes: 256,
  serial: 'EMU00000000',
  environment: { cpuPercent: { sec5: 0, min1: 0, min5: 0 }, memoryUsedPercent: 10, temperatureC: 40 } satisfies EnvironmentStatus,
} as const;

export class MemoryDevice implements RouterDevice {
  readonly platform: ConfigPlatform;
  readonly running: RunningConfig;
  private saved: string;
  private readonly logs: LogBuffer;
  private readonly clock: () => number;
  private readonly ident: DeviceIdentity;
  /** learning bridges by name, rebuilt when `bridge member` lines change */
  private bridgeTables = new Map<string, { members: string; bridge: LearningBridge }>();

  constructor(opts: MemoryDeviceOptions) {
    this.platform = configPlatform(opts.model, opts.firmware);
    this.running = new RunningConfig(this.platform, opts.config ?? '', opts.lang ?? 'en');
    this.saved = this.running.text();
    this.clock = opts.clock ?? (() => Date.now());
    this.logs = new LogBuffer(logCapacity(this.platform.model));
    const d = EMULATED_IDENTITY_DEFAULTS;
    this.ident = {
      model: this.platform.model,
      firmware: opts.firmware,
      buildDate: d.buildDate,
      macAddresses: d.macAddresses,
      memoryMBytes: d.memoryMBytes,
      serial: d.serial,
      bootTimeMs: this.clock(),
      ...opts.identity,
    };
  }

  identity(): DeviceIdentity {
    return this.ident;
  }

  nowMs(): number {
    return this.clock();
  }

  configText(): string {
    return this.running.text();
  }

  configDisplayLines(revealSecrets = false): string[] {
    return this.running.displayLines(revealSecrets);
  }

  configDocument(): ConfigDocument {
    return this.running.document();
  }

  applyCommand(line: string, context: CliContext): ApplyOutcome {
    return this.running.apply(line, context);
  }

  isSaved(): boolean {
    return this.running.text() === this.saved;
  }

  save(): ActionResult {
    this.saved = this.running.text();
    return { ok: true };
  }

  savedConfigText(): string {
    return this.saved;
  }

  logEntries(): readonly LogEntry[] {
    return this.logs.entries();
  }

  clearLog(): void {
    this.logs.clear();
  }

  log(text: string): void {
    this.logs.add({ timeMs: this.clock(), text });
  }

  l2tpStatus(): readonly L2tpTunnelStatus[] {
    // no data plane: every configured L2TPv3 tunnel is idle
    return l2tpTunnels(this.configDocument()).map((t) => ({
      tunnel: t.tunnel,
      state: 'idle',
      encapsulation: t.encapsulation,
      localAddress: t.endpointAddress?.local,
      remoteAddress: t.endpointAddress?.remote ?? t.endpointName?.remote,
      sessions: [],
    }));
  }

  tunnelStatus(tunnel: number): TunnelInterfaceStatus {
    const t = l2tpTunnels(this.configDocument()).find((x) => x.tunnel === tunnel);
    const zero = () => ({ ipv4: { packets: 0, octets: 0 }, ipv6: { packets: 0, octets: 0 } });
    return { tunnel, encapsulation: t?.encapsulation ?? null, enabled: t?.enabled ?? false, connected: false, rx: zero(), tx: zero() };
  }

  /** The learning bridges the config defines (tests feed frames through them). */
  learningBridges(): Map<string, LearningBridge> {
    const views = bridges(this.configDocument());
    const facts = modelFacts(this.platform.model);
    const next = new Map<string, { members: string; bridge: LearningBridge }>();
    for (const v of views) {
      const key = v.members.join(' ');
      const prev = this.bridgeTables.get(v.bridge);
      if (prev && prev.members === key) {
        next.set(v.bridge, prev);
        continue;
      }
      const bridge = new LearningBridge({
        name: v.bridge,
        members: v.members.map((m) => ({ name: m, kind: m.startsWith('tunnel') ? 'tunnel' : 'lan' })),
        dynamicCapacity: facts.learningTable.dynamic,
        staticCapacity: facts.learningTable.static,
        ageingMs: v.learningTimer === 'off' ? null : v.learningTimer * 1000,
        learning: v.learning,
      });
      for (const s of v.statics) bridge.addStatic(s.mac, s.interface);
      next.set(v.bridge, { members: key, bridge });
    }
    this.bridgeTables = next;
    return new Map([...next].map(([k, v]) => [k, v.bridge]));
  }

  bridgeLearning(): readonly BridgeTableView[] {
    const now = this.clock();
    return [...this.learningBridges().values()].map((b) => b.table(now));
  }

  environment(): EnvironmentStatus {
    return EMULATED_IDENTITY_DEFAULTS.environment;
  }

  connectTunnel(tunnel: number): ActionResult {
    return this.tunnelAction(tunnel);
  }

  disconnectTunnel(tunnel: number): ActionResult {
    return this.tunnelAction(tunnel);
  }

  private tunnelAction(tunnel: number): ActionResult {
    if (tunnel < 1 || tunnel > this.platform.maxTunnelInterfaces) {
      return { ok: false, kind: 'parameterOutOfRange', reason: `tunnel ${tunnel} is not in 1..${this.platform.maxTunnelInterfaces}` };
    }
    return { ok: true };
  }

  clearBridgeLearning(bridge?: string): ActionResult {
    const all = this.learningBridges();
    if (bridge !== undefined && !all.has(bridge)) return { ok: false, kind: 'illegalKeyword', reason: `${bridge} is not a bridge interface in use` };
    for (const [name, b] of all) if (bridge === undefined || name === bridge) b.clear();
    return { ok: true };
  }

  checkLoginPassword(password: string): boolean {
    return (this.running.loginPassword()?.reveal() ?? '') === password;
  }

  checkUser(name: string, password: string): boolean {
    const secret = this.running.users().get(name);
    return secret !== undefined && secret.reveal() === password;
  }

  hasUsers(): boolean {
    return this.running.users().size > 0;
  }

  checkAdministratorPassword(password: string): boolean {
    return (this.running.administratorPassword()?.reveal() ?? '') === password;
  }
}
