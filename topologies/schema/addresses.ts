// Address syntax and arithmetic for topology files: interface addresses (host/prefix),
// subnets (network/prefix), plain addresses and DHCP pool ranges. Pure functions, so the
// zod schema (syntax) and the semantic checks (containment, overlap) share one parser.
import { isIPv4, isIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface ParsedCidr {
  family: Family;
  /** the address as a big integer (32 or 128 bits) */
  address: bigint;
  prefix: number;
}

function bits(family: Family): number {
  return family === 4 ? 32 : 128;
}

export function addressToBigInt(text: string): { family: Family; value: bigint } | undefined {
  if (isIPv4(text)) {
    const v = text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
    return { family: 4, value: v };
  }
  if (isIPv6(text)) {
    // Expand '::' and an embedded dotted quad, then read 8 groups of 16 bits.
    let t = text;
    const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
    if (dotted) {
      const v4 = addressToBigInt(dotted[1])!.value;
      t = t.slice(0, dotted.index) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
    }
    const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
    const h = head ? head.split(':') : [];
    const tl = tail === undefined ? [] : tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
    const v = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
    return { family: 6, value: v };
  }
  return undefined;
}

export function parseCidr(text: string): ParsedCidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const a = addressToBigInt(m[1]);
  if (!a) return undefined;
  const prefix = Number(m[2]);
  if (prefix > bits(a.family)) return undefined;
  return { family: a.family, address: a.value, prefix };
}

function mask(family: Family, prefix: number): bigint {
  const total = bits(family);
  return ((1n << BigInt(total)) - 1n) ^ ((1n << BigInt(total - prefix)) - 1n);
}

/** True when the address bits beyond the prefix are all zero (a subnet, not a host). */
export function isNetworkCidr(c: ParsedCidr): boolean {
  return (c.address & ~mask(c.family, c.prefix)) === 0n;
}

export function subnetContains(subnet: ParsedCidr, family: Family, address: bigint): boolean {
  if (subnet.family !== family) return false;
  const m = mask(family, subnet.prefix);
  return (subnet.address & m) === (address & m);
}

/** A host address with prefix must be neither the network nor (IPv4, prefix < 31) the broadcast address. */
export function isHostCidr(c: ParsedCidr): boolean {
  const hostBits = bits(c.family) - c.prefix;
  if (c.family === 4 && hostBits >= 2) {
    const hostPart = c.address & ((1n << BigInt(hostBits)) - 1n);
    return hostPart !== 0n && hostPart !== (1n << BigInt(hostBits)) - 1n;
  }
  return true;
}

export interface ParsedRange {
  family: Family;
  first: bigint;
  last: bigint;
}

/** `a.b.c.d-a.b.c.e`, same family, first <= last. */
export function parseRange(text: string): ParsedRange | undefined {
  const parts = text.split('-');
  if (parts.length !== 2) return undefined;
  const a = addressToBigInt(parts[0].trim());
  const b = addressToBigInt(parts[1].trim());
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  return { family: a.family, first: a.value, last: b.value };
}

export function rangesOverlap(x: ParsedRange, y: ParsedRange): boolean {
  return x.family === y.family && x.first <= y.last && y.first <= x.last;
}

// Predicates the schema uses, each with the message a user sees when it fails.
export const ADDRESS_FORMS = {
  ipv4Interface: {
    test: (s: string) => { const c = parseCidr(s); return !!c && c.family === 4 && isHostCidr(c); },
    message: 'is not an IPv4 interface address (host address with prefix, e.g. 192.0.2.1/24)',
  },
  ipv6Interface: {
    test: (s: string) => { const c = parseCidr(s); return !!c && c.family === 6; },
    message: 'is not an IPv6 interface address (address with prefix, e.g. 2001:db8::1/64)',
  },
  ipv4Subnet: {
    test: (s: string) => { const c = parseCidr(s); return !!c && c.family === 4 && isNetworkCidr(c); },
    message: 'is not an IPv4 subnet (network address with prefix and zero host bits, e.g. 192.0.2.0/24)',
  },
  ipv6Subnet: {
    test: (s: string) => { const c = parseCidr(s); return !!c && c.family === 6 && isNetworkCidr(c); },
    message: 'is not an IPv6 prefix (network address with prefix and zero host bits, e.g. 2001:db8:1::/64)',
  },
  ipv4Address: { test: (s: string) => isIPv4(s), message: 'is not an IPv4 address (e.g. 192.0.2.1)' },
  ipv6Address: { test: (s: string) => isIPv6(s), message: 'is not an IPv6 address (e.g. 2001:db8::1)' },
  ipv4Range: {
    test: (s: string) => parseRange(s)?.family === 4,
    message: 'is not an IPv4 address range (first-last, e.g. 192.168.100.2-192.168.100.99)',
  },
} as const;
