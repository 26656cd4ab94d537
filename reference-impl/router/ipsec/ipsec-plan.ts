// From a parsed config to what the emulated router's IPsec runs (issue 15 point 1): one IKEv1
// gateway (ike/ike-events.ts IkeGatewayConfig) per `ipsec ike ... GW` group that an L2TPv3/IPsec
// tunnel uses through `ipsec tunnel P` -> `ipsec sa policy P GW esp ...`, and which L2TP peer each
// tunnel's traffic goes to. Facts: yamaha-platform-facts.md §1.4, ipsec-facts.md; guesses are the
// named assumptions of ipsec-assumptions.ts. Pure.
import { commands, l2tpTunnels, param, params, type CommandAt, type ConfigDocument, type L2tpTunnelView } from '../../config/index.ts';
import { isCipherName, isIntegrityName } from '../../ipsec/cipher-suite.ts';
import { DEFAULT_ESP, DEFAULT_PHASE1, KEEPALIVE_DEFAULTS, NAT_KEEPALIVE_DEFAULT_S } from '../../ipsec/ike/profile.ts';
import type { IkeGatewayConfig, IkeIdentity, KeepaliveConfig } from '../../ipsec/ike/ike-events.ts';
import { ID_TYPE, type IdType } from '../../ipsec/isakmp/constants.ts';
import { IPSEC_ASSUMPTION_VALUES } from './ipsec-assumptions.ts';
import type { IkeLogKind } from './ike-debug-log.ts';

/** One L2TPv3/IPsec tunnel interface and the gateway that protects it. */
export interface IpsecTunnelBinding {
  tunnel: number;
  gateway: number;
  policy: number;
  /**
   * The address the L2TP control plane uses for the peer: `tunnel endpoint address`'s remote, or
   * (responder with `ipsec ike remote address any`, or a peer known by name only) the pseudo
   * address `peerKeyOf(gateway)`, which the IPsec layer maps to the SA's peer.
   */
  l2tpPeer: string;
}

export interface IpsecPlan {
  gateways: IkeGatewayConfig[];
  tunnels: IpsecTunnelBinding[];
  /** gateway -> the host name of `ipsec ike remote address` (resolved when key exchange starts, §1.4). */
  remoteNames: Map<number, string>;
  /** gateway -> `anti-replay-check` of its SA policy (yamaha-platform-facts.md §1.4). */
  antiReplay: Map<number, boolean>;
  /** gateway -> `ipsec ike keepalive log GW on|off` (default on, §1.4). */
  keepaliveLog: Map<number, boolean>;
  /** gateway -> `ipsec ike log` kinds (a line without a gateway applies to every gateway). */
  ikeLog: Map<number, Set<IkeLogKind>>;
  /** gateways left out, and why (an algorithm the oracle has no row for, no pre-shared key, ...). */
  skipped: { gateway: number; reason: string }[];
}

/** The L2TP peer of a tunnel whose IPsec peer is known only once its SA is up. */
export function peerKeyOf(gateway: number): string {
  return `ipsec-gateway-${gateway}`;
}

/** CR §15.17/§15.14 name types -> RFC 2407 §4.6.2.1 ID types ('name-type-mapping'). */
const NAME_TYPES: Readonly<Record<string, IdType>> = {
  'ipv4-addr': ID_TYPE.ipv4Addr,
  'ipv6-addr': ID_TYPE.ipv6Addr,
  fqdn: ID_TYPE.fqdn,
  'user-fqdn': ID_TYPE.userFqdn,
  'rfc822-addr': ID_TYPE.userFqdn,
  'key-id': ID_TYPE.keyId,
  tel: ID_TYPE.keyId,
  'tel-key': ID_TYPE.keyId,
};

/** facts §6: L2TP is UDP 1701. */
const L2TP_PORT = 1701;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const isAddress = (s: string): boolean => IPV4.test(s) || s.includes(':');

function lastOf(all: readonly CommandAt[], id: string, gateway?: number): CommandAt | undefined {
  let found: CommandAt | undefined;
  for (const c of all) {
    if (c.command.id !== id) continue;
    if (gateway !== undefined && Number(param(c.command, 'gateway')) !== gateway) continue;
    found = c.command.negated ? undefined : c;
  }
  return found;
}

const str = (c: CommandAt | undefined, name: string): string | undefined => {
  const v = c && param(c.command, name);
  return v === undefined ? undefined : String(v);
};

function identity(c: CommandAt | undefined): IkeIdentity | undefined {
  const name = str(c, 'name');
  if (name === undefined) return undefined;
  const type = NAME_TYPES[str(c, 'type') ?? IPSEC_ASSUMPTION_VALUES.defaultNameType];
  return { type, value: name };
}

/** `ipsec auto refresh [GW] on|off` (§1.4): global default off, per-gateway default on; global off wins. */
function autoRefresh(all: readonly CommandAt[], gateway: number): boolean {
  let global = false;
  let own = true;
  for (const c of all) {
    if (c.command.id !== 'ipsec auto refresh') continue;
    const on = str(c, 'switch') === 'on' && !c.command.negated;
    const g = param(c.command, 'gateway');
    if (g === undefined) global = on;
    else if (Number(g) === gateway) own = c.command.negated ? true : on;
  }
  return global && own;
}

function keepalive(c: CommandAt | undefined): KeepaliveConfig {
  const sw = str(c, 'switch') ?? 'auto';
  const intervalS = Number(str(c, 'interval') ?? KEEPALIVE_DEFAULTS.intervalS);
  const count = Number(str(c, 'count') ?? KEEPALIVE_DEFAULTS.count);
  if (sw === 'off') return { method: 'off', intervalS, count };
  const method = str(c, 'method') ?? (c && str(c, 'target') !== undefined ? 'icmp-echo' : IPSEC_ASSUMPTION_VALUES.defaultKeepaliveMethod);
  // 'keepalive-auto': `auto` (the default) sends nothing unless DPD is named.
  if (sw === 'auto' && method !== 'dpd') return { method: 'off', intervalS, count };
  // rfc4306 and icmp-echo are not modelled: like heartbeat, nothing is sent ('heartbeat-not-modelled').
  return { method: method === 'dpd' ? 'dpd' : 'heartbeat', intervalS, count };
}

/** §1.4: `anti-replay-check` defaults to off on RTX3510 and RTX1300, on elsewhere. */
export function antiReplayDefault(model: string): boolean {
  return !['RTX3510', 'RTX1300'].includes(model);
}

export interface IpsecPlanOptions {
  /** The model (the `anti-replay-check` default); default: a model where it is on. */
  model?: string;
  /** The router's own address when nothing in the config names one (its WAN address). */
  fallbackLocal: string;
  /** EMULATOR_IPSEC_LIMITS.espOnlyInUdp: ESP always goes in UDP 4500 (no IP protocol 50 path). */
  forceUdpEncapsulation: boolean;
}

export function planIpsec(doc: ConfigDocument, opts: IpsecPlanOptions): IpsecPlan {
  const all = commands(doc);
  const views = l2tpTunnels(doc).filter((v) => v.ipsec && v.ipsecPolicy !== undefined);
  const plan: IpsecPlan = { gateways: [], tunnels: [], remoteNames: new Map(), antiReplay: new Map(), keepaliveLog: new Map(), ikeLog: new Map(), skipped: [] };
  for (const v of views) {
    const pol = all.filter((c) => c.command.id === 'ipsec sa policy' && Number(param(c.command, 'policy')) === v.ipsecPolicy).pop();
    if (!pol || pol.command.negated) continue;
    const gateway = Number(param(pol.command, 'gateway'));
    if (!plan.gateways.some((g) => g.gateway === gateway) && !plan.skipped.some((s) => s.gateway === gateway)) {
      const gw = gatewayOf(all, gateway, pol, v, opts);
      if (typeof gw === 'string') plan.skipped.push({ gateway, reason: gw });
      else {
        plan.gateways.push(gw.config);
        const ar = str(pol, 'antiReplay');
        plan.antiReplay.set(gateway, ar === undefined ? antiReplayDefault(opts.model ?? '') : ar === 'on');
        plan.keepaliveLog.set(gateway, str(lastOf(all, 'ipsec ike keepalive log', gateway), 'log') !== 'off');
        if (gw.remoteName) plan.remoteNames.set(gateway, gw.remoteName);
      }
    }
    if (plan.skipped.some((s) => s.gateway === gateway)) continue;
    plan.tunnels.push({ tunnel: v.tunnel, gateway, policy: v.ipsecPolicy!, l2tpPeer: v.endpointAddress?.remote ?? peerKeyOf(gateway) });
  }
  for (const g of plan.gateways) plan.ikeLog.set(g.gateway, ikeLogKinds(all, g.gateway));
  return plan;
}

/** `ipsec ike log [GW] KIND...` (CR §15.42): the last line for the gateway, or the global one. */
function ikeLogKinds(all: readonly CommandAt[], gateway: number): Set<IkeLogKind> {
  let kinds = new Set<IkeLogKind>();
  for (const c of all) {
    if (c.command.id !== 'ipsec ike log') continue;
    const g = param(c.command, 'gateway');
    if (g !== undefined && Number(g) !== gateway) continue;
    kinds = c.command.negated ? new Set() : new Set(params(c.command, 'kinds').map((k) => String(k) as IkeLogKind));
  }
  return kinds;
}

function gatewayOf(all: readonly CommandAt[], gateway: number, policy: CommandAt, v: L2tpTunnelView, opts: IpsecPlanOptions): { config: IkeGatewayConfig; remoteName?: string } | string {
  const g = (id: string) => lastOf(all, id, gateway);
  const key = str(g('ipsec ike pre-shared-key'), 'key');
  // §1.4 (CR §15.5): without a key no key exchange happens.
  if (key === undefined) return 'no ipsec ike pre-shared-key';
  const psk = /^0x([0-9a-fA-F]{2})+$/.test(key) && !/\stext\s/.test(g('ipsec ike pre-shared-key')!.line.text) ? Buffer.from(key.slice(2), 'hex') : Buffer.from(key, 'utf8');
  const esp = str(policy, 'esp') ?? DEFAULT_ESP.cipher;
  const auth = str(policy, 'auth') ?? DEFAULT_ESP.integrity;
  if (!isCipherName(esp)) return `ESP algorithm ${esp} is not modelled by the IPsec oracle`;
  if (!isIntegrityName(auth)) return `ESP authentication ${auth} is not modelled by the IPsec oracle`;
  const remoteText = str(g('ipsec ike remote address'), 'address');
  const localAddr = str(g('ipsec ike local address'), 'address');
  const local = localAddr ?? v.endpointAddress?.local ?? opts.fallbackLocal;
  const remote = remoteText === undefined ? v.endpointAddress?.remote : remoteText;
  if (remote === undefined) return 'no ipsec ike remote address and no tunnel endpoint address';
  const remoteName = remote !== 'any' && !isAddress(remote) ? remote : undefined;
  const localId = identity(g('ipsec ike local name'));
  const remoteId = identity(g('ipsec ike remote name'));
  // ipsec-facts.md: aggressive mode when one end is dynamic: the dynamic side sends its local name,
  // the fixed side has `remote address any` and a remote name; main mode otherwise.
  const aggressive = remote === 'any' ? remoteId !== undefined : localId !== undefined;
  const nat = g('ipsec ike nat-traversal');
  const natOn = str(nat, 'switch') === 'on';
  const natKa = str(nat, 'keepalive');
  return {
    remoteName,
    config: {
      gateway,
      psk: Uint8Array.from(psk),
      local,
      // a host name is resolved when key exchange starts; until then the gateway answers nobody
      remote: remoteName ? '0.0.0.0' : remote,
      exchange: aggressive ? 'aggressive' : 'main',
      localId: aggressive && remote !== 'any' ? localId : undefined,
      remoteId: aggressive && remote === 'any' ? remoteId : undefined,
      phase1: [{ ...DEFAULT_PHASE1, lifetimeS: undefined }],
      esp: { cipher: esp, integrity: auth },
      natTraversal: {
        on: natOn || opts.forceUdpEncapsulation,
        force: str(nat, 'force') === 'on' || opts.forceUdpEncapsulation,
        keepaliveS: natKa === 'off' ? 'off' : natKa !== undefined ? Number(natKa) : NAT_KEEPALIVE_DEFAULT_S,
      },
      keepalive: keepalive(g('ipsec ike keepalive use')),
      autoRefresh: autoRefresh(all, gateway),
      transport: transportOf(all, Number(param(policy.command, 'policy'))),
    },
  };
}

/** `ipsec transport ID POLICY udp 1701` (§1.4): the protected protocol and port. */
function transportOf(all: readonly CommandAt[], policy: number): { protocol: number; port: number } {
  const t = all.filter((c) => c.command.id === 'ipsec transport' && !c.command.negated && Number(param(c.command, 'policy')) === policy).pop();
  const proto = str(t, 'proto');
  const port = Number(str(t, 'srcPorts') ?? L2TP_PORT);
  return { protocol: proto === 'tcp' ? 6 : 17, port: Number.isInteger(port) ? port : L2TP_PORT };
}
