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
