// Phase-1 and phase-2 algorithms as the IKEv1 SA attributes name them, mapped onto the shared
// cipher table (../cipher-suite.ts). RTX offers 3DES, AES-128 and AES-256 in CBC mode with MD5,
// SHA-1 or SHA-256, PSK and MODP groups 1/2/5/14 (yamaha-platform-facts.md §1.4, ipsec-facts.md).
import { CIPHERS, INTEGRITIES, type CbcCipher, type CipherName, type IntegrityName } from '../cipher-suite.ts';
import { ESP_TRANSFORM, MODP_GROUP, P1_ATTR, P1_AUTH, P1_ENCRYPTION, P1_HASH, P2_ATTR, LIFE_TYPE, type ModpGroup } from '../isakmp/constants.ts';
import { attributeValue, numericAttribute, type Attribute, type Transform } from '../isakmp/sa.ts';

export type PrfHash = 'md5' | 'sha1' | 'sha256';

/** Phase-1 hash attribute value -> node hash (RFC 2409 Appendix A; SHA2-256 = 4). */
export const P1_HASHES: readonly { attr: number; hash: PrfHash }[] = [
  { attr: P1_HASH.md5, hash: 'md5' },
  { attr: P1_HASH.sha1, hash: 'sha1' },
  { attr: P1_HASH.sha256, hash: 'sha256' },
];

/** The ISAKMP SA a phase-1 transform describes. */
export interface Phase1Suite {
  cipher: CipherName;
  hash: PrfHash;
  group: ModpGroup;
  /** Seconds (life type seconds); undefined when the transform carries none. */
  lifetimeS?: number;
}

export function cipherOf(name: CipherName): CbcCipher {
  return CIPHERS[name];
}

/** Encryption attribute(s) of a cipher: AES carries Key Length (RFC 3602 §5 via RFC 2409 App. A). */
function p1CipherAttrs(c: CipherName): Attribute[] {
  if (c === '3des-cbc') return [{ type: P1_ATTR.encryptionAlgorithm, value: P1_ENCRYPTION.tripleDesCbc }];
  return [{ type: P1_ATTR.encryptionAlgorithm, value: P1_ENCRYPTION.aesCbc }, { type: P1_ATTR.keyLength, value: CIPHERS[c].keyBytes * 8 }];
}

export function phase1Transform(number: number, s: Phase1Suite): Transform {
  const hashAttr = P1_HASHES.find((h) => h.hash === s.hash)?.attr ?? P1_HASH.sha1;
  const attributes: Attribute[] = [
    ...p1CipherAttrs(s.cipher),
    { type: P1_ATTR.hashAlgorithm, value: hashAttr },
    { type: P1_ATTR.authenticationMethod, value: P1_AUTH.preSharedKey },
    { type: P1_ATTR.groupDescription, value: s.group },
  ];
  if (s.lifetimeS !== undefined) attributes.push({ type: P1_ATTR.lifeType, value: LIFE_TYPE.seconds }, numericAttribute(P1_ATTR.lifeDuration, s.lifetimeS));
  return { number, transformId: 1, attributes };
}

/** Reads a phase-1 transform; undefined when it names something outside RTX's set (then it is not chosen). */
export function readPhase1Transform(t: Transform): Phase1Suite | undefined {
  const enc = attributeValue(t.attributes, P1_ATTR.encryptionAlgorithm);
  const keyLen = attributeValue(t.attributes, P1_ATTR.keyLength);
  let cipher: CipherName | undefined;
  if (enc === P1_ENCRYPTION.tripleDesCbc && keyLen === undefined) cipher = '3des-cbc';
  else if (enc === P1_ENCRYPTION.aesCbc && (keyLen === 128 || keyLen === undefined)) cipher = 'aes-cbc';
  else if (enc === P1_ENCRYPTION.aesCbc && keyLen === 256) cipher = 'aes256-cbc';
  const hash = P1_HASHES.find((h) => h.attr === attributeValue(t.attributes, P1_ATTR.hashAlgorithm))?.hash;
  const group = attributeValue(t.attributes, P1_ATTR.groupDescription);
  const auth = attributeValue(t.attributes, P1_ATTR.authenticationMethod);
  if (cipher === undefined || hash === undefined || auth !== P1_AUTH.preSharedKey) return undefined;
  if (!Object.values(MODP_GROUP).includes(group as ModpGroup)) return undefined;
  const lifeType = attributeValue(t.attributes, P1_ATTR.lifeType);
  const life = attributeValue(t.attributes, P1_ATTR.lifeDuration);
  return { cipher, hash, group: group as ModpGroup, lifetimeS: lifeType === LIFE_TYPE.seconds ? life : undefined };
}

/** The ESP SA a quick-mode transform describes. */
export interface EspSuite {
  cipher: CipherName;
  integrity: IntegrityName;
  /** UDP-encapsulated transport (RFC 3947 §5.1: 4) instead of transport (RFC 2407 §4.5: 2). */
  udpEncapsulated: boolean;
  /** PFS group (RFC 2407 §4.5 Group Description), undefined without PFS. */
  pfsGroup?: ModpGroup;
  lifetimeS?: number;
}

/** RFC 3947 §5.1 values 3/4; the draft used 61443/61444 and is accepted on receipt. */
const ENCAP_TRANSPORT = 2;
const ENCAP_UDP_TRANSPORT = 4;
const ENCAP_UDP_TRANSPORT_DRAFT = 61444;

export function espTransform(number: number, s: EspSuite): Transform {
  const c = CIPHERS[s.cipher];
  const attributes: Attribute[] = [
    { type: P2_ATTR.lifeType, value: LIFE_TYPE.seconds },
    numericAttribute(P2_ATTR.lifeDuration, s.lifetimeS ?? 28800),
    { type: P2_ATTR.encapsulationMode, value: s.udpEncapsulated ? ENCAP_UDP_TRANSPORT : ENCAP_TRANSPORT },
    { type: P2_ATTR.authenticationAlgorithm, value: INTEGRITIES[s.integrity].ipsecAuthAttribute },
  ];
  if (c.keyLengthAttribute !== null) attributes.push({ type: P2_ATTR.keyLength, value: c.keyLengthAttribute });
  if (s.pfsGroup !== undefined) attributes.push({ type: P2_ATTR.groupDescription, value: s.pfsGroup });
  return { number, transformId: c.espTransformId, attributes };
}

export function readEspTransform(t: Transform): EspSuite | undefined {
  const keyLen = attributeValue(t.attributes, P2_ATTR.keyLength);
  let cipher: CipherName | undefined;
  if (t.transformId === ESP_TRANSFORM.tripleDes) cipher = '3des-cbc';
  else if (t.transformId === ESP_TRANSFORM.aes && keyLen === 128) cipher = 'aes-cbc';
  else if (t.transformId === ESP_TRANSFORM.aes && keyLen === 256) cipher = 'aes256-cbc';
  const authAttr = attributeValue(t.attributes, P2_ATTR.authenticationAlgorithm);
  const integrity = (Object.values(INTEGRITIES).find((i) => i.ipsecAuthAttribute === authAttr))?.name;
  const encap = attributeValue(t.attributes, P2_ATTR.encapsulationMode);
  if (cipher === undefined || integrity === undefined) return undefined;
  if (encap !== ENCAP_TRANSPORT && encap !== ENCAP_UDP_TRANSPORT && encap !== ENCAP_UDP_TRANSPORT_DRAFT) return undefined;
  const group = attributeValue(t.attributes, P2_ATTR.groupDescription);
  const lifeType = attributeValue(t.attributes, P2_ATTR.lifeType);
  return {
    cipher,
    integrity,
    udpEncapsulated: encap !== ENCAP_TRANSPORT,
    pfsGroup: group as ModpGroup | undefined,
    lifetimeS: lifeType === LIFE_TYPE.seconds ? attributeValue(t.attributes, P2_ATTR.lifeDuration) : undefined,
  };
}
