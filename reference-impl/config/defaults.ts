// Factory defaults of the modelled settings: what a router does when its config says nothing.

// yamaha-platform-facts.md §1.1 (CR ch.16)
export const L2TP_DEFAULTS = {
  service: 'off', // §16.1
  tunnelAuth: 'off', // §16.2; password omitted -> the model name is the password
  disconnectTime: 60, // §16.3, seconds
  keepaliveUse: 'on', // §16.4
  keepaliveInterval: 10, // §16.4, seconds
  keepaliveCount: 6, // §16.4
  keepaliveLog: 'off', // §16.5
  syslog: 'off', // §16.6
  alwaysOn: 'on', // §16.7
  // §16.8: hostname defaults to the model name (undefined in the views: the model decides)
  localRouterId: '0.0.0.0', // §16.9
  remoteRouterId: '0.0.0.0', // §16.10
  // §16.11: remote end-id has no default
} as const;

// yamaha-platform-facts.md §1.2 (CR §14.4, §14.1, §14.10)
export const TUNNEL_DEFAULTS = {
  encapsulation: 'ipsec', // §14.4
  enabled: false, // §14.1: at factory default all tunnel interfaces are disabled
  endpointNameType: 'fqdn', // §14.10
} as const;

// yamaha-platform-facts.md §1.3 (CR §45.2, §45.3)
export const BRIDGE_DEFAULTS = {
  learning: 'on', // §45.2
  learningTimer: 300, // §45.3, seconds
} as const;

// yamaha-platform-facts.md §1.4 (CR §15.2, §15.20, §15.48.5)
export const IPSEC_DEFAULTS = {
  ikeVersion: 1, // §15.2
  ikeKeepaliveUse: 'auto', // §15.20
  ikeKeepaliveInterval: 10, // §15.20
  ikeKeepaliveCount: 6, // §15.20
  natTraversal: 'off', // §15.48.5
} as const;
