// ISAKMP / IKEv1 numbers, each table with the RFC section it comes from (ipsec-facts.md
// "Standards to implement against"). The codec, the key schedule and the state machines read
// these; nobody types a payload number twice.

/** RFC 2408 §3.1: the Exchange Type field. §4.4-4.8 (base values), RFC 2409 §5 (Main = 2, Aggressive = 4), RFC 2409 §5.5 (Quick = 32). */
export const EXCHANGE = {
  base: 1,
  identityProtection: 2, // Main Mode (RFC 2409 §5)
  authenticationOnly: 3,
  aggressive: 4,
  informational: 5,
  quick: 32, // RFC 2409 §9.1 (Quick Mode)
  newGroup: 33,
} as const;
export type ExchangeType = (typeof EXCHANGE)[keyof typeof EXCHANGE];

/** RFC 2408 §3.1 Next Payload values; NAT-D 20 / NAT-OA 21 from RFC 3947 §3.2/§5.2; 130/131 from draft-ietf-ipsec-nat-t-ike-02/03 (pre-RFC NAT-D/NAT-OA). */
export const PAYLOAD = {
  none: 0,
  sa: 1,
  proposal: 2,
  transform: 3,
  ke: 4,
  id: 5,
  cert: 6,
  certReq: 7,
  hash: 8,
  sig: 9,
  nonce: 10,
  notification: 11,
  delete: 12,
  vendorId: 13,
  natD: 20,
  natOa: 21,
  natDDraft: 130,
  natOaDraft: 131,
} as const;
export type PayloadType = (typeof PAYLOAD)[keyof typeof PAYLOAD];

/** RFC 2408 §3.1 Flags field. IKEv1 has no Initiator flag (that is IKEv2's, RFC 7296 §3.1). */
export const FLAG = { encryption: 0x01, commit: 0x02, authenticationOnly: 0x04 } as const;

/** RFC 2408 §3.1: Major 1, Minor 0. */
export const ISAKMP_VERSION = 0x10;

/** RFC 2407 §4.2: the IPsec DOI. */
export const DOI_IPSEC = 1;
/** RFC 2407 §4.6.1: Situation SIT_IDENTITY_ONLY. */
export const SIT_IDENTITY_ONLY = 1;

/** RFC 2407 §4.4.1: Protocol IDs in proposals, notifications and deletes. */
export const PROTOCOL = { isakmp: 1, ah: 2, esp: 3, ipcomp: 4 } as const;
export type ProtocolId = (typeof PROTOCOL)[keyof typeof PROTOCOL];

/** RFC 2407 §4.4.2: KEY_IKE, the only phase-1 transform ID. */
export const KEY_IKE = 1;

/** RFC 2407 §4.4.4: ESP transform IDs (ESP_AES = 12: RFC 3602 §5). */
export const ESP_TRANSFORM = { des: 2, tripleDes: 3, null: 11, aes: 12 } as const;

/** RFC 2409 Appendix A: phase-1 (ISAKMP SA) attribute classes. */
export const P1_ATTR = {
  encryptionAlgorithm: 1,
  hashAlgorithm: 2,
  authenticationMethod: 3,
  groupDescription: 4,
  groupType: 5,
  lifeType: 11,
  lifeDuration: 12,
  keyLength: 14,
} as const;

/** RFC 2409 Appendix A: Encryption Algorithm values; AES-CBC = 7 from IANA's IPsec registry ("Encryption Algorithm"), with the Key Length attribute. */
export const P1_ENCRYPTION = { desCbc: 1, ideaCbc: 2, blowfishCbc: 3, rc5: 4, tripleDesCbc: 5, castCbc: 6, aesCbc: 7 } as const;
/** RFC 2409 Appendix A: Hash Algorithm values 1-3; SHA2-256/384/512 = 4/5/6 from IANA's IPsec registry ("Hash Algorithm"). */
export const P1_HASH = { md5: 1, sha1: 2, tiger: 3, sha256: 4, sha384: 5, sha512: 6 } as const;
/** RFC 2409 Appendix A: Authentication Method values. */
export const P1_AUTH = { preSharedKey: 1, dssSig: 2, rsaSig: 3, rsaEnc: 4, rsaRevisedEnc: 5 } as const;
/** RFC 2409 §6.1/6.2 (groups 1, 2), RFC 3526 §2/§3 (groups 5, 14). */
export const MODP_GROUP = { modp768: 1, modp1024: 2, modp1536: 5, modp2048: 14 } as const;
export type ModpGroup = (typeof MODP_GROUP)[keyof typeof MODP_GROUP];
/** RFC 2409 Appendix A / RFC 2407 §4.5: Life Type values (the same numbers in both phases). */
export const LIFE_TYPE = { seconds: 1, kilobytes: 2 } as const;

/** RFC 2407 §4.5: phase-2 (IPsec SA) attribute classes. */
export const P2_ATTR = {
  lifeType: 1,
  lifeDuration: 2,
  groupDescription: 3,
  encapsulationMode: 4,
  authenticationAlgorithm: 5,
  keyLength: 6,
  keyRounds: 7,
} as const;
/** RFC 2407 §4.5 Encapsulation Mode; UDP-encapsulated values from RFC 3947 §5.1 (3, 4) and the draft (61443, 61444). */
export const ENCAPSULATION = { tunnel: 1, transport: 2, udpTunnel: 3, udpTransport: 4, udpTunnelDraft: 61443, udpTransportDraft: 61444 } as const;
/** RFC 2407 §4.5 Authentication Algorithm 1-4; HMAC-SHA2-256/384/512 = 5/6/7 (RFC 4868 §2.4, IANA). */
export const P2_AUTH = { hmacMd5: 1, hmacSha: 2, desMac: 3, kpdk: 4, hmacSha256: 5, hmacSha384: 6, hmacSha512: 7 } as const;

/** RFC 2407 §4.6.2.1: Identification Type values. */
export const ID_TYPE = {
  ipv4Addr: 1,
  fqdn: 2,
  userFqdn: 3,
  ipv4AddrSubnet: 4,
  ipv6Addr: 5,
  ipv6AddrSubnet: 6,
  ipv4AddrRange: 7,
  ipv6AddrRange: 8,
  derAsn1Dn: 9,
  derAsn1Gn: 10,
  keyId: 11,
} as const;
export type IdType = (typeof ID_TYPE)[keyof typeof ID_TYPE];

/** RFC 2408 §3.14.1: Notify Message Types (errors 1-16383, status 16384-); RFC 2407 §4.6.3 (24576-24578); RFC 3706 §5 (36136/36137). */
export const NOTIFY = {
  invalidPayloadType: 1,
  doiNotSupported: 2,
  situationNotSupported: 3,
  invalidCookie: 4,
  invalidMajorVersion: 5,
  invalidMinorVersion: 6,
  invalidExchangeType: 7,
  invalidFlags: 8,
  invalidMessageId: 9,
  invalidProtocolId: 10,
  invalidSpi: 11,
  invalidTransformId: 12,
  attributesNotSupported: 13,
  noProposalChosen: 14,
  badProposalSyntax: 15,
  payloadMalformed: 16,
  invalidKeyInformation: 17,
  invalidIdInformation: 18,
  invalidCertEncoding: 19,
  invalidCertificate: 20,
  certTypeUnsupported: 21,
  invalidCertAuthority: 22,
  invalidHashInformation: 23,
  authenticationFailed: 24,
  invalidSignature: 25,
  addressNotification: 26,
  notifySaLifetime: 27,
  certificateUnavailable: 28,
  unsupportedExchangeType: 29,
  unequalPayloadLengths: 30,
  connected: 16384,
  responderLifetime: 24576, // RFC 2407 §4.6.3.1
  replayStatus: 24577, // RFC 2407 §4.6.3.2
  initialContact: 24578, // RFC 2407 §4.6.3.3
  rUThere: 36136, // RFC 3706 §5 (DPD protocol)
  rUThereAck: 36137, // RFC 3706 §5
} as const;
export type NotifyType = (typeof NOTIFY)[keyof typeof NOTIFY];

export function notifyName(type: number): string {
  for (const [k, v] of Object.entries(NOTIFY)) if (v === type) return k;
  return `notify-${type}`;
}

/** RFC 3947 §3.1 / RFC 3948 §2.2: the non-ESP marker before IKE on port 4500. */
export const NON_ESP_MARKER_LENGTH = 4;
/** RFC 3947 §3: IKE ports. */
export const IKE_PORT = 500;
export const NAT_T_PORT = 4500;
