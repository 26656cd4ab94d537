// `ip filter dynamic NUM SRC DST PROTOCOL` and `ip INTERFACE secure filter DIR LIST dynamic LIST`:
// a pure evaluator that threads the connection state through. The digest documents only the
// binding syntax (yamaha-platform-facts.md §1.5); the behaviour follows
// IP_FILTER_SEMANTICS.dynamicOrder (ASSUMPTION, see ip-filter.ts).

import { FilterSyntaxError } from './filter-error.ts';
import type { FilterDecision } from './ethernet-filter.ts';
import { evaluateIpFilters, ipRuleMatches, parseIpFilter, type IpEvaluationOptions, type IpFilterRule, type Ipv4PacketView } from './ip-filter.ts';

// ASSUMPTION: the dynamic-filter protocol keywords (subset) and the traffic each watches.
const DYNAMIC_PROTOCOLS: Readonly<Record<string, { protocol: number; dstPort?: number }>> = {
  tcp: { protocol: 6 }, udp: { protocol: 17 }, ftp: { protocol: 6, dstPort: 21 }, www: { protocol: 6, dstPort: 80 },
  https: { protocol: 6, dstPort: 443 }, domain: { protocol: 17, dstPort: 53 }, smtp: { protocol: 6, dstPort: 25 },
  pop3: { protocol: 6, dstPort: 110 }, telnet: { protocol: 6, dstPort: 23 }, tftp: { protocol: 17, dstPort: 69 },
};

export interface IpDynamicFilterRule {
  readonly id: number;
  /** The address part, as a static rule matching the trigger packets. */
  readonly trigger: IpFilterRule;
  readonly keyword: string;
}

export function parseIpDynamicFilter(line: string): IpDynamicFilterRule {
  const t = line.trim().split(/\s+/);
  if (t[0] !== 'ip' || t[1] !== 'filter' || t[2] !== 'dynamic' || t.length < 7) {
    throw new FilterSyntaxError(line, 'expected ip filter dynamic NUM SRC DST PROTOCOL');
  }
  const p = DYNAMIC_PROTOCOLS[t[6]];
  if (p === undefined) throw new FilterSyntaxError(line, `protocol "${t[6]}" is not one of ${Object.keys(DYNAMIC_PROTOCOLS).join(', ')}`);
  const ports = p.dstPort === undefined ? '' : ` * ${p.dstPort}`;
  const trigger = parseIpFilter(`ip filter ${t[3]} pass ${t[4]} ${t[5]} ${p.protocol}${ports}`);
  return { id: trigger.id, trigger, keyword: t[6] };
}

/** A connection a dynamic filter opened: the first packet's 5-tuple. */
export interface DynamicConnection {
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly openedBy: number;
}

function belongs(c: DynamicConnection, pk: Ipv4PacketView): boolean {
  const same = c.src === pk.src && c.dst === pk.dst && c.srcPort === pk.srcPort && c.dstPort === pk.dstPort;
  const reply = c.src === pk.dst && c.dst === pk.src && c.srcPort === pk.dstPort && c.dstPort === pk.srcPort;
  return c.protocol === pk.protocol && (same || reply);
}

export interface SecureFilterBinding {
  readonly staticRules: readonly IpFilterRule[];
  readonly dynamicRules: readonly IpDynamicFilterRule[];
}

export interface SecureFilterResult {
  readonly decision: FilterDecision;
  /** 'connection': passed as part of an open dynamic connection. */
  readonly by: 'connection' | 'static' | 'dynamic-trigger' | 'no-match';
  readonly state: readonly DynamicConnection[];
}

/** Evaluates one packet against a `secure filter` binding; returns the new connection state. */
export function evaluateSecureFilter(
  binding: SecureFilterBinding,
  pk: Ipv4PacketView,
  state: readonly DynamicConnection[],
  opts: IpEvaluationOptions = {},
): SecureFilterResult {
  const conn = state.find((c) => belongs(c, pk));
  if (conn !== undefined) return { decision: { verdict: 'pass', matchedId: conn.openedBy, log: false }, by: 'connection', state };
  const open = (id: number): DynamicConnection[] => [
    ...state,
    { src: pk.src, dst: pk.dst, protocol: pk.protocol, srcPort: pk.srcPort, dstPort: pk.dstPort, openedBy: id },
  ];
  const trigger = binding.dynamicRules.find((d) => ipRuleMatches(d.trigger, pk));
  const stat = evaluateIpFilters(binding.staticRules, pk, opts);
  if (stat.matchedId !== undefined) {
    const opened = stat.verdict === 'pass' && trigger !== undefined;
    return { decision: stat, by: 'static', state: opened ? open(trigger.id) : state };
  }
  if (trigger !== undefined) {
    return { decision: { verdict: 'pass', matchedId: trigger.id, log: false }, by: 'dynamic-trigger', state: open(trigger.id) };
  }
  return { decision: stat, by: 'no-match', state };
}
