// `ethernet filter` rules and their evaluation: first match decides, no match drops.
// Sources: yamaha-platform-facts.md §1.5 (binding `ethernet INTERFACE filter in|out LIST`, list
// limit), §4.1 ("Filter lists are first-match; no match means drop"). The rule syntax below
// (`ethernet filter NUM KIND SRC_MAC [DST_MAC [OFFSET BYTE_LIST]]`, kinds pass-log / pass-nolog /
// reject-log / reject-nolog, `*` per octet) is the command reference's, which the digest does
// not transcribe: ASSUMPTION where noted (not documented; a hardware run confirms or refutes).

import { FilterSyntaxError } from './filter-error.ts';

/** Six octets, null = `*` for that octet. */
export type MacPattern = readonly (number | null)[];

export interface EthernetFilterRule {
  readonly id: number;
  readonly action: 'pass' | 'reject';
  readonly log: boolean;
  readonly src: MacPattern;
  readonly dst: MacPattern;
  /** Byte comparison at `offset` (see ETHERNET_FILTER_SEMANTICS.offsetOrigin); null = `*` byte. */
  readonly bytes?: { readonly offset: number; readonly values: readonly (number | null)[] };
}

export const ETHERNET_FILTER_SEMANTICS = Object.freeze({
  /**
   * ASSUMPTION: OFFSET counts from the byte after the source MAC address (offset 0 = the
   * EtherType/length field, or the 802.1Q TPID of a tagged frame). (not documented; a hardware run
   * confirms or refutes)
   */
  offsetOrigin: 'after-source-mac' as 'after-source-mac' | 'frame-start',
  /** §4.1: a frame no filter of the list matches is dropped. */
  noMatch: 'reject' as const,
  /**
   * ASSUMPTION: the bare kinds `pass` / `reject` mean pass-nolog / reject-nolog.
   * (not documented; a hardware run confirms or refutes)
   */
  bareKindLogs: false,
});

const KINDS: Readonly<Record<string, { action: 'pass' | 'reject'; log: boolean }>> = {
  'pass-log': { action: 'pass', log: true },
  'pass-nolog': { action: 'pass', log: false },
  'reject-log': { action: 'reject', log: true },
  'reject-nolog': { action: 'reject', log: false },
  pass: { action: 'pass', log: ETHERNET_FILTER_SEMANTICS.bareKindLogs },
  reject: { action: 'reject', log: ETHERNET_FILTER_SEMANTICS.bareKindLogs },
};

const ANY_MAC: MacPattern = [null, null, null, null, null, null];

function parseMacPattern(line: string, tok: string): MacPattern {
  if (tok === '*') return ANY_MAC;
  const parts = tok.split(':');
  if (parts.length !== 6) throw new FilterSyntaxError(line, `"${tok}" is not a MAC address pattern (xx:xx:xx:xx:xx:xx, * per octet, or *)`);
  return parts.map((p) => {
    if (p === '*') return null;
    if (!/^[0-9a-fA-F]{2}$/.test(p)) throw new FilterSyntaxError(line, `"${p}" in "${tok}" is not a hex octet or *`);
    return parseInt(p, 16);
  });
}

/** Parses `ethernet filter NUM KIND SRC_MAC [DST_MAC [OFFSET BYTE_LIST]]`. */
export function parseEthernetFilter(line: string): EthernetFilterRule {
  const t = line.trim().split(/\s+/);
  if (t[0] !== 'ethernet' || t[1] !== 'filter') throw new FilterSyntaxError(line, 'expected "ethernet filter ..."');
  if (t.length < 5 || t.length > 8 || t.length === 7) {
    throw new FilterSyntaxError(line, 'expected ethernet filter NUM KIND SRC_MAC [DST_MAC [OFFSET BYTE_LIST]]');
  }
  const id = Number(t[2]);
  if (!/^[0-9]+$/.test(t[2]) || id < 1) throw new FilterSyntaxError(line, `filter number "${t[2]}" is not a positive integer`);
  const kind = KINDS[t[3]];
  if (kind === undefined) throw new FilterSyntaxError(line, `kind "${t[3]}" is not one of ${Object.keys(KINDS).join(', ')}`);
  const rule: EthernetFilterRule = { id, ...kind, src: parseMacPattern(line, t[4]), dst: t[5] === undefined ? ANY_MAC : parseMacPattern(line, t[5]) };
  if (t.length === 8) {
    if (!/^[0-9]+$/.test(t[6])) throw new FilterSyntaxError(line, `offset "${t[6]}" is not a number`);
    const values = t[7].split(',').map((b) => {
      if (b === '*') return null;
      if (!/^(0x)?[0-9a-fA-F]{1,2}$/.test(b)) throw new FilterSyntaxError(line, `byte "${b}" is not a hex byte or *`);
      return parseInt(b.replace(/^0x/, ''), 16);
    });
    return { ...rule, bytes: { offset: Number(t[6]), values } };
  }
  return rule;
}

function macMatches(p: MacPattern, frame: Uint8Array, at: number): boolean {
  return p.every((o, i) => o === null || frame[at + i] === o);
}

export function ethernetRuleMatches(rule: EthernetFilterRule, frame: Uint8Array): boolean {
  if (frame.length < 14) return false;
  if (!macMatches(rule.dst, frame, 0) || !macMatches(rule.src, frame, 6)) return false;
  if (rule.bytes === undefined) return true;
  const origin = ETHERNET_FILTER_SEMANTICS.offsetOrigin === 'after-source-mac' ? 12 : 0;
  const start = origin + rule.bytes.offset;
  return rule.bytes.values.every((v, i) => start + i < frame.length && (v === null || frame[start + i] === v));
}

export interface FilterDecision {
  readonly verdict: 'pass' | 'reject';
  /** The matching filter number, or undefined when nothing matched (implicit drop). */
  readonly matchedId?: number;
  readonly log: boolean;
}

/** First match decides; no match drops (§4.1). Rules are given in list order. */
export function evaluateEthernetFilters(rules: readonly EthernetFilterRule[], frame: Uint8Array): FilterDecision {
  for (const r of rules) {
    if (ethernetRuleMatches(r, frame)) return { verdict: r.action, matchedId: r.id, log: r.log };
  }
  return { verdict: ETHERNET_FILTER_SEMANTICS.noMatch, log: false };
}

/**
 * Resolves `ethernet lan1 filter in 1 2 3` numbers to definitions.
 * ASSUMPTION: a number with no definition is skipped (reported in `missing`).
 * (not documented; a hardware run confirms or refutes)
 */
export function resolveFilterList<R extends { readonly id: number }>(defs: readonly R[], ids: readonly number[]): { rules: R[]; missing: number[] } {
  const byId = new Map(defs.map((d) => [d.id, d]));
  const rules: R[] = [];
  const missing: number[] = [];
  for (const id of ids) {
    const r = byId.get(id);
    if (r === undefined) missing.push(id);
    else rules.push(r);
  }
  return { rules, missing };
}
