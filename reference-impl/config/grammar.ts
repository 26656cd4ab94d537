// A tiny grammar language for RTX commands, so each command is one reviewable row written the
// way the command reference writes its syntax:
//
//   l2tp keepalive use <switch:onoff> [<interval:int:1..600> [<count:int:1..50>]]
//
// `word` is a keyword, `<name:type>` a parameter (types in value-types.ts), `<name:type>...` one or
// more of them, `key=<name:type>` a keyword=value parameter, `[ ... ]` an optional part.
// Matching backtracks; when nothing matches, the failure furthest into the line is reported.

import type { RouterErrorKind } from './messages.ts';
import type { Token } from './tokens.ts';
import { valueType, type Value, type ValueType } from './value-types.ts';

export type Element =
  | { kind: 'literal'; word: string }
  | { kind: 'param'; name: string; type: ValueType; key?: string; repeat: boolean }
  | { kind: 'optional'; id: number; body: Element[] };

export type Values = Readonly<Record<string, Value | readonly Value[]>>;

export interface Match {
  values: Values;
  /** ids of the optional parts that were present */
  groups: readonly number[];
}

export interface MatchFailure {
  /** index of the token where matching failed (tokens.length when one was missing) */
  at: number;
  kind: RouterErrorKind;
  /** human detail; never contains a secret value */
  reason: string;
}

let nextGroupId = 1;

export function compileSyntax(syntax: string): Element[] {
  const parts = syntax.match(/\[|\]|[\w.-]+=<[^>]+>|<[^>]+>(?:\.\.\.)?|[^\s[\]]+/g) ?? [];
  let pos = 0;
  const seq = (closing: boolean): Element[] => {
    const out: Element[] = [];
    while (pos < parts.length) {
      const p = parts[pos++];
      if (p === '[') out.push({ kind: 'optional', id: nextGroupId++, body: seq(true) });
      else if (p === ']') {
        if (!closing) throw new Error(`grammar: unbalanced ] in '${syntax}'`);
        return out;
      } else out.push(param(p) ?? { kind: 'literal', word: p });
    }
    if (closing) throw new Error(`grammar: unbalanced [ in '${syntax}'`);
    return out;
  };
  return seq(false);
}

function param(part: string): Element | undefined {
  const m = /^(?:([\w.-]+)=)?<([\w-]+):([^>]*)>(\.\.\.)?$/.exec(part);
  if (!m) return undefined;
  return { kind: 'param', key: m[1], name: m[2], type: valueType(m[3]), repeat: m[4] !== undefined };
}

/** `[e1 [e2 [e3]]]`: the shape of a `no` form, where every trailing parameter may be left out. */
export function optionalChain(elements: readonly Element[]): Element[] {
  if (elements.length === 0) return [];
  const [first, ...rest] = elements;
  return [{ kind: 'optional', id: nextGroupId++, body: [first, ...optionalChain(rest)] }];
}

// Which failure explains the line best: the furthest one; at the same place a bad value says
// more than a bad keyword, which says more than a count mismatch.
const SPECIFICITY: Partial<Record<RouterErrorKind, number>> = {
  parameterOutOfRange: 3,
  integerRequired: 3,
  unrecognizedIpAddress: 3,
  illegalKeyword: 2,
  wrongNumberOfParameters: 1,
};

export function better(a: MatchFailure, b: MatchFailure | undefined): boolean {
  if (!b) return true;
  if (a.at !== b.at) return a.at > b.at;
  return (SPECIFICITY[a.kind] ?? 0) > (SPECIFICITY[b.kind] ?? 0);
}

/** Match tokens[start..] against a compiled syntax; the whole rest of the line must be used. */
export function matchSyntax(
  elements: readonly Element[],
  tokens: readonly Token[],
  start: number,
): { match: Match } | { failure: MatchFailure } {
  let failure: MatchFailure | undefined;
  const fail = (at: number, kind: RouterErrorKind, reason: string): null => {
    const f = { at, kind, reason };
    if (better(f, failure)) failure = f;
    return null;
  };
  type State = { values: Record<string, Value | readonly Value[]>; groups: number[] };
  type Cont = (ti: number, st: State) => State | null;

  const checkOne = (e: Extract<Element, { kind: 'param' }>, ti: number): Value | null => {
    let text = tokens[ti].text;
    if (e.key !== undefined) {
      if (!text.startsWith(`${e.key}=`)) return fail(ti, 'illegalKeyword', `expected ${e.key}=`);
      text = text.slice(e.key.length + 1);
    }
    const r = e.type.check(text);
    return r.ok ? r.value : fail(ti, r.kind, `${e.name}: ${r.reason}`);
  };

  const seq = (els: readonly Element[], ei: number, ti: number, st: State, k: Cont): State | null => {
    if (ei === els.length) return k(ti, st);
    const e = els[ei];
    if (e.kind === 'literal') {
      if (ti >= tokens.length) return fail(ti, 'wrongNumberOfParameters', `missing '${e.word}'`);
      if (tokens[ti].text !== e.word) return fail(ti, 'illegalKeyword', `expected '${e.word}'`);
      return seq(els, ei + 1, ti + 1, st, k);
    }
    if (e.kind === 'optional') {
      // Leaving an optional part out is tried first: with `[local] remote [type]`, `name fqdn`
      // must read as remote + type, not local + remote.
      const skipped = seq(els, ei + 1, ti, st, k);
      if (skipped) return skipped;
      const inner: State = { values: st.values, groups: [...st.groups, e.id] };
      return seq(e.body, 0, ti, inner, (ti2, st2) => seq(els, ei + 1, ti2, st2, k));
    }
    if (ti >= tokens.length) return fail(ti, 'wrongNumberOfParameters', `missing ${e.name}`);
    if (!e.repeat) {
      const v = checkOne(e, ti);
      if (v === null) return null;
      return seq(els, ei + 1, ti + 1, { values: { ...st.values, [e.name]: v }, groups: st.groups }, k);
    }
    const list: Value[] = [];
    for (let j = ti; j < tokens.length; j++) {
      const v = checkOne(e, j);
      if (v === null) break;
      list.push(v);
    }
    for (let n = list.length; n >= 1; n--) {
      const r = seq(els, ei + 1, ti + n, { values: { ...st.values, [e.name]: list.slice(0, n) }, groups: st.groups }, k);
      if (r) return r;
    }
    return null;
  };

  const done = seq(elements, 0, start, { values: {}, groups: [] }, (ti, st) =>
    ti === tokens.length ? st : fail(ti, 'wrongNumberOfParameters', 'too many parameters'),
  );
  if (done) return { match: { values: done.values, groups: done.groups } };
  return { failure: failure ?? { at: start, kind: 'illegalKeyword', reason: 'no match' } };
}

/** The tokens a match stands for, rendered from its values (the router's canonical form). */
export function renderSyntax(elements: readonly Element[], match: Match): string[] {
  const out: string[] = [];
  for (const e of elements) {
    if (e.kind === 'literal') out.push(e.word);
    else if (e.kind === 'optional') {
      if (match.groups.includes(e.id)) out.push(...renderSyntax(e.body, match));
    } else {
      const v = match.values[e.name];
      const list = Array.isArray(v) ? v : [v as Value];
      for (const one of list) out.push((e.key !== undefined ? `${e.key}=` : '') + e.type.format(one));
    }
  }
  return out;
}

/** True when the leading keywords (and interface names) of a syntax match the tokens. */
export function claimLength(elements: readonly Element[]): number {
  let n = 0;
  for (const e of elements) {
    if (e.kind === 'literal' || (e.kind === 'param' && !e.repeat && e.type.spec.startsWith('iface'))) n++;
    else break;
  }
  return n;
}
