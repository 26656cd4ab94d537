// In which order the filter stages run, per capability set and direction. The seed's figures
// (filter1: all models, filter2: policy-filter models, filter3: tunnel-interface-filtering models)
// are lost; only the notes ※1-※3 and the sentence on member filters survive. So the order is an
// explicit profile: every position not fixed by a documented fact is an ASSUMPTION, and
// checkDocumentedOrder() verifies that a profile (the default, or an emulator defect) keeps the facts.

import type { Direction, FilterStage } from './stages.ts';

export type CapabilitySetName = 'standard' | 'policy-filter';

export interface FilterOrderProfile {
  /**
   * Stage order on a member interface (seed: 収容インターフェース), per capability set and direction.
   * ASSUMPTION: the seed's notes read as exceptions to one order shown in the figures, so the
   * in-direction has the opposite of each out-direction note: intrusion detection before the
   * policy filter (※2), URL filter before the IP filter (※3); the Ethernet filter is nearest to the
   * wire (first in, last out). Input blocking and the policy filter exist only on policy-filter
   * models. (not documented; a hardware run confirms or refutes)
   */
  readonly memberOrder: Readonly<Record<CapabilitySetName, Readonly<Record<Direction, readonly FilterStage[]>>>>;
  /**
   * Stages a bridge interface (bridgeN) applies, in memberOrder's relative order.
   * ASSUMPTION: only the IP filter (yamaha-platform-facts.md §1.5: `ip bridgeN secure filter` is
   * accepted; §5: no other filter command lists bridgeN). (not documented; a hardware run confirms or refutes)
   */
  readonly bridgeStages: readonly FilterStage[];
  /**
   * ASSUMPTION: filters on bridgeN act on frames the router itself receives or sends through the
   * bridge (routed traffic), not on frames bridged between members; member filters act on those
   * (seed: "ブリッジングの過程で処理されます"). (not documented; a hardware run confirms or refutes)
   */
  readonly bridgeFiltersOnBridgedFrames: boolean;
  /**
   * ASSUMPTION: on a tunnel-interface-filtering model a tunnel member has the same stages as a LAN
   * member; on other models filters on a tunnel member are not applied to bridged frames.
   * (not documented; a hardware run confirms or refutes)
   */
  readonly tunnelMemberStages: 'same-as-lan';
  /**
   * ASSUMPTION: IP-level stages (IP filter, input blocking, intrusion detection, URL, policy) let a
   * non-IPv4 frame (ARP, IPv6, L2MS) through untouched; the seed only says they "check the IP header
   * as needed". (not documented; a hardware run confirms or refutes)
   */
  readonly nonIpFramesAtIpStages: 'pass' | 'reject';
}

export const DEFAULT_FILTER_ORDER_PROFILE: FilterOrderProfile = Object.freeze({
  memberOrder: {
    standard: {
      in: ['ethernet', 'intrusion-detection', 'url', 'ip-static', 'ip-dynamic'],
      out: ['ip-static', 'ip-dynamic', 'url', 'intrusion-detection', 'ethernet'],
    },
    'policy-filter': {
      in: ['ethernet', 'input-blocking', 'intrusion-detection', 'url', 'ip-static', 'ip-dynamic', 'policy'],
      out: ['ip-static', 'ip-dynamic', 'url', 'policy', 'intrusion-detection', 'ethernet'],
    },
  },
  bridgeStages: ['ip-static', 'ip-dynamic'],
  bridgeFiltersOnBridgedFrames: false,
  tunnelMemberStages: 'same-as-lan',
  nonIpFramesAtIpStages: 'pass',
}) as FilterOrderProfile;

/** A documented ordering fact, with the seed sentence it comes from. */
export interface DocumentedOrderFact {
  readonly id: 'note1' | 'note2' | 'note3';
  readonly seed: string;
  /** Violations of this fact in a profile (empty: kept). */
  readonly check: (p: FilterOrderProfile) => string[];
}

const SETS: readonly CapabilitySetName[] = ['standard', 'policy-filter'];

function before(order: readonly FilterStage[], a: FilterStage, b: FilterStage): boolean {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  return i < 0 || j < 0 || i < j;
}

// seed: L2TPv3でのフィルタリング, notes under figure filter3, verbatim.
export const DOCUMENTED_ORDER_FACTS: readonly DocumentedOrderFact[] = [
  {
    id: 'note1',
    seed: '※1 out方向(送信方向)では、入力遮断フィルターは適用されません。in方向(受信方向)でのみ適用されます。',
    check: (p) => [
      ...SETS.filter((s) => p.memberOrder[s].out.includes('input-blocking')).map(
        (s) => `${s}: input-blocking filter in the out direction`,
      ),
      // "in方向でのみ適用されます": where input blocking exists (policy-filter models), it runs inbound.
      ...(p.memberOrder['policy-filter'].in.includes('input-blocking') ? [] : ['policy-filter: no input-blocking filter in the in direction']),
    ],
  },
  {
    id: 'note2',
    seed: '※2 out方向(送信方向)では、侵入検知機能はポリシーフィルターの後に適用されます。',
    check: (p) =>
      SETS.filter((s) => !before(p.memberOrder[s].out, 'policy', 'intrusion-detection')).map(
        (s) => `${s}: out direction applies intrusion detection before the policy filter`,
      ),
  },
  {
    id: 'note3',
    seed: '※3 out方向(送信方向)では、IPフィルターはURLフィルターの前に適用されます。',
    check: (p) =>
      SETS.filter(
        (s) => !before(p.memberOrder[s].out, 'ip-static', 'url') || !before(p.memberOrder[s].out, 'ip-dynamic', 'url'),
      ).map((s) => `${s}: out direction applies the URL filter before the IP filter`),
  },
];

/** Every documented fact the profile breaks, as readable lines (empty: faithful). */
export function checkDocumentedOrder(p: FilterOrderProfile): string[] {
  return DOCUMENTED_ORDER_FACTS.flatMap((f) => f.check(p).map((v) => `${f.id}: ${v}`));
}

/** The profile's assumptions as a list, for reports (each field above is one). */
export const FILTER_ORDER_ASSUMPTIONS: readonly { readonly parameter: keyof FilterOrderProfile; readonly assumption: string }[] = [
  { parameter: 'memberOrder', assumption: 'Positions not fixed by ※1-※3: the in-direction has the opposite of each out-direction note; Ethernet filter nearest the wire; input blocking and policy filter only on policy-filter models.' },
  { parameter: 'bridgeStages', assumption: 'bridgeN applies only the IP filter (the only filter command the command reference lists for bridgeN).' },
  { parameter: 'bridgeFiltersOnBridgedFrames', assumption: 'bridgeN filters act on traffic to/from the router only, not on frames bridged between members.' },
  { parameter: 'tunnelMemberStages', assumption: 'A tunnel member on a tunnel-filtering model has the LAN member stages; elsewhere none.' },
  { parameter: 'nonIpFramesAtIpStages', assumption: 'IP-level stages pass non-IPv4 frames untouched.' },
];
