// The closed vocabularies a topology file may name: what a scenario does to the lab (stimulus),
// what it then checks (expectation), and which findings the oracle is expected to report for the
// topology as a whole. Closed sets, so a typo in a topology is an error, not a silently skipped test.
// The suites that implement each kind key their handlers on these same names.

export const STIMULUS_KINDS = {
  'bring-up': 'push every router config and wait until the declared pseudowires are established',
  ping: 'ICMP echo from one host to another (IPv4 or IPv6 by the target address family)',
  arp: 'ARP request from one host for another host\'s address',
  broadcast: 'an Ethernet broadcast frame injected at a host',
  'dhcp-request': 'a DHCP client on a host asks for a lease',
  'tagged-frame': 'an 802.1Q-tagged frame injected at a host (VID from the host or the stimulus)',
  'l2ms-discovery': 'the L2MS manager queries for agents (L2MS frames through the tunnel)',
  'scale-up': 'bring up as many pseudowires as the topology declares and hold them',
} as const;

export const EXPECTATION_KINDS = {
  'pseudowires-established': 'every declared pseudowire reaches the established state',
  reachable: 'the stimulus reaches its target and the reply comes back',
  unreachable: 'the stimulus does not reach its target',
  'lease-from': 'the DHCP lease comes from the named server, inside that server\'s pool',
  'tag-preserved': 'the frame arrives at the far site with its 802.1Q tag unchanged',
  'agent-discovered': 'the L2MS manager lists the agent behind the tunnel',
  'config-refused': 'the router refuses the configuration (e.g. more tunnels than the model allows)',
} as const;

export const FINDING_KINDS = {
  'bridge-loop': 'the bridged segments and pseudowires form a cycle: L2 frames loop (seed: 設定例2 注意点)',
  'tunnel-limit-exceeded': 'a router is configured with more L2TPv3 tunnels than its model allows',
} as const;

export type StimulusKind = keyof typeof STIMULUS_KINDS;
export type ExpectationKind = keyof typeof EXPECTATION_KINDS;
export type FindingKind = keyof typeof FINDING_KINDS;

export const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
