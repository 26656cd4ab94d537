// What a UDP datagram on the NAT-T port carries (RFC 3948 §2): ESP (first four octets = a non-zero
// SPI), IKE behind the 4-octet non-ESP marker (§2.2), or a NAT-keepalive of one 0xFF octet (§2.3).
// IKE itself starts on port 500 and floats to 4500 when NAT-T is used (RFC 3947 §4).

import { IKE_PORT, NAT_T_PORT, NON_ESP_MARKER_LENGTH } from '../isakmp/constants.ts';

// The ports and the marker length are the ISAKMP codec's (one fact, one place).
export { IKE_PORT, NAT_T_PORT, NON_ESP_MARKER_LENGTH };
export const NAT_KEEPALIVE_OCTET = 0xff;

export type NatTPayload =
  | { kind: 'esp'; esp: Uint8Array }
  | { kind: 'ike'; isakmp: Uint8Array; offset: number }
  | { kind: 'nat-keepalive' }
  | { kind: 'malformed'; offset: number; reason: string };

/** Sorts a UDP/4500 payload; offsets are from the first octet of the UDP payload. Never throws. */
export function classifyNatTPayload(p: Uint8Array): NatTPayload {
  if (p.length === 1 && p[0] === NAT_KEEPALIVE_OCTET) return { kind: 'nat-keepalive' };
  if (p.length < NON_ESP_MARKER_LENGTH) {
    return { kind: 'malformed', offset: 0, reason: `UDP/4500 payload of ${p.length} octets is neither a NAT-keepalive (one 0xFF) nor ESP or IKE (RFC 3948 §2)` };
  }
  if (p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0) {
    return { kind: 'ike', isakmp: p.subarray(NON_ESP_MARKER_LENGTH), offset: NON_ESP_MARKER_LENGTH };
  }
  if (p.length < 8) return { kind: 'malformed', offset: p.length, reason: `ESP header cut short (${p.length} of 8 octets)` };
  return { kind: 'esp', esp: p };
}

/** An IKE message as sent on port 4500: the non-ESP marker, then the ISAKMP octets. */
export function withNonEspMarker(isakmp: Uint8Array): Uint8Array {
  const out = new Uint8Array(NON_ESP_MARKER_LENGTH + isakmp.length);
  out.set(isakmp, NON_ESP_MARKER_LENGTH);
  return out;
}

/** The NAT-keepalive datagram payload (RFC 3948 §2.3). */
export function natKeepalive(): Uint8Array {
  return Uint8Array.of(NAT_KEEPALIVE_OCTET);
}
