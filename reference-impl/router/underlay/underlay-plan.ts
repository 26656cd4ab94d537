// Which L2TPv3 peers the router reaches through an IPv4-over-IPv6 tunnel interface, and that
// tunnel's ends: the config's `tunnel encapsulation ipip|map-e` tunnels (facts §1.2, CR §14.4) and
// the IPv4 routes into them (`ip route default gateway tunnel 1`, as the real IPIP and MAP-E
// configs topologies/real-configs/ribbit-rtx1300-ipip-v6plus.conf and zenn-rtx1210-map-e.conf
// have). Pure: the MAP-E rule the service would hand out comes from the lab as data. The choices
// no document makes are named in underlay-router-assumptions.ts (ipip-inner-source,
// map-e-rule-from-lab, tunnel-route-selects-underlay).
import { commands, interfaceAddresses, l2tpTunnels, type ConfigDocument } from '../../config/index.ts';
import { l2tpSourcePort, mapECe, type MapECe, type MapERule } from '../../underlay/index.ts';

/** What a lab gives a MAP-E CE instead of the service's rule server and DHCPv6-PD. */
export interface MapELabParams {
  readonly rule: MapERule;
  /** The CE's delegated End-user IPv6 prefix, e.g. `2001:db8:12:3400::/56`. */
  readonly endUserPrefix: string;
}

export interface UnderlayPlan {
  readonly kind: 'ipip' | 'map-e';
  /** The ipip/map-e tunnel interface number. */
  readonly tunnel: number;
  /** Own IPv6 tunnel end (IPIP: `tunnel endpoint address` local, else the WAN address; MAP-E: the MAP address). */
  readonly local6: string;
  /** The far end: the ISP's IPIP gateway, or the border relay. */
  readonly remote6: string;
  /** Own IPv4 address inside the tunnel. */
  readonly ipv4: string;
  /** MAP-E only: the CE's port set. */
  readonly ce?: MapECe;
  /** The UDP source port L2TPv3 leaves with: 1701, or under MAP-E `l2tpSourcePort` (assumption map-e-l2tp-source-port). */
  readonly sourcePort: number;
  /** `tunnel map-e type` as configured (informational: the lab's rule stands in for every type). */
  readonly mapEType?: string;
  /** L2TPv3 peer addresses routed into this tunnel. */
  readonly peers: readonly string[];
}

export class UnderlayPlanError extends Error {}


interface Route {
  readonly prefix: string;
  /** undefined: the gateway is not a tunnel interface */
  readonly tunnel?: number;
}

/** `ip route DEST gateway ...` lines (an unmodelled command: read from the line text); later lines replace earlier ones. */
export function ipRoutes(doc: ConfigDocument): Route[] {
  const byPrefix = new Map<string, Route>();
  for (const line of doc.lines) {
    const m = /^\s*(no\s+)?ip\s+route\s+(\S+)(?:\s+gateway\s+(\S+)(?:\s+(\d+))?)?/.exec(line.text);
    if (!m) continue;
    const prefix = m[2] === 'default' ? '0.0.0.0/0' : m[2].includes('/') ? m[2] : `${m[2]}/32`;
    if (m[1]) byPrefix.delete(prefix);
    else if (m[3]) byPrefix.set(prefix, { prefix, ...(m[3] === 'tunnel' && m[4] ? { tunnel: Number(m[4]) } : {}) });
  }
  return [...byPrefix.values()];
}

/**
 * The underlay of the config, or undefined when no L2TPv3 peer is routed into an ipip/map-e
 * tunnel. `wanIpv6`: the router's own address on the IPv6 WAN (an IPIP tunnel without a local
 * endpoint uses it, CR §14.9 "an address of a suitable interface").
 */
export function planUnderlay(doc: ConfigDocument, lab: { wanIpv6?: string; mapE?: MapELabParams } = {}): UnderlayPlan | undefined {
  const routes = ipRoutes(doc);
  const l2tp = l2tpTunnels(doc).filter((t) => t.endpointAddress && !t.endpointAddress.remote.includes(':'));
  const byTunnel = new Map<number, string[]>();
  for (const t of l2tp) {
    const peer = t.endpointAddress!.remote;
    const r = longestMatch(routes, peer);
    if (r?.tunnel !== undefined) byTunnel.set(r.tunnel, [...(byTunnel.get(r.tunnel) ?? []), peer]);
  }
  const all = commands(doc);
  for (const [tunnel, peers] of [...byTunnel].sort((a, b) => a[0] - b[0])) {
    const inT = all.filter((c) => c.line.tunnel === tunnel);
    const lastOf = (id: string) => inT.filter((c) => c.command.id === id).at(-1);
    const enc = lastOf('tunnel encapsulation');
    const type = enc && !enc.command.negated ? String(enc.command.values.type) : undefined;
    if (type === 'ipip') {
      const ep = lastOf('tunnel endpoint address');
      const remote6 = ep && !ep.command.negated ? String(ep.command.values.remote) : undefined;
      if (!remote6 || !remote6.includes(':')) throw new UnderlayPlanError(`tunnel ${tunnel} (ipip): needs an IPv6 \`tunnel endpoint address\` (CR §14.9)`);
      const local = ep!.command.values.local;
      const local6 = local !== undefined ? String(local) : lab.wanIpv6;
      if (!local6) throw new UnderlayPlanError(`tunnel ${tunnel} (ipip): no local endpoint address and no IPv6 WAN address given`);
      const inner = l2tp.find((t) => peers.includes(t.endpointAddress!.remote) && t.endpointAddress!.local)?.endpointAddress?.local ?? firstLanIpv4(doc);
      if (!inner) throw new UnderlayPlanError(`tunnel ${tunnel} (ipip): no IPv4 address to send from (assumption ipip-inner-source, underlay-router-assumptions.ts)`);
      return { kind: 'ipip', tunnel, local6, remote6, ipv4: inner, sourcePort: 1701, peers };
    }
    if (type === 'map-e') {
      if (!lab.mapE) throw new UnderlayPlanError(`tunnel ${tunnel} (map-e): the lab gives no MAP-E rule (router --map-e RULE_JSON)`);
      const ce = mapECe(lab.mapE.rule, lab.mapE.endUserPrefix);
      const mt = lastOf('tunnel map-e type');
      return {
        kind: 'map-e', tunnel, local6: ce.ceIpv6, remote6: ce.brIpv6, ipv4: ce.ipv4, ce, sourcePort: l2tpSourcePort(ce),
        ...(mt && !mt.command.negated ? { mapEType: String(mt.command.values.type) } : {}), peers,
      };
    }
  }
  return undefined;
}

function firstLanIpv4(doc: ConfigDocument): string | undefined {
  return interfaceAddresses(doc).map((a) => a.address).find((a) => /^\d+\.\d+\.\d+\.\d+/.test(a))?.replace(/\/\d+$/, '');
}

function longestMatch(routes: readonly Route[], addr: string): Route | undefined {
  let best: Route | undefined;
  let bestLen = -1;
  for (const r of routes) {
    const [net, lenText] = r.prefix.split('/');
    const len = Number(lenText);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(net) || !(len >= 0 && len <= 32)) continue;
    const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
    if (((toInt(addr) & mask) >>> 0) === ((toInt(net) & mask) >>> 0) && len > bestLen) {
      best = r;
      bestLen = len;
    }
  }
  return best;
}

const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;

/** `router --map-e JSON`: `{"rule": {ipv6Prefix, ipv4Prefix, eaBits, psidOffset?, brAddress}, "endUserPrefix": "..."}`, checked by deriving the CE. */
export function parseMapELabParams(text: string): MapELabParams {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UnderlayPlanError('--map-e: not JSON (expected {"rule": {...}, "endUserPrefix": "..."})');
  }
  const o = v as { rule?: Partial<MapERule>; endUserPrefix?: unknown };
  const r = o?.rule;
  if (!r || typeof r !== 'object' || typeof o.endUserPrefix !== 'string') throw new UnderlayPlanError('--map-e: expected {"rule": {...}, "endUserPrefix": "..."}');
  for (const k of ['ipv6Prefix', 'ipv4Prefix', 'brAddress'] as const) if (typeof r[k] !== 'string') throw new UnderlayPlanError(`--map-e: rule.${k} must be a string`);
  if (typeof r.eaBits !== 'number' || (r.psidOffset !== undefined && typeof r.psidOffset !== 'number')) throw new UnderlayPlanError('--map-e: rule.eaBits (and psidOffset) must be numbers');
  const params: MapELabParams = { rule: r as MapERule, endUserPrefix: o.endUserPrefix };
  try {
    mapECe(params.rule, params.endUserPrefix);
  } catch (e) {
    throw new UnderlayPlanError(`--map-e: ${(e as Error).message}`);
  }
  return params;
}
