// `ip filter` (static) and `ip filter dynamic` rules bound by `ip INTERFACE secure filter in|out
// LIST [dynamic LIST]`, and their evaluation.
// Documented (yamaha-platform-facts.md §1.5, CR §8.1.25): list order, first match decides, a packet
// matching no filter is dropped; bridgeN accepts a secure filter.
// The rule syntax `ip filter NUM ACTION SRC[/MASK] [DST[/MASK] [PROTOCOL [SRC_PORTS [DST_PORTS]]]]`,
// the actions pass / reject / restrict with -log / -nolog, and the dynamic-filter behaviour are the
// command reference's, which the digest does not transcribe: every such point is marked ASSUMPTION
// (not documented; a hardware run confirms or refutes). IPv4 only (`ipv6 filter` not modelled).

import { FilterSyntaxError } from './filter-error.ts';
import type { FilterDecision } from './ethernet-filter.ts';

export interface Ipv4PacketView {
  readonly src: string;
  readonly dst: string;
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP, ...). */
  readonly protocol: number;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly tcpFlags?: { readonly syn: boolean; readonly ack: boolean; readonly fin: boolean; readonly rst: boolean };
  readonly icmpType?: number;
  readonly icmpCode?: number;
}

type AddrPattern = { kind: 'any' } | { kind: 'range'; lo: number; hi: number } | { kind: 'octets'; octets: (number | null)[] };
type ProtoToken = number | 'any' | 'established' | 'tcpsyn' | 'tcpfin' | 'tcprst';
type PortRange = { lo: number; hi: number };

export interface IpFilterRule {
  readonly id: number;
  readonly action: 'pass' | 'reject' | 'restrict';
  readonly log: boolean;
  readonly src: AddrPattern;
  readonly dst: AddrPattern;
  readonly protocols: readonly ProtoToken[];
  /** null = any. For ICMP these match type (src) and code (dst): ASSUMPTION. */
  readonly srcPorts: readonly PortRange[] | null;
  readonly dstPorts: readonly PortRange[] | null;
}

export const IP_FILTER_SEMANTICS = Object.freeze({
  /** §1.5: no match -> dropped (for `secure filter`). */
  noMatch: 'reject' as const,
  /**
   * ASSUMPTION: logging per action keyword: reject and reject-log log; pass, pass-nolog, restrict,
   * restrict-nolog do not; the -log forms do. (not documented; a hardware run confirms or refutes)
   */
  bareLogs: { pass: false, reject: true, restrict: false },
  /**
   * ASSUMPTION: `restrict` passes when the line is connected and drops otherwise; LAN, bridge and an
   * established tunnel count as connected. (not documented; a hardware run confirms or refutes)
   */
  restrictWhenDisconnected: 'reject' as const,
  /**
   * ASSUMPTION: a packet of a connection opened by a dynamic filter (either direction) passes before
   * the static list is consulted; a packet the static list does not match is then tried against the
   * dynamic filters, and a match passes and opens a connection. Connection timeouts are not modelled
   * (the caller drops state). (not documented; a hardware run confirms or refutes)
   */
  dynamicOrder: 'connections-then-static-then-triggers' as const,
});

// ASSUMPTION: the command reference's protocol and service keywords (subset).
const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51 };
const PORT_NAMES: Readonly<Record<string, number[]>> = {
  ftp: [20, 21], ftpdata: [20], telnet: [23], smtp: [25], domain: [53], tftp: [69], www: [80], pop3: [110],
  ntp: [123], netbios_ns: [137], netbios_dgm: [138], netbios_ssn: [139], snmp: [161], snmptrap: [162], https: [443],
};

function ipToInt(line: string, s: string): number {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(s);
  if (m === null || m.slice(1).some((o) => Number(o) > 255)) throw new FilterSyntaxError(line, `"${s}" is not an IPv4 address`);
  return m.slice(1).reduce((a, o) => a * 256 + Number(o), 0);
}

function parseAddr(line: string, tok: string): AddrPattern {
  if (tok === '*') return { kind: 'any' };
  if (tok.includes('/')) {
    const [a, bits] = tok.split('/');
    const n = Number(bits);
    if (!/^[0-9]{1,2}$/.test(bits) || n > 32) throw new FilterSyntaxError(line, `mask "/${bits}" is not 0..32`);
    const base = ipToInt(line, a);
    const size = 2 ** (32 - n);
    const lo = base - (base % size);
    return { kind: 'range', lo, hi: lo + size - 1 };
  }
  if (tok.includes('-')) {
    const [a, b] = tok.split('-');
    return { kind: 'range', lo: a === '' ? 0 : ipToInt(line, a), hi: b === '' ? 0xffffffff : ipToInt(line, b) };
  }
  if (tok.includes('*')) {
    const parts = tok.split('.');
    if (parts.length !== 4) throw new FilterSyntaxError(line, `"${tok}" is not an address pattern`);
    return { kind: 'octets', octets: parts.map((p) => (p === '*' ? null : ipToInt(line, `${p}.0.0.0`) >>> 24)) };
  }
  const v = ipToInt(line, tok);
  return { kind: 'range', lo: v, hi: v };
}

function parseProtocols(line: string, tok: string): ProtoToken[] {
  if (tok === '*') return ['any'];
  return tok.split(',').map((p): ProtoToken => {
    if (p === 'established' || p === 'tcpsyn' || p === 'tcpfin' || p === 'tcprst') return p;
    if (p in PROTOCOL_NUMBERS) return PROTOCOL_NUMBERS[p];
    if (/^[0-9]{1,3}$/.test(p) && Number(p) <= 255) return Number(p);
    throw new FilterSyntaxError(line, `protocol "${p}" is not one of *, ${Object.keys(PROTOCOL_NUMBERS).join(', ')}, established, tcpsyn, tcpfin, tcprst or 0..255`);
  });
}

function parsePorts(line: string, tok: string | undefined): PortRange[] | null {
  if (tok === undefined || tok === '*') return null;
  return tok.split(',').flatMap((p): PortRange[] => {
    if (p in PORT_NAMES) return PORT_NAMES[p].map((n) => ({ lo: n, hi: n }));
    const m = /^([0-9]*)-([0-9]*)$/.exec(p);
    if (m !== null) return [{ lo: m[1] === '' ? 0 : Number(m[1]), hi: m[2] === '' ? 65535 : Number(m[2]) }];
    if (/^[0-9]{1,5}$/.test(p) && Number(p) <= 65535) return [{ lo: Number(p), hi: Number(p) }];
    throw new FilterSyntaxError(line, `port "${p}" is not a number, range, service name or *`);
  });
}

const ACTIONS = /^(pass|reject|restrict)(-log|-nolog)?$/;

/** Parses `ip filter NUM ACTION SRC [DST [PROTOCOL [SRC_PORTS [DST_PORTS]]]]`. */
export function parseIpFilter(line: string): IpFilterRule {
  const t = line.trim().split(/\s+/);
  if (t[0] !== 'ip' || t[1] !== 'filter' || t[2] === 'dynamic') throw new FilterSyntaxError(line, 'expected "ip filter NUM ACTION ..."');
  if (t.length < 5 || t.length > 9) throw new FilterSyntaxError(line, 'expected ip filter NUM ACTION SRC [DST [PROTOCOL [SRC_PORTS [DST_PORTS]]]]');
  if (!/^[0-9]+$/.test(t[2]) || Number(t[2]) < 1) throw new FilterSyntaxError(line, `filter number "${t[2]}" is not a positive integer`);
  const a = ACTIONS.exec(t[3]);
  if (a === null) throw new FilterSyntaxError(line, `action "${t[3]}" is not pass, reject or restrict (optionally -log / -nolog)`);
  const action = a[1] as IpFilterRule['action'];
  const log = a[2] === '-log' ? true : a[2] === '-nolog' ? false : IP_FILTER_SEMANTICS.bareLogs[action];
  return {
    id: Number(t[2]), action, log,
    src: parseAddr(line, t[4]), dst: parseAddr(line, t[5] ?? '*'),
    protocols: parseProtocols(line, t[6] ?? '*'), srcPorts: parsePorts(line, t[7]), dstPorts: parsePorts(line, t[8]),
  };
}

function addrMatches(p: AddrPattern, ip: number): boolean {
  switch (p.kind) {
    case 'any':
      return true;
    case 'range':
      return ip >= p.lo && ip <= p.hi;
    case 'octets':
      return p.octets.every((o, i) => o === null || ((ip >>> (8 * (3 - i))) & 0xff) === o);
  }
}

function protoMatches(tok: ProtoToken, pk: Ipv4PacketView): boolean {
  const f = pk.tcpFlags;
  switch (tok) {
    case 'any':
      return true;
    case 'established':
      return pk.protocol === 6 && f?.ack === true;
    case 'tcpsyn':
      return pk.protocol === 6 && f?.syn === true;
    case 'tcpfin':
      return pk.protocol === 6 && f?.fin === true;
    case 'tcprst':
      return pk.protocol === 6 && f?.rst === true;
    default:
      return pk.protocol === tok;
  }
}

function portMatches(ranges: readonly PortRange[] | null, port: number | undefined): boolean {
  if (ranges === null) return true;
  return port !== undefined && ranges.some((r) => port >= r.lo && port <= r.hi);
}

export function ipRuleMatches(r: IpFilterRule, pk: Ipv4PacketView): boolean {
  const line = `packet ${pk.src} -> ${pk.dst}`;
  if (!addrMatches(r.src, ipToInt(line, pk.src)) || !addrMatches(r.dst, ipToInt(line, pk.dst))) return false;
  if (!r.protocols.some((t) => protoMatches(t, pk))) return false;
  const icmp = pk.protocol === 1;
  return portMatches(r.srcPorts, icmp ? pk.icmpType : pk.srcPort) && portMatches(r.dstPorts, icmp ? pk.icmpCode : pk.dstPort);
}

export interface IpEvaluationOptions {
  /** For `restrict`: whether the interface's line is connected (default true). */
  readonly lineConnected?: boolean;
}

/** Static secure filter list: first match decides; no match drops (§1.5). */
export function evaluateIpFilters(rules: readonly IpFilterRule[], pk: Ipv4PacketView, opts: IpEvaluationOptions = {}): FilterDecision {
  for (const r of rules) {
    if (!ipRuleMatches(r, pk)) continue;
    if (r.action === 'restrict') {
      const connected = opts.lineConnected ?? true;
      return { verdict: connected ? 'pass' : IP_FILTER_SEMANTICS.restrictWhenDisconnected, matchedId: r.id, log: r.log };
    }
    return { verdict: r.action, matchedId: r.id, log: r.log };
  }
  return { verdict: IP_FILTER_SEMANTICS.noMatch, log: false };
}
