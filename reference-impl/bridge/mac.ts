// MAC addresses as the bridge sees them: canonical text keys and the address classes that decide
// between lookup and flooding.

/** Canonical form used as table key: lower-case, colon-separated, e.g. "00:a0:de:01:02:03". */
export type MacKey = string;

export const BROADCAST_MAC: MacKey = 'ff:ff:ff:ff:ff:ff';
/** IEEE 802.1D Bridge Group Address: where (R)STP BPDUs go. */
export const BPDU_MAC: MacKey = '01:80:c2:00:00:00';

export function macKey(b: Uint8Array, offset = 0): MacKey {
  const p: string[] = [];
  for (let i = 0; i < 6; i++) p.push(b[offset + i].toString(16).padStart(2, '0'));
  return p.join(':');
}

/** Parses "aa:bb:cc:dd:ee:ff", "aa-bb-..." or the RTX style "aabb.ccdd.eeff"; throws naming the text. */
export function parseMac(text: string): MacKey {
  const t = text.trim().toLowerCase();
  let hex: string | null = null;
  if (/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/.test(t)) hex = t.replace(/[:-]/g, '');
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(t)) hex = t.replace(/\./g, '');
  if (hex === null) throw new Error(`"${text}" is not a MAC address (expected aa:bb:cc:dd:ee:ff)`);
  return hex.match(/../g)!.join(':');
}

export function macBytes(key: MacKey): Uint8Array {
  return Uint8Array.from(parseMac(key).split(':').map((h) => parseInt(h, 16)));
}

/** I/G bit set: broadcast or multicast. */
export function isGroupMac(key: MacKey): boolean {
  return (parseInt(key.slice(0, 2), 16) & 1) === 1;
}

export function isZeroMac(key: MacKey): boolean {
  return key === '00:00:00:00:00:00';
}

/** 01:80:C2:00:00:00..0F, the IEEE 802.1D reserved group addresses. */
export function isReservedGroupMac(key: MacKey): boolean {
  return key.startsWith('01:80:c2:00:00:') && parseInt(key.slice(15), 16) <= 0x0f;
}

// The per-frame path keys its tables by the MAC as a 48-bit number (exact in a double) read
// straight from the frame: no string per frame. Text keys above stay the table's outward form.

/** A MAC address as the number 0 .. 2^48-1, first octet most significant. */
export type MacNumber = number;

export const BROADCAST_MAC_NUMBER: MacNumber = 0xffffffffffff;
export const BPDU_MAC_NUMBER: MacNumber = 0x0180c2000000;

export function macNumber(b: Uint8Array, offset = 0): MacNumber {
  return ((b[offset] << 8) | b[offset + 1]) * 0x100000000 + (((b[offset + 2] << 24) | (b[offset + 3] << 16) | (b[offset + 4] << 8) | b[offset + 5]) >>> 0);
}

export function macNumberOf(key: MacKey): MacNumber {
  return parseInt(parseMac(key).replace(/:/g, ''), 16);
}

export function macKeyOf(n: MacNumber): MacKey {
  return n.toString(16).padStart(12, '0').match(/../g)!.join(':');
}

/** I/G bit (the low bit of the first octet) of a numeric MAC. */
export function isGroupMacNumber(n: MacNumber): boolean {
  return (Math.floor(n / 0x10000000000) & 1) === 1;
}

/** 01:80:C2:00:00:00..0F (see isReservedGroupMac). */
export function isReservedGroupMacNumber(n: MacNumber): boolean {
  return n >= BPDU_MAC_NUMBER && n <= BPDU_MAC_NUMBER + 0x0f;
}
