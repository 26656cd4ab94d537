// The oracle node a tester peer runs, as a config the oracle's simulation can build again: the
// peer's tunnel settings and the control profile PeerTunnel.open derives from its options. The
// prediction of a trace plays the same well-behaved peer against the device's oracle.
// NOTE: mirrors PeerTunnel.open (drivers/peer/peer-tunnel.ts); both should call one function
// (a change in drivers/peer the peer driver's owner makes), see the trace helper's report.
import type { ControlProfile } from '../../reference-impl/control/control-profile.ts';
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
  const o = peer.opts;
  const profile: Partial<ControlProfile> = {
    tunnelAuthMethod: o.auth?.method ?? 'challenge',
    cookieLength: o.cookieLength ?? 0,
    l2ssOffered: o.l2ss ?? 0,
    routerIdCheck: o.deviceRouterId === undefined ? 'when-configured' : 'always',
    sessionInitiator: o.sessionInitiator ?? 'tunnel-initiator',
    ...o.profile,
  };
  return { tunnels: [{ settings: peer.settings, remoteAddress: deviceAddress, enabled: true }], random, profile };
}
