// MAP-E (RFC 7597) address and port mapping, as the CE side of a MAP-E access service computes it:
// from the Basic Mapping Rule the service hands out and the CE's delegated IPv6 prefix, the shared
// IPv4 address, the Port Set ID and the ports the CE may use as source ports. The seed
// sentence (L2TPv3 "in IPIP tunnelling and map-e tunnel environments") makes the port-set
// restriction matter: an L2TPv3 endpoint behind MAP-E cannot keep source port 1701 unless 1701 is
// in its set. Pure.
import { MAP_E_ASSUMPTION_DEFAULTS, type MapEInterfaceIdFormat } from './underlay-assumptions.ts';

/** A Basic Mapping Rule (RFC 7597 §5). */
export interface MapERule {
  /** Rule IPv6 prefix, e.g. `2001:db8::/40`. */
  readonly ipv6Prefix: string;
  /** Rule IPv4 prefix, e.g. `192.0.2.0/24`. */
  readonly ipv4Prefix: string;
  /** EA-bits length (o), 0..48. */
  readonly eaBits: number;
  /** PSID offset (a), default 6 (RFC 7597 §5.1). */
  readonly psidOffset?: number;
  /** The Border Relay's IPv6 address (the DMR of MAP-E, RFC 7597 §5.4). */
  readonly brAddress: string;
}

/** What a CE derives from its rule and its End-user IPv6 prefix. */
export interface MapECe {
  /** The shared IPv4 address (k > 0) or full address (k = 0). */
  readonly ipv4: string;
  /** IPv4 prefix length the CE owns: 32, or shorter when o < 32 - r4 (an IPv4 prefix, no sharing). */
  readonly ipv4PrefixLength: number;
  readonly psid: number;
  /** PSID length (k). */
  readonly psidLength: number;
  readonly psidOffset: number;
  /** The MAP IPv6 address: the tunnel's local end (RFC 7597 §6). */
  readonly ceIpv6: string;
  readonly brIpv6: string;
}

export class MapERuleError extends Error {}

const RULE_DEFAULT_OFFSET = 6; // RFC 7597 §5.1: "the default value of a is 6"

/** Parses `addr/len` of either family into bits (big-endian bytes) and the length. */
function prefixOf(text: string, family: 4 | 6, what: string): { bytes: Uint8Array; length: number } {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) throw new MapERuleError(`${what}: "${text}" is not ADDRESS/LENGTH`);
  const length = Number(m[2]);
  const max = family === 4 ? 32 : 128;
  if (length > max) throw new MapERuleError(`${what}: length ${length} exceeds ${max}`);
  return { bytes: family === 4 ? ipv4Bytes(m[1], what) : ipv6Bytes(m[1], what), length };
}

export function ipv4Bytes(s: string, what = 'IPv4 address'): Uint8Array {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new MapERuleError(`${what}: "${s}" is not an IPv4 address`);
  return Uint8Array.from(parts.map(Number));
}

export function ipv6Bytes(s: string, what = 'IPv6 address'): Uint8Array {
  const bad = () => new MapERuleError(`${what}: "${s}" is not an IPv6 address`);
  const halves = s.split('::');
  if (halves.length > 2) throw bad();
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if ((halves.length === 1 && head.length !== 8) || fill < 0 || (halves.length === 2 && fill < 1)) throw bad();
  const all = [...head, ...Array<string>(fill).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw bad();
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** RFC 5952 text of 16 octets (zero-run compressed, lower case). */
export function formatIpv6Bytes(b: Uint8Array): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[i * 2] << 8) | b[i * 2 + 1]);
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > best.len && j - i >= 2) best = { at: i, len: j - i };
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

function getBits(b: Uint8Array, from: number, count: number): number {
  let v = 0;
  for (let i = 0; i < count; i++) v = v * 2 + ((b[(from + i) >> 3] >> (7 - ((from + i) & 7))) & 1);
  return v;
}

function setBits(b: Uint8Array, from: number, count: number, value: number): void {
  for (let i = 0; i < count; i++) {
    const bit = Math.floor(value / 2 ** (count - 1 - i)) % 2;
    const at = from + i;
    if (bit) b[at >> 3] |= 1 << (7 - (at & 7));
    else b[at >> 3] &= ~(1 << (7 - (at & 7)));
  }
}

/**
 * The CE's parameters from the rule and its End-user IPv6 prefix (RFC 7597 §5.2: the EA bits
 * follow the rule IPv6 prefix; the first 32 - r4 of them are the IPv4 suffix, the rest the PSID).
 */
export function mapECe(rule: MapERule, endUserPrefix: string, format: MapEInterfaceIdFormat = MAP_E_ASSUMPTION_DEFAULTS.interfaceIdFormat): MapECe {
  const r6 = prefixOf(rule.ipv6Prefix, 6, 'rule IPv6 prefix');
  const r4 = prefixOf(rule.ipv4Prefix, 4, 'rule IPv4 prefix');
  const eu = prefixOf(endUserPrefix, 6, 'End-user IPv6 prefix');
  const o = rule.eaBits;
  const a = rule.psidOffset ?? RULE_DEFAULT_OFFSET;
  if (!Number.isInteger(o) || o < 0 || o > 48) throw new MapERuleError(`EA-bits length ${o}: must be 0..48 (RFC 7597 §5.2)`);
  const n = r6.length + o;
  if (n > 64) throw new MapERuleError(`rule IPv6 prefix /${r6.length} plus ${o} EA bits is /${n}: longer than 64 (RFC 7597 §5.2)`);
  if (eu.length < n) throw new MapERuleError(`End-user IPv6 prefix /${eu.length} is shorter than the rule's /${n} (rule prefix plus EA bits)`);
  for (let i = 0; i < r6.length; i++) {
    if (getBits(eu.bytes, i, 1) !== getBits(r6.bytes, i, 1)) throw new MapERuleError(`End-user IPv6 prefix ${endUserPrefix} is not inside the rule IPv6 prefix ${rule.ipv6Prefix}`);
  }
  const p = 32 - r4.length;
  const k = Math.max(0, o - p);
  if (a + k > 16) throw new MapERuleError(`PSID offset ${a} plus PSID length ${k} exceeds 16 (RFC 7597 §5.1)`);
  const suffixBits = Math.min(o, p);
  const suffix = getBits(eu.bytes, r6.length, suffixBits);
  const psid = getBits(eu.bytes, r6.length + suffixBits, k);
  const v4 = Uint8Array.from(r4.bytes);
  setBits(v4, r4.length, suffixBits, suffix);
  const ceIpv6 = new Uint8Array(16);
  ceIpv6.set(eu.bytes.subarray(0, 8));
  setBits(ceIpv6, n, 64 - n, 0); // subnet ID: zero (RFC 7597 §6)
  writeInterfaceId(ceIpv6, v4, psid, format);
  return {
    ipv4: Array.from(v4).join('.'), ipv4PrefixLength: r4.length + suffixBits, psid, psidLength: k, psidOffset: a,
    ceIpv6: formatIpv6Bytes(ceIpv6), brIpv6: formatIpv6Bytes(ipv6Bytes(rule.brAddress, 'BR address')),
  };
}

function writeInterfaceId(out: Uint8Array, v4: Uint8Array, psid: number, format: MapEInterfaceIdFormat): void {
  out.fill(0, 8);
  if (format === 'rfc7597') {
    // RFC 7597 §6: 16 bits zero | IPv4 address (32) | PSID (16, right-aligned)
    out.set(v4, 10);
    out[14] = psid >> 8;
    out[15] = psid & 0xff;
  } else {
    // draft-ietf-softwire-map-03: 8 bits zero | IPv4 address (32) | PSID (16) | 8 bits zero
    out.set(v4, 9);
    out[13] = psid >> 8;
    out[14] = psid & 0xff;
  }
}

/** One contiguous run of ports in a port set. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/**
 * The CE's port set (RFC 7597 §5.1): port = A * 2^(16-a) + PSID * 2^m + j, m = 16 - a - k,
 * A from 1 (a > 0: the ports below 2^(16-a), well-known ones among them, are excluded) to 2^a - 1,
 * j from 0 to 2^m - 1. k = 0: every port (the CE owns its address alone).
 */
export function portSet(ce: Pick<MapECe, 'psid' | 'psidLength' | 'psidOffset'>): PortRange[] {
  const a = ce.psidOffset;
  const k = ce.psidLength;
  if (k === 0) return [{ first: 0, last: 65535 }];
  const m = 16 - a - k;
  const out: PortRange[] = [];
  for (let A = a > 0 ? 1 : 0; A < 2 ** a; A++) {
    const first = A * 2 ** (16 - a) + ce.psid * 2 ** m;
    out.push({ first, last: first + 2 ** m - 1 });
  }
  return out;
}

/** The PSID a port belongs to under (a, k); undefined for the excluded ports below 2^(16-a). */
export function psidOfPort(port: number, psidOffset: number, psidLength: number): number | undefined {
  if (psidLength === 0) return 0;
  const A = port >> (16 - psidOffset);
  if (psidOffset > 0 && A === 0) return undefined;
  return (port >> (16 - psidOffset - psidLength)) & (2 ** psidLength - 1);
}

export function portInSet(port: number, ce: Pick<MapECe, 'psid' | 'psidLength' | 'psidOffset'>): boolean {
  return psidOfPort(port, ce.psidOffset, ce.psidLength) === ce.psid;
}

/** The well-known L2TP port (RFC 3931 §4.1.2.2). */
export const L2TP_PORT = 1701;

/**
 * The source port a CE's own L2TPv3 traffic leaves with: 1701 when the port set holds it, else the
 * first port of the set (ASSUMPTION map-e-l2tp-source-port, underlay-assumptions.ts).
 */
export function l2tpSourcePort(ce: Pick<MapECe, 'psid' | 'psidLength' | 'psidOffset'>): number {
  return portInSet(L2TP_PORT, ce) ? L2TP_PORT : portSet(ce)[0].first;
}

/**
 * The CE that owns `ipv4`:`port` under the rule (RFC 7597 §5.3: the BR finds the PSID in the port
 * and rebuilds the End-user prefix from the IPv4 suffix and the PSID); undefined when the address
 * is outside the rule or the port is one no CE owns.
 */
export function ceForDestination(rule: MapERule, ipv4: string, port: number, format: MapEInterfaceIdFormat = MAP_E_ASSUMPTION_DEFAULTS.interfaceIdFormat): MapECe | undefined {
  const r6 = prefixOf(rule.ipv6Prefix, 6, 'rule IPv6 prefix');
  const r4 = prefixOf(rule.ipv4Prefix, 4, 'rule IPv4 prefix');
  const v4 = ipv4Bytes(ipv4);
  if (getBits(v4, 0, r4.length) !== getBits(r4.bytes, 0, r4.length)) return undefined;
  const o = rule.eaBits;
  const a = rule.psidOffset ?? RULE_DEFAULT_OFFSET;
  const p = 32 - r4.length;
  const suffixBits = Math.min(o, p);
  const k = Math.max(0, o - p);
  const psid = psidOfPort(port, a, k);
  if (psid === undefined) return undefined;
  const eu = new Uint8Array(16);
  eu.set(r6.bytes);
  setBits(eu, r6.length, suffixBits, getBits(v4, r4.length, suffixBits));
  setBits(eu, r6.length + suffixBits, k, psid);
  return mapECe(rule, `${formatIpv6Bytes(eu)}/${r6.length + o}`, format);
}
