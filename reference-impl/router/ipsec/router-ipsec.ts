// The router's side of L2TPv3/IPsec, kept out of router.ts: it (re)starts the IPsec host when the
// config has IPsec tunnels, opens the --key-log file, decides which L2TP goes into ESP and which
// cleartext L2TP is dropped, and answers `show ipsec sa` / `show status tunnel`.
import type { RouterLogLevel } from '../syslog-format.ts';
import type { TimeHost } from '../time-host.ts';
import type { UnderlayTarget } from '../l2tp-socket.ts';
import { IpsecHost, type IpsecSaStatus } from './ipsec-host.ts';
import { peerKeyOf } from './ipsec-plan.ts';

/** The pseudo-address prefix of ipsec-plan.ts peerKeyOf (`ipsec-gateway-N`). */
const PSEUDO = peerKeyOf(0).slice(0, -1);
import type { IpsecPlan } from './ipsec-plan.ts';
import { IpsecSockets } from './ipsec-sockets.ts';
import { KeyLogFile } from './key-log-file.ts';
import { PlainEspPort } from './plain-esp-port.ts';
import type { IpsecDefectName } from '../ipsec-defects.ts';
import type { IkeProfile } from '../../ipsec/ike/profile.ts';

export interface RouterIpsecOptions {
  wan?: string[];
  underlay?: ReadonlyMap<string, UnderlayTarget>;
  /** `--key-log FILE`: every SA's keys, as made (file mode 0600); never on by default. */
  keyLog?: string;
  /** `--esp-plain`: SAs without NAT-T carry plain ESP (IP protocol 50) through libpcap on the WAN interface (namespace mode). */
  plainEsp?: boolean;
  /** Local IKE / NAT-T ports (default 500 / 4500). */
  ikePort?: number;
  natTPort?: number;
  /** DNS for host names in `ipsec ike remote address` (tests: a fixed answer). */
  resolveName?: (name: string) => Promise<string>;
  /** IKE-profile overrides (tests: short lifetimes). */
  ikeProfile?: Partial<IkeProfile>;
  /** Injected defects (ipsec-defects.ts names; others are ignored here). */
  defects?: readonly string[];
}

export type IpsecTransmission = { kind: 'udp'; src: { host: string; port: number }; dst: { host: string; port: number }; bytes: Uint8Array };

export interface RouterIpsecHooks {
  log(level: RouterLogLevel, text: string): void;
  deliver(l2tpPeer: string, bytes: Uint8Array): void;
  transmit(t: IpsecTransmission): void;
}

export class RouterIpsec {
  private host?: IpsecHost;
  private keyLog?: KeyLogFile;
  private planKey = '';
  private generation = 0;
  cleartextDropped = 0;
  private readonly defects: ReadonlySet<string>;

  constructor(private readonly opts: RouterIpsecOptions, private readonly time: TimeHost, private readonly seed: number, private readonly hooks: RouterIpsecHooks) {
    this.defects = new Set(opts.defects ?? []);
    // opened at once, so a path that cannot be written is refused before the router starts
    // defect key-log-world-readable: the file is created 0644
    if (opts.keyLog) this.keyLog = new KeyLogFile(opts.keyLog, this.has('key-log-world-readable') ? 0o644 : 0o600);
  }

  private has(d: IpsecDefectName): boolean {
    return this.defects.has(d);
  }

  /** The router's own address for IKE where the config names none: its first WAN address, as the config knows it. */
  ownAddress(): string {
    const wan = this.opts.wan?.[0];
    if (!wan) return '0.0.0.0';
    for (const [cfg, t] of this.opts.underlay ?? []) if (t.host === wan) return cfg;
    return wan;
  }

  async start(plan: IpsecPlan): Promise<void> {
    this.planKey = keyOf(plan);
    if (plan.gateways.length === 0) return;
    for (const s of plan.skipped) this.hooks.log('DEBUG', `[IKE] gateway ${s.gateway} not used: ${s.reason}`);
    const v6 = plan.gateways.some((g) => g.remote.includes(':'));
    const sockets = new IpsecSockets({ bind: this.opts.wan ?? (v6 ? ['0.0.0.0', '::'] : ['0.0.0.0']), underlay: this.opts.underlay ?? new Map(), ikePort: this.opts.ikePort, natTPort: this.opts.natTPort });
    const host = new IpsecHost({
      plan,
      sockets,
      time: this.time,
      seed: (this.seed ^ 0x1ce5eed) + this.generation++,
      // defect esp-replay-not-checked: no anti-replay window
      antiReplay: !this.has('esp-replay-not-checked'),
      resolveName: this.opts.resolveName,
      profile: this.opts.ikeProfile,
      plainEsp: this.opts.plainEsp && this.opts.wan?.[0] ? new PlainEspPort(this.opts.wan[0]) : undefined,
      keyLog: this.keyLog && ((e) => this.keyLog?.write(e)),
      log: (level, text) => {
        // defect ike-respond-ipsec-log-missing: the quick-mode responder's line is not logged
        if (this.has('ike-respond-ipsec-log-missing') && text.startsWith('[IKE] respond IPsec phase')) return;
        this.hooks.log(level, text);
      },
      deliver: (peer, bytes) => this.hooks.deliver(peer, bytes),
      onSend: (localPort, dst, bytes) => {
        const src = sockets.localOf(localPort, dst.host) ?? { host: '0.0.0.0', port: 0 };
        this.hooks.transmit({ kind: 'udp', src, dst, bytes });
      },
    });
    this.host = host;
    await host.start();
  }

  /** A changed IPsec config: the old SAs are deleted and key exchange starts again. */
  async restart(plan: IpsecPlan): Promise<void> {
    this.host?.stop();
    this.host = undefined;
    try {
      await this.start(plan);
    } catch (e) {
      this.hooks.log('DEBUG', `[IKE] cannot start: ${(e as Error).message}`);
    }
  }

  changed(plan: IpsecPlan): boolean {
    return keyOf(plan) !== this.planKey;
  }

  stop(opts: { silent?: boolean } = {}): void {
    this.host?.stop(opts);
    this.host = undefined;
    this.keyLog?.close();
    this.keyLog = undefined;
  }

  /** Sends L2TP to an IPsec tunnel's peer inside ESP; false when `to` is not one (plain UDP then). */
  send(to: string, bytes: Uint8Array): boolean {
    if (!this.host?.owns(to)) return false;
    // defect ipsec-l2tp-before-sa: without an SA the message goes out in cleartext
    if (this.has('ipsec-l2tp-before-sa') && !this.host.hasSa(to)) return false;
    this.host.send(to, bytes);
    return true;
  }

  /** Cleartext L2TP from an IPsec tunnel's peer: counted and dropped. */
  dropsCleartext(from: string): boolean {
    // defect ipsec-cleartext-accepted: cleartext from the IPsec peer is processed
    if (!this.host?.isIpsecPeer(from) || this.has('ipsec-cleartext-accepted')) return false;
    this.cleartextDropped++;
    return true;
  }

  /** For an L2TPv3/IPsec tunnel: whether its SA is up and since when (virtual ms); undefined for other tunnels. */
  tunnelState(tunnel: number): { up: boolean; sinceMs?: number; peer?: string } | undefined {
    if (!this.host?.isIpsecTunnel(tunnel)) return undefined;
    return { up: this.host.tunnelUp(tunnel), sinceMs: this.host.tunnelUpSince(tunnel), peer: this.host.tunnelPeer(tunnel) };
  }

  /** A log line with the pseudo peer of a responder-any tunnel (peerKeyOf) replaced by its SA's peer address. */
  displayText(line: string): string {
    if (!line.includes(PSEUDO)) return line;
    return line.replace(new RegExp(`${PSEUDO}(\\d+)`, 'g'), (m, g: string) => this.host?.saPeer(Number(g)) ?? m);
  }

  status(): IpsecSaStatus[] {
    return this.host?.status() ?? [];
  }
}

/** What decides whether the IPsec host must restart; the key is compared, never printed. */
function keyOf(plan: IpsecPlan): string {
  return JSON.stringify({ g: plan.gateways.map((g) => ({ ...g, psk: Buffer.from(g.psk).toString('base64') })), t: plan.tunnels, n: [...plan.remoteNames], l: [...plan.ikeLog].map(([g, k]) => [g, [...k]]) });
}
