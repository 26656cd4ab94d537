// The filters configured on bridge members, applied to a frame on its way through the router in
// the order of the filter oracle's profile (reference-impl/filter), with the router's filter log
// lines. Pure.
import { decodeEthernetHeader } from '../l2tpv3/ethernet-frame.ts';
import {
  DEFAULT_FILTER_ORDER_PROFILE,
  ethernetRuleMatches,
  evaluateEthernetFilters,
  evaluateIpFilters,
  ipRuleMatches,
  pathStages,
  resolveFilterList,
  runPipeline,
  type EthernetFilterRule,
  type FilterDecision,
  type FilterOrderProfile,
  type FramePath,
  type IpFilterRule,
  type Ipv4PacketView,
  type StageRef,
} from '../filter/index.ts';
import type { Capabilities } from '../platform/index.ts';
import type { DefectName } from './defects.ts';
import { formatIpv4 } from './ip-address.ts';
import type { FilterBinding, RouterPlan } from './router-config.ts';

/**
 * ASSUMPTION: a filter with `-log` that matches writes one NOTICE line
 * `[ETHERNET] IF Rejected at IN(N) filter: SRC > DST` (IP: `IF Rejected at IN(N) filter: PROTO SRC > DST`),
 * after the form third-party RTX IP-filter logs show (not documented; a hardware run confirms or refutes).
 */
export function filterLogLine(kind: 'ethernet' | 'ip', ref: StageRef, d: FilterDecision, what: string): string {
  const verdict = d.verdict === 'pass' ? 'Passed' : 'Rejected';
  const text = `${ref.interfaceName} ${verdict} at ${ref.direction.toUpperCase()}(${d.matchedId}) filter: ${what}`;
  return kind === 'ethernet' ? `[ETHERNET] ${text}` : text;
}

export function ipv4View(frame: Uint8Array): Ipv4PacketView | undefined {
  const h = decodeEthernetHeader(frame);
  if (!h.ok || h.value.etherType !== 0x0800) return undefined;
  const ip = frame.subarray(h.value.headerLength);
  if (ip.length < 20 || ip[0] >> 4 !== 4) return undefined;
  const ihl = (ip[0] & 15) * 4;
  const protocol = ip[9];
  const l4 = ip.subarray(ihl);
  const ports = (protocol === 6 || protocol === 17) && l4.length >= 4 ? { srcPort: (l4[0] << 8) | l4[1], dstPort: (l4[2] << 8) | l4[3] } : {};
  const tcp = protocol === 6 && l4.length >= 14 ? { tcpFlags: { fin: (l4[13] & 1) !== 0, syn: (l4[13] & 2) !== 0, rst: (l4[13] & 4) !== 0, ack: (l4[13] & 16) !== 0 } } : {};
  const icmp = protocol === 1 && l4.length >= 2 ? { icmpType: l4[0], icmpCode: l4[1] } : {};
  return { src: formatIpv4(ip, 12), dst: formatIpv4(ip, 16), protocol, ...ports, ...tcp, ...icmp };
}

function swap<T>(list: readonly T[], a: T, b: T): T[] {
  return list.map((x) => (x === a ? b : x === b ? a : x));
}

/** The order profile, with the filter defects applied. */
export function orderProfile(defects: ReadonlySet<DefectName>): FilterOrderProfile {
  const p = DEFAULT_FILTER_ORDER_PROFILE;
  if (!defects.has('filter-stages-swapped') && !defects.has('input-blocking-on-out')) return p;
  const m = p.memberOrder;
  const fix = (set: 'standard' | 'policy-filter') => ({
    in: defects.has('filter-stages-swapped') ? swap(m[set].in, 'ethernet', 'ip-static') : m[set].in,
    out: defects.has('input-blocking-on-out') ? (['input-blocking', ...m[set].out] as const) : m[set].out,
  });
  return { ...p, memberOrder: { standard: fix('standard'), 'policy-filter': fix('policy-filter') } };
}

export class FilterStage {
  private readonly profile: FilterOrderProfile;
  constructor(
    private readonly plan: RouterPlan,
    private readonly caps: Capabilities,
    private readonly defects: ReadonlySet<DefectName>,
    private readonly log: (text: string) => void,
  ) {
    this.profile = orderProfile(defects);
  }

  /** True when no filter is bound anywhere (the fast path: skip the pipeline). */
  get empty(): boolean {
    return this.plan.ethernetBindings.length === 0 && this.plan.ipBindings.length === 0 && this.plan.inboundBindings.size === 0;
  }

  /** Whether a frame may take this path. */
  allows(path: FramePath, frame: Uint8Array): boolean {
    if (this.empty) return true;
    const stages = pathStages(this.caps, path, this.profile);
    return runPipeline(stages, (ref, f: Uint8Array) => this.decide(ref, f), frame).verdict === 'forwarded';
  }

  private binding(list: readonly FilterBinding[], ref: StageRef): number[] | undefined {
    let ids: number[] | undefined;
    for (const b of list) if (b.interface === ref.interfaceName && b.direction === ref.direction) ids = b.ids;
    return ids;
  }

  private decide(ref: StageRef, frame: Uint8Array): 'pass' | 'reject' | undefined {
    switch (ref.stage) {
      case 'ethernet': {
        const ids = this.binding(this.plan.ethernetBindings, ref);
        if (!ids) return undefined;
        const rules = resolveFilterList(this.plan.ethernetFilters, ids).rules;
        const d = this.firstMatch(rules, (r: EthernetFilterRule) => ethernetRuleMatches(r, frame), () => evaluateEthernetFilters(rules, frame));
        if (d.log) this.log(filterLogLine('ethernet', ref, d, `${mac(frame, 6)} > ${mac(frame, 0)}`));
        return d.verdict;
      }
      case 'ip-static':
        return this.ipDecide(ref, frame, this.binding(this.plan.ipBindings, ref));
      case 'input-blocking':
        return this.ipDecide(ref, frame, this.plan.inboundBindings.get(ref.interfaceName));
      default:
        return undefined; // other stages: nothing the emulator configures
    }
  }

  private ipDecide(ref: StageRef, frame: Uint8Array, ids: number[] | undefined): 'pass' | 'reject' | undefined {
    if (!ids) return undefined;
    const pk = ipv4View(frame);
    if (!pk) return this.profile.nonIpFramesAtIpStages;
    const rules = resolveFilterList(this.plan.ipFilters, ids).rules;
    const d = this.firstMatch(rules, (r: IpFilterRule) => ipRuleMatches(r, pk), () => evaluateIpFilters(rules, pk));
    if (d.log) this.log(filterLogLine('ip', ref, d, `PROTO=${pk.protocol} ${pk.src} > ${pk.dst}`));
    return d.verdict === 'pass' ? 'pass' : 'reject';
  }

  /** The oracle's evaluation, bent by the filter-rule defects. */
  private firstMatch<R extends { id: number; action: string; log: boolean }>(rules: readonly R[], matches: (r: R) => boolean, oracle: () => FilterDecision): FilterDecision {
    if (this.defects.has('filter-last-match-wins')) {
      const hit = [...rules].reverse().find(matches);
      if (hit) return { verdict: hit.action === 'reject' ? 'reject' : 'pass', matchedId: hit.id, log: hit.log };
    }
    const d = oracle();
    if (d.matchedId === undefined && this.defects.has('filter-no-match-passes')) return { verdict: 'pass', log: false };
    return d;
  }
}

function mac(b: Uint8Array, o: number): string {
  return [...b.subarray(o, o + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}
