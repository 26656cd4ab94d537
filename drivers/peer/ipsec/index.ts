// The tester peer over L2TPv3/IPsec (issue 15 point 2): IKEv1 on the oracle, ESP in UDP 4500
// around the PeerTunnel's datagrams, IKE/ESP misbehaviours, the key log.
export * from './esp-channel.ts';
export * from './ipsec-events.ts';
export * from './ipsec-misbehaviours.ts';
export * from './ipsec-transport.ts';
export * from './key-log-file.ts';
export * from './peer-ipsec-options.ts';
