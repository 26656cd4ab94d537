// Copied from tests/drivers/peer/helpers/ (kept there for the driver tests; suites own this copy).
// Ids the device put in its messages (or we put in ours), read from the peer's event log: the
// syslog lines name them (tunnel = the logger's own CCID, session = its own Session ID).
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { avpValue } from '../../drivers/peer/raw-message.ts';
import { AVP } from '../../reference-impl/l2tpv3/avp-types.ts';

function u32In(peer: PeerTunnel, direction: 'received' | 'sent', names: string[], attr: number): number {
  for (const e of peer.events) {
    if (e.kind !== direction || !names.includes(e.name)) continue;
    const v = avpValue(e.bytes, attr);
    if (v && v.length === 4) return new DataView(v.buffer, v.byteOffset, 4).getUint32(0);
  }
  throw new Error(`no ${names.join('/')} ${direction} with AVP ${attr}`);
}

/** The device's Assigned Control Connection ID (from its SCCRQ or SCCRP). */
export const deviceCcid = (p: PeerTunnel) => u32In(p, 'received', ['SCCRQ', 'SCCRP'], AVP.AssignedControlConnectionId);
/** Our Assigned Control Connection ID (the first SCCRQ/SCCRP we sent). */
export const peerCcid = (p: PeerTunnel) => u32In(p, 'sent', ['SCCRQ', 'SCCRP'], AVP.AssignedControlConnectionId);
/** The device's Local Session ID (from its ICRQ or ICRP). */
export const deviceSessionId = (p: PeerTunnel) => u32In(p, 'received', ['ICRQ', 'ICRP'], AVP.LocalSessionId);
/** Our Local Session ID (from our ICRQ). */
export const peerSessionId = (p: PeerTunnel) => u32In(p, 'sent', ['ICRQ'], AVP.LocalSessionId);
