// Seeded mutators for the robustness campaign (issue 17 point 6): bytes for the L2TPv3 codec and
// the router, text for the config parser and the topology loader. Every choice comes from one
// Mulberry32 stream, so an input is replayed from (seed, index); fast-check builds the well-formed
// seeds these mutate (corpus.ts).
import { Mulberry32 } from '../../reference-impl/sim/prng.ts';

export class Rng extends Mulberry32 {
  int(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The byte mutations (RFC 3931 §3.2.1 header, §5.1 AVP header): each aims at one field a decoder trusts. */
export const BYTE_MUTATIONS = ['bit-flip', 'truncate', 'length-lies', 'avp-length-lies', 'append', 'mh-bits', 'version', 'splice', 'zero-fill', 'random'] as const;
export type ByteMutation = (typeof BYTE_MUTATIONS)[number];

/** One mutation of `src` (a copy; `src` is not changed). `donor` is spliced in by 'splice'. */
export function mutateBytes(src: Uint8Array, rng: Rng, donor: Uint8Array, which: ByteMutation = rng.pick(BYTE_MUTATIONS)): Uint8Array {
  const b = src.slice();
  switch (which) {
    case 'bit-flip':
      for (let i = 0, n = 1 + rng.int(4); i < n && b.length; i++) b[rng.int(b.length)] ^= 1 << rng.int(8);
      return b;
    case 'truncate':
      return b.subarray(0, rng.int(b.length + 1));
    case 'length-lies': // the control header's Length (octets 2-3), or a data header's Session ID
      if (b.length > 3) {
        b[2] = rng.int(256);
        b[3] = rng.int(256);
      }
      return b;
    case 'avp-length-lies': // the 10-bit AVP Length of some AVP-aligned octet
      if (b.length > 14) {
        const o = 12 + rng.int(b.length - 13);
        b[o] = (b[o] & 0xfc) | rng.int(4);
        b[o + 1] = rng.int(256);
      }
      return b;
    case 'append':
      return concat(b, rng.bytes(rng.int(24)));
    case 'mh-bits': // M and H bits of an octet that may start an AVP
      if (b.length > 13) b[12 + rng.int(b.length - 12)] ^= rng.pick([0x80, 0x40, 0xc0]);
      return b;
    case 'version':
      if (b.length > 1) b[1] = (b[1] & 0xf0) | rng.int(16);
      return b;
    case 'splice': {
      const cut = rng.int(b.length + 1);
      return concat(b.subarray(0, cut), donor.subarray(rng.int(donor.length + 1)));
    }
    case 'zero-fill': {
      const from = rng.int(b.length + 1);
      b.fill(0, from, from + 1 + rng.int(8));
      return b;
    }
    case 'random':
      return rng.bytes(rng.int(96));
  }
}

/** Text mutations for config and YAML: they aim at tokenisers (quotes, indentation, escapes, encodings). */
export const TEXT_MUTATIONS = ['delete-chars', 'insert-chars', 'duplicate-line', 'delete-line', 'swap-lines', 'indent', 'quote', 'binary', 'huge-token', 'splice-line', 'truncate'] as const;
export type TextMutation = (typeof TEXT_MUTATIONS)[number];

const SPECIAL = ['"', "'", '\\', '\t', '\r', '\n', ' ', '#', ':', '-', '{', '[', '&', '*', '!', '|', '>', '%', '@', '`', '\u0000', '\ufeff', 'é', '日', '\ud800', '=', '/', '.', '0', '65536', '-1', '999999999999'];

function lines(t: string): string[] {
  return t.split('\n');
}

/** One mutation of a text; `donor` lines are spliced in by 'splice-line'. */
export function mutateText(src: string, rng: Rng, donor: string, which: TextMutation = rng.pick(TEXT_MUTATIONS)): string {
  switch (which) {
    case 'delete-chars': {
      const at = rng.int(src.length + 1);
      return src.slice(0, at) + src.slice(at + 1 + rng.int(6));
    }
    case 'insert-chars': {
      const at = rng.int(src.length + 1);
      let ins = '';
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) ins += rng.pick(SPECIAL);
      return src.slice(0, at) + ins + src.slice(at);
    }
    case 'duplicate-line': {
      const ls = lines(src);
      const i = rng.int(ls.length);
      ls.splice(i, 0, ls[i]);
      return ls.join('\n');
    }
    case 'delete-line': {
      const ls = lines(src);
      ls.splice(rng.int(ls.length), 1);
      return ls.join('\n');
    }
    case 'swap-lines': {
      const ls = lines(src);
      const i = rng.int(ls.length);
      const j = rng.int(ls.length);
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('\n');
    }
    case 'indent': {
      const ls = lines(src);
      const i = rng.int(ls.length);
      ls[i] = rng.chance(0.5) ? ' '.repeat(1 + rng.int(4)) + ls[i] : ls[i].trimStart();
      return ls.join('\n');
    }
    case 'quote': {
      const at = rng.int(src.length + 1);
      return src.slice(0, at) + rng.pick(['"', "'", '"\\', '\\"']) + src.slice(at);
    }
    case 'binary': {
      const at = rng.int(src.length + 1);
      return src.slice(0, at) + String.fromCharCode(...rng.bytes(1 + rng.int(16))) + src.slice(at);
    }
    case 'huge-token': {
      const at = rng.int(src.length + 1);
      return src.slice(0, at) + rng.pick(['x', '9', ' ', '"', '[', '- ']).repeat(1000 + rng.int(4000)) + src.slice(at);
    }
    case 'splice-line': {
      const ls = lines(src);
      const d = lines(donor);
      ls.splice(rng.int(ls.length + 1), 0, d[rng.int(d.length)]);
      return ls.join('\n');
    }
    case 'truncate':
      return src.slice(0, rng.int(src.length + 1));
  }
}
