// MODP Diffie-Hellman (RFC 2409 §6.1/6.2 groups 1 and 2, RFC 3526 §2/§3 groups 5 and 14) over
// node:crypto's built-in primes (ipsec-facts.md "Node facts"), computed with BigInt modular
// exponentiation: node's createDiffieHellman(prime) re-checks the prime on every key pair (45-400
// ms each on this machine, which made a device's DH answer late under load), modPow with a 256-bit
// exponent takes a few ms and gives the same values (the strongSwan interop tests compare keys). The private value is injected so a
// run is reproducible from its seed; the shared secret is left-padded to the prime's length, as
// g^xy enters SKEYID_d and KEYMAT at full length (RFC 2409 §5: "g^xy ... the Diffie-Hellman shared secret").
import { getDiffieHellman } from 'node:crypto';
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

function toBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`);
}

function fromBig(v: bigint, n: number): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(n * 2, '0'), 'hex'));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let r = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % modulus;
    b = (b * b) % modulus;
  }
  return r;
}

/** A key pair from an injected private value (RFC 2409 does not fix its length; 32 octets suffice for these groups). */
export function dhKeyPair(group: ModpGroup, privateValue: Uint8Array): DhKeyPair {
  const p = toBig(prime(group));
  const x = toBig(privateValue);
  const n = groupLength(group);
  return {
    group,
    publicValue: fromBig(modPow(2n, x, p), n),
    sharedSecret: (peer) => {
      const y = toBig(peer);
      // RFC 2631 §2.1.5 / RFC 6989 spirit: 1 < y < p-1, else the peer's KE is not a group element
      if (y <= 1n || y >= p - 1n) throw new Error('Diffie-Hellman: the peer\'s public value is out of range (1 < y < p-1)');
      return fromBig(modPow(y, x, p), n);
    },
  };
}
