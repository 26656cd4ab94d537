// The oracle node a tester peer runs, as a config the oracle's simulation can build again: the
// peer's tunnel settings and the control profile its options ask for (PeerTunnel.optionsProfile,
// the one PeerTunnel.open uses). The prediction of a trace plays the same well-behaved peer
// against the device's oracle.
import type { L2tpNodeConfig } from '../../reference-impl/control/node.ts';
import type { RandomSource } from '../../reference-impl/control/random.ts';
import type { PeerTunnel } from '../peer/peer-tunnel.ts';

export class UnmodelledPeer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnmodelledPeer';
  }
}

/** The node config of `peer` facing `deviceAddress`; refuses a peer that misbehaves (its hooks have no oracle model yet). */
export function peerNodeConfig(peer: PeerTunnel, deviceAddress: string, random: RandomSource): L2tpNodeConfig {
  if (peer.outgoingHooks.length + peer.incomingHooks.length + peer.dataHooks.length > 0) {
    throw new UnmodelledPeer(`peer ${peer.local.host}: misbehaviour hooks are not modelled by the trace prediction yet`);
  }
  return { tunnels: [{ settings: peer.settings, remoteAddress: deviceAddress, enabled: true }], random, profile: peer.optionsProfile() };
}
