// MODP Diffie-Hellman (RFC 2409 §6.1/6.2 groups 1 and 2, RFC 3526 §2/§3 groups 5 and 14) over
// node:crypto's built-in primes (ipsec-facts.md "Node facts"). The private value is injected so a
// run is reproducible from its seed; the shared secret is left-padded to the prime's length, as
// g^xy enters SKEYID_d and KEYMAT at full length (RFC 2409 §5: "g^xy ... the Diffie-Hellman shared secret").
import { createDiffieHellman, getDiffieHellman } from 'node:crypto';
import { MODP_GROUP, type ModpGroup } from '../isakmp/constants.ts';

const NODE_GROUP: Record<ModpGroup, string> = {
  [MODP_GROUP.modp768]: 'modp1',
  [MODP_GROUP.modp1024]: 'modp2',
  [MODP_GROUP.modp1536]: 'modp5',
  [MODP_GROUP.modp2048]: 'modp14',
};

const primes = new Map<ModpGroup, Buffer>();
function prime(group: ModpGroup): Buffer {
  let p = primes.get(group);
  if (!p) {
    p = getDiffieHellman(NODE_GROUP[group]).getPrime();
    primes.set(group, p);
  }
  return p;
}

export function groupLength(group: ModpGroup): number {
  return prime(group).length;
}

export interface DhKeyPair {
  group: ModpGroup;
  /** g^x, left-padded to the prime length (the KE payload data, RFC 2409 §5). */
  publicValue: Uint8Array;
  /** g^xy for a peer's public value, left-padded to the prime length. */
  sharedSecret(peerPublic: Uint8Array): Uint8Array;
}

function leftPad(b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return Uint8Array.from(b);
  const out = new Uint8Array(n);
  out.set(b, n - b.length);
  return out;
}

/** A key pair from an injected private value (RFC 2409 does not fix its length; 32 octets suffice for these groups). */
export function dhKeyPair(group: ModpGroup, privateValue: Uint8Array): DhKeyPair {
  const dh = createDiffieHellman(prime(group), Buffer.from([2]));
  dh.setPrivateKey(Buffer.from(privateValue));
  dh.generateKeys();
  const n = groupLength(group);
  return {
    group,
    publicValue: leftPad(dh.getPublicKey(), n),
    sharedSecret: (peer) => leftPad(dh.computeSecret(Buffer.from(peer)), n),
  };
}
