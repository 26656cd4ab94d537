// ESP for L2TPv3/IPsec (RFC 4303 transport mode, RFC 3948 UDP encapsulation): what the rest of
// the project imports.
export * from './esp-assumptions.ts';
export * from './esp-sa.ts';
export * from './esp-packet.ts';
export * from './replay-window.ts';
export * from './udp-encapsulation.ts';
export * from './esp-transport.ts';
