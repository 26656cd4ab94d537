// The feature columns of the compatibility matrix: one id per feature area of the suites (issue 9,
// "Feature areas") plus the platform-gated combinations of the seed's support table. Suites tag their
// tests with these ids; the matrix orders its columns by this list.
//
// `gate` names the support-table column that decides whether a model at a revision documents the
// feature (seed: 対応機種とファームウェアリビジョン, via reference-impl/platform capabilities()); an
// ungated feature is part of L2TPv3 itself, documented wherever L2TPv3 is.
// `severity` is the Allure severity of a failing test of that area: a triage choice of this project
// (how much a failure hurts a QA team's release decision), not a documented fact.

import type { Capabilities } from '../../reference-impl/platform/index.ts';

export type AllureSeverity = 'blocker' | 'critical' | 'normal' | 'minor' | 'trivial';

export type CapabilityGate = 'l2tpv3Ipsec' | 'tagVlan' | 'l2msManager' | 'tunnelInterfaceFilter';

export interface FeatureDef {
  readonly id: string;
  readonly title: string;
  readonly severity: AllureSeverity;
  readonly gate?: CapabilityGate;
}

export const FEATURES = [
  { id: 'control-connection', title: 'Control connection and sessions', severity: 'blocker' },
  { id: 'tunnel-auth', title: 'Tunnel authentication', severity: 'critical' },
  { id: 'router-id', title: 'Router-ID / End-ID', severity: 'critical' },
  { id: 'tie-breaking', title: 'Tie-breaking', severity: 'normal' },
  { id: 'timers', title: 'Keepalive and disconnect timers', severity: 'normal' },
  { id: 'syslog', title: 'Syslog catalogue', severity: 'minor' },
  { id: 'frame-kinds', title: 'Frame kinds (unicast, multicast, broadcast, anycast, 802.1Q)', severity: 'critical' },
  { id: 'learning-table', title: 'Learning table (ageing, static entries, capacity)', severity: 'normal' },
  { id: 'filters', title: 'Filters and stage order', severity: 'critical' },
  { id: 'platform-gating', title: 'Platform gating', severity: 'normal' },
  { id: 'malformed-input', title: 'Malformed input', severity: 'critical' },
  { id: 'seed-examples', title: 'Seed examples 1-3 end to end', severity: 'blocker' },
  { id: 'scale', title: 'Scale (maximum tunnels)', severity: 'normal' },
  { id: 'l2tpv3-ipsec', title: 'L2TPv3/IPsec', severity: 'critical', gate: 'l2tpv3Ipsec' },
  { id: 'tag-vlan', title: 'Tag VLAN combination', severity: 'normal', gate: 'tagVlan' },
  { id: 'l2ms-manager', title: 'L2MS manager combination', severity: 'normal', gate: 'l2msManager' },
  { id: 'tunnel-interface-filter', title: 'Tunnel-interface filtering', severity: 'normal', gate: 'tunnelInterfaceFilter' },
  // seed: L2TPv3 works "in IPIP tunnelling and map-e tunnel environments" (IPIPトンネリング、map-eトンネル
  // 環境下): the control and frames areas run again on a device behind each (run --full-matrix)
  { id: 'over-ipip', title: 'L2TPv3 over IPIP (IPv6-only access)', severity: 'critical' },
  { id: 'over-map-e', title: 'L2TPv3 over MAP-E (IPv6-only access)', severity: 'critical' },
] as const satisfies readonly FeatureDef[];

export type FeatureId = (typeof FEATURES)[number]['id'];

export const FEATURE_IDS: readonly FeatureId[] = FEATURES.map((f) => f.id);

export class UnknownFeatureError extends Error {
  constructor(readonly input: string, where: string) {
    super(`${where}: unknown feature "${input}"; the matrix knows: ${FEATURE_IDS.join(', ')} (reports/matrix/features.ts)`);
    this.name = 'UnknownFeatureError';
  }
}

export function isFeatureId(s: string): s is FeatureId {
  return (FEATURE_IDS as readonly string[]).includes(s);
}

export function featureDef(id: string, where = 'feature'): FeatureDef {
  const f = (FEATURES as readonly FeatureDef[]).find((x) => x.id === id);
  if (f === undefined) throw new UnknownFeatureError(id, where);
  return f;
}

/**
 * What the platform matrix documents for a feature on a device: a gated feature follows its
 * support-table column; an ungated one follows the L2TPv3 column. Suites use this so that no
 * expectation is typed per model.
 */
export function documentedExpectation(feature: string, caps: Capabilities): 'supported' | 'unsupported' {
  const f = featureDef(feature);
  const supported = f.gate === undefined ? caps.l2tpv3 : caps[f.gate];
  return supported ? 'supported' : 'unsupported';
}
