// ISAKMP (RFC 2408) with the IPsec DOI (RFC 2407) and IKEv1 (RFC 2409) numbers: what the rest of
// the project imports.
export * from './constants.ts';
export * from './decode-error.ts';
export * from './sa.ts';
export * from './payloads.ts';
export * from './message.ts';
export * from './vendor-ids.ts';
