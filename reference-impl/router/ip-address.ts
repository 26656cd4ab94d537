// IPv4/IPv6 address text <-> octets, prefixes, and the Internet checksum. Pure.

export function parseIpv4(s: string): Uint8Array {
  const p = s.split('.');
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) throw new Error(`'${s}' is not an IPv4 address`);
  return Uint8Array.from(p.map(Number));
}

export function formatIpv4(b: Uint8Array, o = 0): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

export function parseIpv6(s: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = s.split('%')[0];
  let tail4: Uint8Array | undefined;
  const last = text.lastIndexOf(':');
  if (text.slice(last + 1).includes('.')) {
    tail4 = parseIpv4(text.slice(last + 1));
    text = text.slice(0, last + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new Error(`'${s}' is not an IPv6 address`);
  const grp = (h: string) => (h === '' ? [] : h.split(':'));
  const head = grp(halves[0]);
  const rest = halves.length === 2 ? grp(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) throw new Error(`'${s}' is not an IPv6 address`);
  const groups = [...head, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...rest];
  groups.forEach((g, i) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new Error(`'${s}' is not an IPv6 address`);
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  if (tail4) out.set(tail4, 12);
  return out;
}

export function formatIpv6(b: Uint8Array, o = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[o + 2 * i] << 8) | b[o + 2 * i + 1]);
  // Longest run of zero groups becomes '::' (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function bytesEq(a: Uint8Array, b: Uint8Array, bo = 0, len = a.length): boolean {
  for (let i = 0; i < len; i++) if (a[i] !== b[bo + i]) return false;
  return true;
}

/** `ADDR/LEN` -> address text and prefix length. */
export function splitPrefix(s: string): { address: string; prefix: number } {
  const [address, len] = s.split('/');
  return { address, prefix: len === undefined ? (address.includes(':') ? 128 : 32) : Number(len) };
}

/** RFC 1071 one's-complement sum over `parts`, folded and complemented. */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) sum += (p[i] << 8) | p[i + 1];
    if (p.length % 2) sum += p[p.length - 1] << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The modified EUI-64 link-local address for a MAC (RFC 4291 App. A). */
export function linkLocalFromMac(mac: Uint8Array): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0xfe;
  a[1] = 0x80;
  a.set([mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]], 8);
  return a;
}
