// The @ipsec area's lab around the device: its L2TPv3/IPsec config (yamaha-platform-facts.md §1.4,
// the seed's 設定例4/5 shape) and the gateway the oracle predicts that config makes, built from
// the SAME test parameters (never read back from the device or the emulator's own config reader);
// tester peers over IPsec (drivers/peer/ipsec) whose L2TP starts once their SA is up; IKE-only
// peers for refusals; and a cleartext L2TPv3 probe from an IPsec peer's address.
import { Conversation, type Endpoint } from '../../drivers/peer/conversation.ts';
import { IpsecTransport, type IpsecTransportOptions } from '../../drivers/peer/ipsec/ipsec-transport.ts';
import { MemoryKeyLog } from '../../drivers/peer/ipsec/key-log-file.ts';
import { IPSEC_MISBEHAVIOURS, type IpsecMisbehaviourName } from '../../drivers/peer/ipsec/ipsec-misbehaviours.ts';
import type { PeerIpsecOptions } from '../../drivers/peer/ipsec/peer-ipsec-options.ts';
import { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { realNowMs } from '../../drivers/trace/trace-clock.ts';
import type { IkeGatewayConfig, IkeIdentity } from '../../reference-impl/ipsec/ike/ike-events.ts';
import { DEFAULT_ESP, DEFAULT_PHASE1, NAT_KEEPALIVE_DEFAULT_S, type IkeProfile } from '../../reference-impl/ipsec/ike/profile.ts';
import { ID_TYPE } from '../../reference-impl/ipsec/isakmp/constants.ts';
import { LAB_IDS, type RouterTunnelSpec } from '../../drivers/dut/lab-config.ts';
import type { TracedLab } from './trace-verdict.ts';

/** A throwaway lab key (masked in every attachment; the tests never print it). */
export const LAB_PSK = 'ipsec-suite-lab-psk-7f3e';
/** `ipsec tunnel 101` / `ipsec sa policy 101 1`, as the seed's examples. */
const POLICY = 101;
const GATEWAY = 1;
/** L2TPv3 is UDP 1701 inside ESP (`ipsec transport 1 101 udp 1701`). */
const L2TP_PORT = 1701;

export interface IpsecLabParams {
  /** Main mode (the peer's address fixed) or aggressive mode (`remote address any` + `remote name`). */
  readonly mode: 'main' | 'aggressive';
  /** The device's WAN address in this lab (DeviceLab.routerAddress: a loopback address of the lab's own). */
  readonly router: string;
  /** The peer the tunnel points at (its address on the wire: where its IKE binds UDP 500 and 4500). */
  readonly peer: string;
  /**
   * The same peer as the lab's tunnels and peers name it (DeviceLab maps it through the device
   * under test): on a physical bench the logical 127.0.0.2 that the inventory's first harness
   * address plays; default `peer` (an emulated lab's own loopback address plays itself).
   */
  readonly tunnelPeer?: string;
  /** Aggressive mode: the device's `ipsec ike remote name 1 NAME` (the peer's identity). */
  readonly remoteName?: string;
  /** `ipsec ike keepalive use 1 on dpd INTERVAL COUNT`, or off. */
  readonly dpd?: { intervalS: number; count: number };
}

/** The aggressive-mode peer's name (an FQDN identity, as `ipsec ike local name 1 NAME fqdn` on the dynamic side). */
export const PEER_NAME = 'site2.l2tpv3.example';

/** The config lines of the L2TPv3/IPsec tunnel (inside `tunnel select 1`) and the global transport line. */
export function ipsecConfig(build: (tunnels: readonly RouterTunnelSpec[]) => string, p: IpsecLabParams): string {
  const base = build([{ n: 1, peer: p.tunnelPeer ?? p.peer }]);
  const ike = [
    ' tunnel encapsulation l2tpv3',
    ` ipsec tunnel ${POLICY}`,
    // anti-replay-check=on said, not left to the model's default (off on some models, §1.4)
    `  ipsec sa policy ${POLICY} ${GATEWAY} esp ${DEFAULT_ESP.cipher} ${DEFAULT_ESP.integrity} anti-replay-check=on`,
    `  ipsec ike keepalive use ${GATEWAY} ${p.dpd ? `on dpd ${p.dpd.intervalS} ${p.dpd.count}` : 'off'}`,
    `  ipsec ike local address ${GATEWAY} ${p.router}`,
    // The peer can only send ESP in UDP 4500 (ipsec-facts.md "Node facts"): NAT traversal with
    // force=on (ESP in UDP even without a NAT, ipsec-facts.md), as the peer forces it too.
    `  ipsec ike nat-traversal ${GATEWAY} on force=on`,
    `  ipsec ike pre-shared-key ${GATEWAY} text ${LAB_PSK}`,
    ...(p.mode === 'aggressive' ? [`  ipsec ike remote address ${GATEWAY} any`, `  ipsec ike remote name ${GATEWAY} ${p.remoteName ?? PEER_NAME} fqdn`] : [`  ipsec ike remote address ${GATEWAY} ${p.peer}`]),
  ];
  const lines = base.split('\n');
  const at = lines.findIndex((l) => l === ' tunnel encapsulation l2tpv3-raw');
  if (at < 0) throw new Error('ipsec lab: the lab config has no l2tpv3-raw tunnel to turn into L2TPv3/IPsec');
  lines.splice(at, 1, ...ike);
  // CR: `ipsec auto refresh` is off by default: the device negotiates when L2TP needs an SA, so a
  // peer that starts IKE first meets no crossing exchange.
  const service = lines.findIndex((l) => l.startsWith('l2tp service'));
  lines.splice(service, 0, `ipsec transport 1 ${POLICY} udp ${L2TP_PORT}`, 'ipsec auto refresh off');
  return lines.join('\n');
}

/**
 * The gateway the oracle says this config makes (yamaha-platform-facts.md §1.4 defaults: AES-CBC,
 * SHA-1, MODP-1024 in phase 1; lifetimes the oracle's profile defaults), from the test's parameters.
 */
export function deviceGateway(p: IpsecLabParams): IkeGatewayConfig {
  return {
    gateway: GATEWAY,
    psk: Uint8Array.from(Buffer.from(LAB_PSK)),
    local: p.router,
    remote: p.mode === 'aggressive' ? 'any' : p.peer,
    exchange: p.mode,
    remoteId: p.mode === 'aggressive' ? { type: ID_TYPE.fqdn, value: p.remoteName ?? PEER_NAME } : undefined,
    phase1: [{ ...DEFAULT_PHASE1 }],
    esp: { ...DEFAULT_ESP },
    natTraversal: { on: true, force: true, keepaliveS: NAT_KEEPALIVE_DEFAULT_S },
    keepalive: p.dpd ? { method: 'dpd', intervalS: p.dpd.intervalS, count: p.dpd.count } : { method: 'off', intervalS: 10, count: 6 },
    autoRefresh: false,
    transport: { protocol: 17, port: L2TP_PORT },
  };
}

/** The tunnel-interface <-> gateway binding of the lab config (`tunnel select 1`, `ipsec tunnel 101` -> gateway 1). */
export const LAB_TUNNELS = [{ tunnel: 1, gateway: GATEWAY }] as const;

/** What a tester peer's IPsec side is: the lab key and the params' mode. */
export function peerIpsec(p: IpsecLabParams, extra: Partial<PeerIpsecOptions> = {}): PeerIpsecOptions {
  const localId: IkeIdentity | undefined = p.mode === 'aggressive' ? { type: ID_TYPE.fqdn, value: PEER_NAME } : undefined;
  return { psk: Uint8Array.from(Buffer.from(LAB_PSK)), mode: p.mode, ikeRole: 'initiator', natT: 'force', localId, ...extra };
}

/**
 * A peer's IPsec transport in a lab: the wire (ISAKMP, ESP in UDP 4500) goes into its own
 * Conversation, the L2TP datagrams it carries (as sent and as decrypted) into the lab's, so the
 * control channel of the verdict reads them as it reads a cleartext peer's. `awaitSa`: open()
 * returns once the SA is up, so the peer's L2TP starts (and its start is recorded) only then.
 */
export class LabIpsecTransport extends IpsecTransport {
  readonly wire: Conversation;
  readonly keys: MemoryKeyLog;
  /** Real ms when IKE started (the IPsec channel's stimulus). */
  startedAtReal?: number;
  private ep?: Endpoint;

  constructor(opts: Omit<IpsecTransportOptions, 'conversation' | 'keyLog'>, private readonly plain: Conversation, private readonly awaitSaMs?: number) {
    const wire = new Conversation();
    const keys = new MemoryKeyLog();
    super({ ...opts, conversation: wire, keyLog: keys, l2tpPort: L2TP_PORT });
    this.wire = wire;
    this.keys = keys;
  }

  /** Installs an IPsec misbehaviour (drivers/peer/ipsec/ipsec-misbehaviours.ts) on this transport (before open). */
  misbehave(name: IpsecMisbehaviourName, param?: string): void {
    const m = IPSEC_MISBEHAVIOURS[name] as { parameter?: { default: string }; install: (p: PeerTunnel, t: IpsecTransport, v: string) => void };
    if (name === 'ike-delete') throw new Error('ike-delete needs the L2TP peer: install it through the peer');
    m.install(undefined as unknown as PeerTunnel, this, param ?? m.parameter?.default ?? '');
  }

  override async open(receive: (bytes: Uint8Array, from: Endpoint) => void): Promise<Endpoint> {
    this.startedAtReal = realNowMs();
    this.ep = await super.open((bytes, from) => {
      this.plain.record('in', from, this.ep!, bytes);
      receive(bytes, from);
    });
    if (this.awaitSaMs !== undefined) await this.waitFor((e) => (e.kind === 'saUp' ? true : undefined), this.awaitSaMs, 'the IPsec SA before L2TP starts');
    return this.ep;
  }

  override send(bytes: Uint8Array, to: Endpoint, done: () => void): void {
    // held datagrams (no SA) are not recorded: they are not on the wire (yet)
    if (this.saUp && this.ep) this.plain.record('out', this.ep, to, bytes);
    super.send(bytes, to, done);
  }
}

/** Bounded wait for an SA between the peer and the device (IKE runs at the lab's time scale). */
export const SA_WAIT_MS = 15_000;

export interface PeerExtras {
  readonly extra?: Partial<PeerIpsecOptions>;
  /** The peer's IKE profile (e.g. when it renews its SAs). */
  readonly profile?: Partial<IkeProfile>;
  readonly misbehaviours?: readonly IpsecMisbehaviourName[];
  /** Called with the transport before it opens (an IpsecChannel watches it). */
  readonly watch?: (t: LabIpsecTransport) => void;
}

/** An L2TPv3 peer over IPsec (IKE initiator), started through the TracedLab once its SA is up. */
export async function ipsecPeer(t: TracedLab, p: IpsecLabParams, o: PeerExtras = {}): Promise<{ peer: PeerTunnel; ipsec: LabIpsecTransport }> {
  const ipsec = new LabIpsecTransport({ local: p.peer, device: p.router, ipsec: peerIpsec(p, o.extra), timeScale: t.lab.timeScale, profile: o.profile }, t.lab.conversation, SA_WAIT_MS);
  for (const m of o.misbehaviours ?? []) ipsec.misbehave(m);
  o.watch?.(ipsec);
  const peer = await t.peer(p.tunnelPeer ?? p.peer, { role: 'initiator', transport: ipsec, local: { host: p.peer, port: L2TP_PORT }, device: { host: p.router, port: L2TP_PORT } });
  return { peer, ipsec };
}

/** An IKE-only peer (no L2TP): for refusals, where no SA must come. Close it with `close()`. */
export async function ikeOnlyPeer(t: TracedLab, p: IpsecLabParams, address: string, o: PeerExtras = {}): Promise<LabIpsecTransport> {
  const ipsec = new LabIpsecTransport({ local: address, device: p.router, ipsec: peerIpsec(p, o.extra), timeScale: t.lab.timeScale, profile: o.profile }, new Conversation());
  for (const m of o.misbehaviours ?? []) ipsec.misbehave(m);
  o.watch?.(ipsec);
  await ipsec.open(() => undefined);
  return ipsec;
}

/**
 * Cleartext L2TPv3 from an IPsec peer's address to the device's L2TP port: a plain tester peer (no
 * IPsec) that dials as any L2TPv3 peer would (RFC 3931 §3.1), with its own conversation, outside
 * the lab's peers (the control oracle knows nothing of IPsec and would answer it). RTX carries
 * L2TPv3/IPsec only inside ESP (ipsec-facts.md), so nothing may come back: the IPsec channel
 * predicts its SCCRQs and no answer.
 */
export async function cleartextProbe(t: TracedLab, host: string): Promise<PeerTunnel> {
  const p = new PeerTunnel({
    local: { host, port: 0 }, device: { host: t.lab.routerAddress, port: t.lab.port }, role: 'initiator', conversation: new Conversation(),
    routerId: LAB_IDS.peerRouterId, endId: LAB_IDS.endId, timeScale: t.lab.timeScale, hostname: 'cleartext-probe',
  });
  await p.start();
  return p;
}
