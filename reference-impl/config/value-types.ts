// Parameter types of the command grammar: how one token is checked and turned into a value,
// and which router error a bad token earns. Types are named in grammar strings, e.g.
// `<interval:int:1..600>`, `<hostname:str:32>`, `<psk:secret:128>`.

import type { RouterErrorKind } from './messages.ts';

export type Value = string | number;

export type TokenCheck =
  | { ok: true; value: Value }
  | { ok: false; kind: RouterErrorKind; reason: string };

export interface ValueType {
  /** the spec as written in the grammar, e.g. `int:1..600` */
  spec: string;
  /** secret values are never shown in errors or logs */
  secret: boolean;
  check(token: string): TokenCheck;
  /** the token the router shows for a value */
  format(value: Value): string;
}

const ok = (value: Value): TokenCheck => ({ ok: true, value });
const bad = (kind: RouterErrorKind, reason: string): TokenCheck => ({ ok: false, kind, reason });

function parseRange(arg: string, spec: string): [number, number] {
  const m = /^(\d+)\.\.(\d+)$/.exec(arg);
  if (!m) throw new Error(`grammar: bad range in '${spec}'`);
  return [Number(m[1]), Number(m[2])];
}

function checkInt(token: string, min: number, max: number): TokenCheck {
  if (!/^\d+$/.test(token)) return bad('integerRequired', `'${token}' is not an integer`);
  const n = Number(token);
  if (n < min || n > max) return bad('parameterOutOfRange', `${token} is not in ${min}..${max}`);
  return ok(n);
}

export function isIpv4(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export function isIpv6(token: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(token) || !token.includes(':')) return false;
  const halves = token.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const all = halves.flatMap(groups);
  const last = all[all.length - 1];
  const v4Tail = last !== undefined && last.includes('.');
  if (v4Tail && !isIpv4(last)) return false;
  const hex = v4Tail ? all.slice(0, -1) : all;
  if (!hex.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hex.length + (v4Tail ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

/** Interface names the commands of our subset accept (CR §45.1, §9.2, §8.1). */
export const INTERFACE_NAME = /^(lan\d+(\/\d+|\.\d+)?|bridge\d+|tunnel\d+(-tunnel\d+)?|vlan\d+|loopback\d+|wan\d+|pp|null)$/;

const INTERFACE_KINDS: Record<string, RegExp> = {
  bridge: /^bridge\d+$/,
  lan: /^lan\d+$/,
  /** a VLAN sub-interface as the `vlan` command names it (CR §38.1: `lan1/1`) */
  lansub: /^lan\d+\/\d+$/,
  /** a switching-hub port as `vlan port mapping` names it (CR §38.2: lan1.N) */
  swport: /^lan\d+\.\d+$/,
  /** a port-based VLAN interface (CR §38.2: vlan1-vlanN) */
  vlanif: /^vlan\d+$/,
  /** a switching-hub port as link aggregation names it (real configs: lan1:5) */
  lanport: /^lan\d+:\d+$/,
  pp: /^pp$/,
};

function makeType(spec: string): ValueType {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  const plain = (check: (t: string) => TokenCheck, secret = false): ValueType => ({
    spec,
    secret,
    check,
    format: (v) => formatToken(String(v)),
  });
  switch (name) {
    case 'int': {
      const [min, max] = parseRange(arg, spec);
      return plain((t) => checkInt(t, min, max));
    }
    case 'uint':
      // ranges the digest does not give: any decimal integer
      return plain((t) => checkInt(t, 0, Number.MAX_SAFE_INTEGER));
    case 'intor': {
      // `intor:1..600:off`: an integer in range, or the one keyword
      const [range, keyword] = arg.split(':');
      const [min, max] = parseRange(range, spec);
      return plain((t) => (t === keyword ? ok(t) : checkInt(t, min, max)));
    }
    case 'onoff':
      return plain((t) => (t === 'on' || t === 'off' ? ok(t) : bad('illegalKeyword', `'${t}' is not on or off`)));
    case 'enum': {
      const values = arg.split('|');
      return plain((t) => (values.includes(t) ? ok(t) : bad('illegalKeyword', `'${t}' is not one of ${values.join(', ')}`)));
    }
    case 'ipv4':
      return plain((t) => (isIpv4(t) ? ok(t) : bad('unrecognizedIpAddress', `'${t}' is not an IPv4 address`)));
    case 'ip':
      return plain((t) => (isIpv4(t) || isIpv6(t) ? ok(t) : bad('unrecognizedIpAddress', `'${t}' is not an IPv4 or IPv6 address`)));
    case 'ipv4prefix':
      return plain((t) => {
        const m = /^([^/]+)\/(\d+|\d+\.\d+\.\d+\.\d+)$/.exec(t);
        if (!m || !isIpv4(m[1])) return bad('unrecognizedIpAddress', `'${t}' is not ADDRESS/MASK`);
        if (/^\d+$/.test(m[2]) && Number(m[2]) > 32) return bad('parameterOutOfRange', `mask /${m[2]} is over 32`);
        if (!/^\d+$/.test(m[2]) && !isIpv4(m[2])) return bad('unrecognizedIpAddress', `'${m[2]}' is not a netmask`);
        return ok(t);
      });
    case 'str': {
      const max = Number(arg);
      return plain((t) => (t.length <= max ? ok(t) : bad('parameterOutOfRange', `${t.length} characters, at most ${max}`)));
    }
    case 'secret': {
      // `secret` alone: no documented length limit. The reason says nothing about the value (not even its length).
      const max = arg === '' ? Infinity : Number(arg);
      return plain((t) => (t.length <= max ? ok(t) : bad('parameterOutOfRange', `longer than ${max} characters`)), true);
    }
    case 'hexkey': {
      // CR §15.5: a `0x...` key of up to N bytes. The reason never contains the value.
      const maxBytes = Number(arg);
      return plain((t) => {
        if (!/^0x([0-9a-fA-F]{2})+$/.test(t)) return bad('illegalKeyword', 'not a 0x... hexadecimal key');
        return (t.length - 2) / 2 <= maxBytes ? ok(t) : bad('parameterOutOfRange', `longer than ${maxBytes} bytes`);
      }, true);
    }
    case 'iface': {
      const shape = arg === '' ? INTERFACE_NAME : INTERFACE_KINDS[arg];
      if (!shape) throw new Error(`grammar: unknown interface kind in '${spec}'`);
      const what = arg === '' ? 'an interface name' : `a ${arg} interface name`;
      return plain((t) => (shape.test(t) ? ok(t) : bad('illegalKeyword', `'${t}' is not ${what}`)));
    }
    case 'mac':
      return plain((t) =>
        /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(t) ? ok(t) : bad('illegalKeyword', `'${t}' is not a MAC address`),
      );
    case 'tunnelset':
      // CR §14.1: a number, N1-N2, N1-, -N1 or all
      return plain((t) => (/^(all|\d+|\d+-\d*|-\d+)$/.test(t) ? ok(t) : bad('illegalKeyword', `'${t}' is not a tunnel number, range or all`)));
    case 'word':
      return plain((t) => ok(t));
    default:
      throw new Error(`grammar: unknown parameter type '${spec}'`);
  }
}

const cache = new Map<string, ValueType>();

export function valueType(spec: string): ValueType {
  let t = cache.get(spec);
  if (!t) {
    t = makeType(spec);
    cache.set(spec, t);
  }
  return t;
}

/** A token as the router shows it: double-quoted when it has spaces or is empty. */
export function formatToken(text: string): string {
  return text === '' || /[\s"]/.test(text) ? `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"` : text;
}
