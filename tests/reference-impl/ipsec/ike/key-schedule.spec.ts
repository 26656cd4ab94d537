// The IKEv1 key schedule (RFC 2409 §5, §5.5, Appendix B) against a vector recorded from strongSwan
// 5.9.8 (Debian 12): main mode with PSK, AES-256-CBC + SHA-1 (so the phase-1 key needs the
// Appendix B extension: 32 > 20 octets) and MODP 1024, then quick mode with PFS for ESP
// AES-256-CBC + HMAC-SHA-256 (64 octets of KEYMAT: three prf extensions). Inputs are what the wire
// carried (cookies, nonces, SPIs, public values) and the shared secrets charon logged at level 4;
// expected values are charon's own log lines (`SKEYID`, `encryption key Ka`, `initial IV`,
// `encryption/integrity initiator/responder key`). No published IKEv1 PSK vectors were found; see
// also tests/interop/strongswan, which checks the same live for every scenario.
import { test, expect } from '@playwright/test';
import { extendEncKey, keymat, phase1Keys, prf } from '../../../../reference-impl/ipsec/ike/keys.ts';
import { phase1Iv } from '../../../../reference-impl/ipsec/ike/phase1-cipher.ts';
import { CIPHERS } from '../../../../reference-impl/ipsec/cipher-suite.ts';
import { PROTOCOL } from '../../../../reference-impl/ipsec/isakmp/constants.ts';

const x = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** A throwaway key of the interop test (tests/interop/strongswan/scenario.ts), not a device secret. */
const PSK = Uint8Array.from(Buffer.from('ike-interop-psk-7d3f'));
const WIRE = {
  icookie: x('42ade332ce08dd61'),
  rcookie: x('d51c303f8fbac15b'),
  ni: x('107bb7aa56bf60a0b9f67f1040c7dccc'),
  nr: x('bb0d33204d61d5a1905795a8a1cd6e2d9888f3b3638e9ed31f515373f335b4cb'),
  gxi: x('d46f2ff1ff513d148fd96d1f6e6fabf955bb8573a3472da69bef48cf26a36a502235228cdb01e500ab1bd1f0f084dfb6' +
    'c8cb70a970d0553b15b5ab5694fb06dc9558981f6b1e2702da98be31a4b53ebbd063476f5ec8ff88242a182af52dd64b' +
    'aeee2b3b36bf066f8388a430d215e14b09c338a5c19fec9b8d5953432ce9896e'),
  gxr: x('c3efbdbe4fca0b4aa4b6787b969f5894b59a47bce19bda5218a3aa6b97935df68216d1198a561421108cb39781fc009e' +
    '35389351ff31a6b9e6c860488bf7347ef974c5f2758a539b234e58ddd9eda9e628f93b4a7828bf0bbe36db3d18c35201' +
    'a17958936fa657b9410c706d255fe7701ec8a43061276787d38d8083a35d59ab'),
  /** charon: "shared Diffie Hellman secret". */
  gxy: x('3525349ddbf5c1a831a651703de09b3115318a8afefac6d2ad88582eb4b1c30e1c1abc9f3e1e2c6ee99113d7991ba9da' +
    'a9e60f057b5bd5626b9a642f11fb4f49d61c60bae10f7d53538ac0540c7fa332011b6665179b9533170dc68a9809040c' +
    '0b36900b0d3ccd2aee3067b5be910f19c41983f051edd0235379ffd9251796c9'),
};
const CHARON = {
  skeyid: 'c84a79d7a429be34d4a102808c626d501ae8bee6',
  skeyidD: '072b3fe98691b99427f03e1b5194d6d967d314a9',
  skeyidA: '03b65cf62e150db4683beeb84e1a7d7ae40d3820',
  skeyidE: 'b551d62e129eae7dc620186eb1512a58b1e04859',
  ka: '04b2bfb8a53630090c031dd76f9e03a2275f63c060b6175c73562ca7b6fe546c',
  initialIv: '0e9f03c970d6e9e256925db58dee2ca9',
};
const QUICK = {
  ni: x('6180cb4bc603fc14f8ab9dc684cdf952'),
  nr: x('8c70b42decd44d10d61e1d798a8bfb150eefa3a16328d1a2b6262cab603ad1af'),
  /** The initiator's (oracle's) SPI and the responder's (charon's). */
  spiI: x('c322fb33'),
  spiR: x('c89f6ccc'),
  /** charon: "DH secret" of the PFS exchange. */
  gqmxy: x('f70edda6de6fe7d396a1d549c7017c91b39927c5ed25f216ca2078e07e0accadb6bb7f23e4025f54bd082a5fa7160ea8' +
    'e38427def9888ae387eb09c1e4b16d9ad404eeb55d46058e43fed793b32cf00ea62e841801e3554f45d1fb6609efd9d1' +
    '40b08c5184fa921d0e1cb166fa7ae536ad40aa00d32558025c85fbfce454a0c1'),
  encI: '4bc7195cf5b88ac911cad099b93de919230cc08bf17962ff1d72114df9eb3475',
  encR: 'f4ae0a3265d1de64282d621fa2f88206823b66f8e91ad6a6608f40e9d84eb312',
  intI: 'e4916450ffebf80b59a06375757c7b4097e3700e9aec83748ac23326b37e7f3a',
  intR: '61e285bdf26c57e12bbd9d0c59d5021cf56970c9a5754a0ca7e019a29d5af810',
};

test('SKEYID, SKEYID_d/a/e and the extended AES-256 key equal strongSwan\'s', () => {
  const k = phase1Keys({ hash: 'sha1', psk: PSK, ni: WIRE.ni, nr: WIRE.nr, gxy: WIRE.gxy, icookie: WIRE.icookie, rcookie: WIRE.rcookie, encKeyLength: 32 });
  expect(hex(k.skeyid)).toBe(CHARON.skeyid);
  expect(hex(k.skeyidD)).toBe(CHARON.skeyidD);
  expect(hex(k.skeyidA)).toBe(CHARON.skeyidA);
  expect(hex(k.skeyidE)).toBe(CHARON.skeyidE);
  expect(hex(k.encKey)).toBe(CHARON.ka);
  // Appendix B: Ka = K1 | K2 with K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1), cut to 32 octets.
  const k1 = prf('sha1', k.skeyidE, Uint8Array.of(0));
  expect(hex(k.encKey)).toBe(hex(Uint8Array.from([...k1, ...prf('sha1', k.skeyidE, k1)]).slice(0, 32)));
  expect(hex(extendEncKey('sha1', k.skeyidE, 16))).toBe(CHARON.skeyidE.slice(0, 32));
});

test('the phase-1 IV hash(g^xi | g^xr) equals strongSwan\'s initial IV', () => {
  expect(hex(phase1Iv('sha1', CIPHERS['aes256-cbc'], WIRE.gxi, WIRE.gxr))).toBe(CHARON.initialIv);
});

test('quick-mode KEYMAT with PFS (64 octets: AES-256 key then HMAC-SHA-256 key) equals strongSwan\'s, per direction', () => {
  const base = { hash: 'sha1' as const, skeyidD: x(CHARON.skeyidD), gqmxy: QUICK.gqmxy, protocolId: PROTOCOL.esp, niBody: QUICK.ni, nrBody: QUICK.nr, length: 64 };
  // Traffic from the initiator is received by the responder: keyed with the responder's SPI.
  const fromI = keymat({ ...base, spi: QUICK.spiR });
  const fromR = keymat({ ...base, spi: QUICK.spiI });
  expect([hex(fromI.slice(0, 32)), hex(fromI.slice(32))]).toEqual([QUICK.encI, QUICK.intI]);
  expect([hex(fromR.slice(0, 32)), hex(fromR.slice(32))]).toEqual([QUICK.encR, QUICK.intR]);
  // Without PFS the KEYMAT differs (g(qm)^xy is an input).
  expect(hex(keymat({ ...base, gqmxy: undefined, spi: QUICK.spiR }).slice(0, 32))).not.toBe(QUICK.encI);
});
