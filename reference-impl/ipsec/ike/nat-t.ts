// NAT traversal for IKEv1 (RFC 3947): NAT-D hashes, detection, and the non-ESP marker of
// port 4500 (RFC 3948 §2.2); NAT keepalives are one 0xFF octet (RFC 3948 §2.3).
import { createHash } from 'node:crypto';
import type { PrfHash } from './algorithms.ts';
import type { UdpEndpoint } from './ike-events.ts';
import { addressOctets } from './identity.ts';

/** RFC 3947 §3.2: HASH = HASH(CKY-I | CKY-R | IP | Port), with the negotiated hash. */
export function natDHash(alg: PrfHash, icookie: Uint8Array, rcookie: Uint8Array, ep: UdpEndpoint): Uint8Array {
  const port = new Uint8Array(2);
  new DataView(port.buffer).setUint16(0, ep.port);
  return new Uint8Array(createHash(alg).update(icookie).update(rcookie).update(addressOctets(ep.address)).update(port).digest());
}

export interface NatDetection {
  /** Our address as the peer saw it differs from ours: we are behind a NAT. */
  localBehindNat: boolean;
  peerBehindNat: boolean;
}

/**
 * RFC 3947 §3.2: the first NAT-D received is the hash of the receiver's address (as the sender
 * saw it), the rest of the sender's own addresses. Compared with what we see.
 */
export function detectNat(alg: PrfHash, icookie: Uint8Array, rcookie: Uint8Array, received: readonly Uint8Array[], local: UdpEndpoint, peer: UdpEndpoint): NatDetection {
  const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
  const ours = natDHash(alg, icookie, rcookie, local);
  const theirs = natDHash(alg, icookie, rcookie, peer);
  return {
    localBehindNat: received.length === 0 || !eq(received[0], ours),
    peerBehindNat: !received.slice(1).some((h) => eq(h, theirs)),
  };
}

export const NON_ESP_MARKER = new Uint8Array(4);
export const NAT_KEEPALIVE = Uint8Array.of(0xff);

/** Wraps an ISAKMP message for a port: on 4500 it follows the non-ESP marker. */
export function frameForPort(port: 500 | 4500, isakmp: Uint8Array): Uint8Array {
  if (port === 500) return isakmp;
  const b = new Uint8Array(4 + isakmp.length);
  b.set(isakmp, 4);
  return b;
}

/** What arrived on a port: an ISAKMP message, a NAT keepalive, or ESP (port 4500, non-zero SPI). */
export function unframe(port: 500 | 4500, bytes: Uint8Array): { kind: 'isakmp'; bytes: Uint8Array } | { kind: 'keepalive' } | { kind: 'esp' } {
  if (port === 500) return { kind: 'isakmp', bytes };
  if (bytes.length === 1 && bytes[0] === 0xff) return { kind: 'keepalive' };
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0) return { kind: 'isakmp', bytes: bytes.subarray(4) };
  return { kind: 'esp' };
}
