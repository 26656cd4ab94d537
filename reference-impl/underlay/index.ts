// The IPv6 underlays L2TPv3 runs over on IPv6-only access services: IPv4-in-IPv6 (IPIP, RFC 2473)
// and MAP-E (RFC 7597). Pure.
export * from './map-e-rule.ts';
export * from './map-e-ike-ports.ts';
export * from './ip-in-ipv6.ts';
export * from './underlay-assumptions.ts';
export * from './neighbor-discovery.ts';
export * from './tunnel-wan.ts';
export * from './border-relay.ts';
export * from './ipv6-fragment.ts';
export * from './ipv4-fragment.ts';
export * from './nested-carriage.ts';
