// From a parsed config to what the emulated router runs: validation against the model and
// revision, tunnel settings for the control-plane oracle, bridges, own addresses, syslog switches
// and hosts, filter lists. Pure.
import {
  bridges,
  canonicalText,
  commands,
  configPlatform,
  interfaceAddresses,
  l2tpService,
  l2msSettings,
  l2tpTunnels,
  lineWords,
  param,
  params,
  validateConfig,
  type BridgeView,
  type ConfigDocument,
  type ConfigIssue,
  type L2msSettings,
  type L2tpTunnelView,
} from '../config/index.ts';
import type { TunnelConfig } from '../control/node.ts';
import type { TunnelSettings } from '../control/tunnel-settings.ts';
import { tunnelSettingsFromConfig } from '../control/tunnel-settings-from-config.ts';
import { parseEthernetFilter, parseIpFilter, type EthernetFilterRule, type IpFilterRule } from '../filter/index.ts';
import { capabilities, rowsOf, sampleRevision, modelFacts, type Capabilities } from '../platform/index.ts';
import type { DefectName } from './defects.ts';
import { SYSLOG_WIRE_ASSUMPTIONS, type SyslogSwitches } from './syslog-format.ts';
import { EMULATOR_IPSEC_LIMITS } from './ipsec/ipsec-assumptions.ts';
import { planIpsec, type IpsecPlan } from './ipsec/ipsec-plan.ts';

/**
 * An L2TPv3/IPsec tunnel (`tunnel encapsulation l2tpv3`) runs IKEv1 and carries L2TP only inside
 * ESP (router/ipsec/, issue 15). Emulator limits of that path: router/ipsec/ipsec-assumptions.ts.
 */
export const EMULATOR_LIMITS = { ...EMULATOR_IPSEC_LIMITS } as const;

/** Validation rules a defect switches off (platform gating). */
const GATE_DEFECTS: Partial<Record<DefectName, readonly string[]>> = {
  'unsupported-feature-accepted': ['l2tpv3-unsupported', 'l2tpv3-ipsec-unsupported'],
  'tunnel-limit-not-enforced': ['too-many-l2tpv3-tunnels'],
  'l2ms-gating-not-enforced': ['l2ms-unavailable', 'l2ms-manager-with-l2tpv3'],
};

export function effectiveIssues(doc: ConfigDocument, model: string, firmware: string, defects: ReadonlySet<DefectName>): ConfigIssue[] {
  const ignored = new Set([...defects].flatMap((d) => GATE_DEFECTS[d] ?? []));
  const issues = validateConfig(doc, configPlatform(model, firmware)).filter((i) => !ignored.has(i.rule));
  // defect tunnel-limit-off-by-one: the first tunnel over the maximum slips through (the next is refused)
  const over = issues.findIndex((i) => i.rule === 'too-many-l2tpv3-tunnels');
  return defects.has('tunnel-limit-off-by-one') && over >= 0 ? issues.filter((_, k) => k !== over) : issues;
}

export interface FilterBinding {
  interface: string;
  direction: 'in' | 'out';
  ids: number[];
}

export interface RouterPlan {
  caps: Capabilities;
  service: boolean;
  tunnels: TunnelConfig[];
  tunnelViews: L2tpTunnelView[];
  bridges: BridgeView[];
  /** interface -> IPv4 `ADDR/LEN` and IPv6 `ADDR/LEN` */
  ipv4: Map<string, string[]>;
  ipv6: Map<string, string[]>;
  syslog: SyslogSwitches;
  syslogHosts: string[];
  ethernetFilters: EthernetFilterRule[];
  ipFilters: IpFilterRule[];
  ethernetBindings: FilterBinding[];
  ipBindings: FilterBinding[];
  /** `ip IF inbound filter LIST` (input blocking, seed ※1): interface -> ids */
  inboundBindings: Map<string, number[]>;
  /** L2MS mode and `switch control use` (seed: L2TPv3とL2MS; router/l2ms-stage.ts) */
  l2ms: L2msSettings;
  /** IKE gateways and the L2TPv3/IPsec tunnels they protect (router/ipsec/ipsec-plan.ts). */
  ipsec: IpsecPlan;
}

export function tunnelSettingsFrom(v: L2tpTunnelView, model: string, defects: ReadonlySet<DefectName>): TunnelSettings {
  const s = tunnelSettingsFromConfig(v, model);
  return {
    ...s,
    // defect hostname-not-configured: the Host Name AVP carries the model name
    hostname: defects.has('hostname-not-configured') ? model : s.hostname,
    // defect hello-count-off-by-one: one unanswered Hello more before declaring the peer down
    // defects keepalive-interval-doubled / hello-count-one-short: the timer's interval or count off
    keepalive: {
      ...s.keepalive,
      intervalS: s.keepalive.intervalS * (defects.has('keepalive-interval-doubled') ? 2 : 1),
      count: Math.max(1, s.keepalive.count + (defects.has('hello-count-off-by-one') ? 1 : 0) - (defects.has('hello-count-one-short') ? 1 : 0)),
    },
    // defect router-id-not-checked: compare against nothing (see routerIdCheck in router.ts)
    remoteRouterId: defects.has('router-id-not-checked') ? '0.0.0.0' : s.remoteRouterId,
    // defect end-id-not-checked: any received end-id accepted (oracle ASSUMPTION for "not configured")
    remoteEndId: defects.has('end-id-not-checked') ? undefined : s.remoteEndId,
  };
}

/**
 * The platform row for the revision; a revision before every band of the seed's table (no L2TPv3,
 * refused by validation unless a defect lets it through) borrows the oldest band's figures.
 */
function capabilitiesOrOldest(model: string, firmware: string): Capabilities {
  try {
    return capabilities(model, firmware);
  } catch (e) {
    const rows = rowsOf(modelFacts(model).name);
    if (rows.length === 0) throw e;
    return capabilities(model, sampleRevision(rows[0]));
  }
}

/**
 * ipsecLocal: the router's own address where no IPsec command names one (its WAN address);
 * plainEsp: the router can send IP protocol 50 (--esp-plain), else ESP always goes in UDP ('esp-only-in-udp').
 */
export function planRouter(doc: ConfigDocument, model: string, firmware: string, defects: ReadonlySet<DefectName>, ipsecLocal = '0.0.0.0', plainEsp = false): RouterPlan {
  const caps = capabilitiesOrOldest(model, firmware);
  const ipsec = planIpsec(doc, { model: caps.model, fallbackLocal: ipsecLocal, forceUdpEncapsulation: EMULATOR_LIMITS.espOnlyInUdp && !plainEsp });
  // an IPsec tunnel's L2TP peer is its binding's (a pseudo address when only the SA knows the peer)
  const peerOf = (v: L2tpTunnelView): string | undefined => (v.ipsec ? ipsec.tunnels.find((b) => b.tunnel === v.tunnel)?.l2tpPeer : v.endpointAddress?.remote);
  const views = l2tpTunnels(doc).filter((v) => peerOf(v) !== undefined);
  const answersOnly = (v: L2tpTunnelView): boolean => {
    const b = v.ipsec ? ipsec.tunnels.find((t) => t.tunnel === v.tunnel) : undefined;
    return b !== undefined && !v.endpointAddress && ipsec.gateways.find((g) => g.gateway === b.gateway)?.remote === 'any';
  };
  const tunnels: TunnelConfig[] = views.map((v) => ({
    // 'any-side-does-not-dial': a tunnel whose peer only its SA knows cannot dial (ipsec-assumptions.ts)
    settings: { ...tunnelSettingsFrom(v, caps.model, defects), ...(answersOnly(v) ? { alwaysOn: false } : {}) },
    remoteAddress: peerOf(v)!,
    enabled: v.enabled,
  }));
  const ipv4 = new Map<string, string[]>();
  for (const a of interfaceAddresses(doc)) if (a.address !== 'dhcp') ipv4.set(a.interface, [a.address]);
  const ipv6 = new Map<string, string[]>();
  const syslog: SyslogSwitches = { ...SYSLOG_WIRE_ASSUMPTIONS.defaults };
  const syslogHosts: string[] = [];
  const ethernetFilters: EthernetFilterRule[] = [];
  const ipFilters: IpFilterRule[] = [];
  const ethernetBindings: FilterBinding[] = [];
  const ipBindings: FilterBinding[] = [];
  const inboundBindings = new Map<string, number[]>();
  for (const line of doc.lines) {
    if (line.parsed.kind !== 'unknown') continue;
    const w = lineWords(line);
    // `ipv6 IF address ADDR/LEN` is outside the modelled subset: read it here. An address from a
    // router advertisement (`ra-prefix@lan2::1/64`) is known only once the prefix arrives: the lab
    // gives it to the interface (drivers/lab/lab-ra.ts), so it is not read as a literal address.
    if (w[0] === 'ipv6' && w[2] === 'address' && w[3]?.includes(':') && !w[3].includes('@')) ipv6.set(w[1], [...(ipv6.get(w[1]) ?? []), w[3]]);
    if (w[0] === 'ip' && w[2] === 'inbound' && w[3] === 'filter') inboundBindings.set(w[1], w.slice(4).map(Number).filter(Number.isInteger));
  }
  for (const { command, line } of commands(doc)) {
    const on = String(param(command, 'switch')) === 'on' && !command.negated;
    switch (command.id) {
      case 'syslog level':
        syslog[String(param(command, 'level')) as keyof SyslogSwitches] = on;
        break;
      case 'syslog host':
        if (!command.negated) syslogHosts.push(String(param(command, 'host')));
        break;
      case 'ethernet filter':
        if (!command.negated) ethernetFilters.push(parseEthernetFilter(canonicalText(line)));
        break;
      case 'ip filter':
        if (!command.negated) ipFilters.push(parseIpFilter(canonicalText(line)));
        break;
      case 'ethernet interface filter':
        ethernetBindings.push({ interface: String(param(command, 'interface')), direction: param(command, 'direction') as 'in' | 'out', ids: params(command, 'filters').map(Number) });
        break;
      case 'ip secure filter':
        ipBindings.push({ interface: String(param(command, 'interface')), direction: param(command, 'direction') as 'in' | 'out', ids: params(command, 'filters').map(Number) });
        break;
    }
  }
  return {
    caps,
    service: l2tpService(doc).enabled,
    tunnels,
    tunnelViews: views,
    bridges: bridges(doc),
    ipv4,
    ipv6,
    syslog,
    syslogHosts,
    ethernetFilters,
    ipFilters,
    ethernetBindings,
    ipBindings,
    inboundBindings,
    l2ms: l2msSettings(doc),
    ipsec,
  };
}
