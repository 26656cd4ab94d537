// IKEv1 for L2TPv3/IPsec (ipsec-facts.md): the sans-IO node, its events and profile, the key
// schedule, and the capture decryptor `decode --ipsec-keys` uses. What the rest of the project imports.
export * from './ike-events.ts';
export { IkeNode, type IkeNodeOptions } from './ike-node.ts';
export * from './profile.ts';
export * from './algorithms.ts';
export * from './keys.ts';
export { phase1Iv, exchangeIv, encryptMessage, decryptBody, DecryptError } from './phase1-cipher.ts';
export * from './capture-decryptor.ts';
export { unframe, frameForPort, NON_ESP_MARKER, NAT_KEEPALIVE } from './nat-t.ts';
export { PHASE1_TRANSITIONS, QUICK_TRANSITIONS } from './transitions.ts';
