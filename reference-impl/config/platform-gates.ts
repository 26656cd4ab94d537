// What the config validator needs to know about a model at a firmware revision: the seed's
// support table (through reference-impl/platform) plus the command reference's per-model gates.

import {
  capabilities,
  compareRevisions,
  firmwareSeries,
  modelFacts,
  parseRevision,
  rowsOf,
  revisionSeries,
  UnknownRevisionError,
  type Revision,
  type VpnTotal,
} from '../platform/index.ts';

export interface ConfigPlatform {
  model: string;
  /** undefined: the model's support does not depend on the revision ('any') */
  revision?: Revision;
  l2tpv3: boolean;
  l2tpv3Ipsec: boolean;
  maxL2tpv3Tunnels: number;
  /** タグVLAN機能との併用 */
  tagVlanWithL2tpv3: boolean;
  /** L2MSのマネージャーとの併用 (checked by l2ms-gates.ts) */
  l2msManagerWithL2tpv3: boolean;
  /** highest tunnel interface number: the VPN total of ※1 */
  maxTunnelInterfaces: number;
}

/** Assumptions the config validator adds on top of the platform matrix. */
export interface ConfigPlatformAssumptions {
  /** ASSUMPTION: no extension licence is imported, so ※2 limits and tunnel ranges as bridge members stay at base. */
  extensionLicence: boolean;
  /** ASSUMPTION: vRX runs in normal mode (※1: 6000 normal / 1000 compact). */
  vrxCompactMode: boolean;
}

export const DEFAULT_CONFIG_PLATFORM_ASSUMPTIONS: ConfigPlatformAssumptions = { extensionLicence: false, vrxCompactMode: false };

/**
 * The platform for `config check --model M --firmware REV`. A revision of the model's firmware
 * series that falls in no band of the seed's table has no L2TPv3: the seed lists the models and
 * firmware that support it ("以下の機種およびファームウェアで、L2TPv3をサポートしています").
 * Unknown models and revisions of another series throw the platform's errors (they list what is known).
 */
export function configPlatform(
  model: string,
  revision: string,
  assumptions: ConfigPlatformAssumptions = DEFAULT_CONFIG_PLATFORM_ASSUMPTIONS,
): ConfigPlatform {
  const facts = modelFacts(model);
  try {
    const c = capabilities(facts.name, revision);
    const total = c.vpnTotal;
    return {
      model: c.model,
      revision: c.revision === 'any' ? undefined : c.revision,
      l2tpv3: c.l2tpv3,
      l2tpv3Ipsec: c.l2tpv3Ipsec,
      maxL2tpv3Tunnels: c.maxL2tpv3Tunnels,
      tagVlanWithL2tpv3: c.tagVlan,
      l2msManagerWithL2tpv3: c.l2msManager,
      maxTunnelInterfaces: vpnCount(total, assumptions),
    };
  } catch (err) {
    if (!(err instanceof UnknownRevisionError) || revision === 'any') throw err;
    const rev = parseRevision(revision);
    if (revisionSeries(rev) !== firmwareSeries(facts.name)) throw err;
    return {
      model: facts.name,
      revision: rev,
      l2tpv3: false,
      l2tpv3Ipsec: false,
      maxL2tpv3Tunnels: 0,
      tagVlanWithL2tpv3: false,
      l2msManagerWithL2tpv3: false,
      // ASSUMPTION: the VPN total of the model's oldest listed band also holds before it
      maxTunnelInterfaces: vpnCount(rowsOf(facts.name)[0].vpnTotal, assumptions),
    };
  }
}

function vpnCount(total: VpnTotal, assumptions: ConfigPlatformAssumptions): number {
  return total.kind === 'modes' ? (assumptions.vrxCompactMode ? total.compactMode : total.normalMode) : total.count;
}

const rev = parseRevision;

// yamaha-platform-facts.md §1.2 (CR §14.1): several tunnel numbers in one `tunnel enable` are
// refused on RTX5000/3500 <= 14.00.25, RTX1210 <= 14.01.25 and RTX830 <= 15.02.02.
export const TUNNEL_ENABLE_SINGLE_ARGUMENT_UP_TO: Readonly<Record<string, Revision>> = {
  RTX5000: rev('14.00.25'),
  RTX3500: rev('14.00.25'),
  RTX1210: rev('14.01.25'),
  RTX830: rev('15.02.02'),
};

export function tunnelEnableTakesOneArgument(p: ConfigPlatform): boolean {
  const upTo = TUNNEL_ENABLE_SINGLE_ARGUMENT_UP_TO[p.model];
  return upTo !== undefined && p.revision !== undefined && compareRevisions(p.revision, upTo) <= 0;
}

// yamaha-platform-facts.md §1.5 (CR §9.2): `ethernet IF filter` lists hold 512 filters from
// Rev.14.01.16 / Rev.15.02, otherwise 100.
export const ETHERNET_FILTER_LIST_LIMIT = { new: 512, old: 100, from: [rev('14.01.16'), rev('15.02.00')] } as const;

export function ethernetFilterListLimit(p: ConfigPlatform): number {
  const r = p.revision;
  // ASSUMPTION: models whose support does not depend on the revision (vRX, RTX3510, RTX1300,
  // RTX1220: firmware newer than both bounds) have the new limit.
  if (r === undefined) return ETHERNET_FILTER_LIST_LIMIT.new;
  const [v14, v15] = ETHERNET_FILTER_LIST_LIMIT.from;
  const newer =
    (r.major === 14 && r.minor === 1 && compareRevisions(r, v14) >= 0) ||
    (r.major === 15 && compareRevisions(r, v15) >= 0) ||
    r.major > 15;
  return newer ? ETHERNET_FILTER_LIST_LIMIT.new : ETHERNET_FILTER_LIST_LIMIT.old;
}

// yamaha-platform-facts.md §3.3 (CR §4.22): console columns 80..4096, 80..200 on RTX5000/3500.
export const CONSOLE_COLUMNS_MAX: Readonly<Record<string, number>> = { RTX5000: 200, RTX3500: 200 };
export const CONSOLE_COLUMNS_MAX_DEFAULT = 4096;

// yamaha-platform-facts.md §1.3 (CR §45.1): `lanN.M` and `vlanN` members are not available on
// vRX or RTX1300; `tunnelN-tunnelM` ranges not on RTX830 without an extension licence.
export const BRIDGE_MEMBER_GATES = {
  noSubInterfaceMembers: ['vRX VMware ESXi版', 'RTX1300'],
  noTunnelRangeWithoutLicence: ['RTX830'],
} as const;
