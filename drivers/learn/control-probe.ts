// The control-connection part of learn mode: while the tester peer brings the probe tunnel up,
// what the device's SCCRP says (Receive Window Size, Vendor Name) and how it behaves (its first
// retransmission interval, how it acknowledges). The peer drops the device's first SCCRP unseen,
// so the device must send it again on its own timer: the interval between the two copies on the
// wire (the peer's Conversation timestamps) is the device's initial retransmission timeout (RFC
// 3931 §4.2). The peer's own retransmission is slowed meanwhile (PEER_RETRANSMIT_MS), so a device
// that answers a duplicate SCCRQ cannot be mistaken for its timer.
import type { PeerTunnel } from '../peer/peer-tunnel.ts';
import { avpValue, rawMessageType } from '../peer/raw-message.ts';
import { AVP } from '../../reference-impl/l2tpv3/avp-types.ts';
import { MESSAGE_TYPE } from '../../reference-impl/l2tpv3/message-types.ts';

/** The peer's initial retransmission timeout during the probe: well past any device's first retransmission (RFC 3931 §4.2 recommends 1 s). */
export const PEER_RETRANSMIT_MS = 5000;

export interface ControlObservations {
  /** the SCCRP's Receive Window Size AVP (absent: RFC 3931 §5.4.3 says 4) */
  receiveWindow?: number;
  /** the SCCRP's Vendor Name (null: no AVP) */
  vendorName?: string | null;
  /** ms between the first SCCRP and its retransmission */
  retransmitMs?: number;
  /** how the device acknowledged the peer's ICCN, the last message of the exchange */
  ackStyle?: 'explicit' | 'zlb';
}

/** Arms the probe on a peer not yet started; `result()` reads what was seen once the session is up. */
export function watchControl(peer: PeerTunnel): { result(): ControlObservations } {
  let dropped = false;
  peer.setProfile({ retransmitInitialMs: PEER_RETRANSMIT_MS });
  peer.incomingHooks.push((d) => {
    if (dropped || d.type !== MESSAGE_TYPE.SCCRP) return 'deliver';
    dropped = true;
    return 'drop';
  });
  return {
    result() {
      const o: ControlObservations = {};
      const sccrps = peer.conversation.datagrams.filter((d) => d.direction === 'in' && rawMessageType(d.bytes) === MESSAGE_TYPE.SCCRP);
      const first = sccrps[0];
      if (first) {
        const rws = avpValue(first.bytes, AVP.ReceiveWindowSize);
        o.receiveWindow = rws && rws.length >= 2 ? (rws[0] << 8) | rws[1] : 4;
        const vendor = avpValue(first.bytes, AVP.VendorName);
        o.vendorName = vendor ? new TextDecoder().decode(vendor) : null;
      }
      if (sccrps.length >= 2) o.retransmitMs = Math.round((sccrps[1].atUs - sccrps[0].atUs) / 1000);
      const iccn = peer.events.findIndex((e) => e.kind === 'sent' && e.name === 'ICCN');
      if (iccn >= 0) {
        const ack = peer.events.slice(iccn).find((e) => e.kind === 'received' && (e.name === 'ZLB' || e.name === 'ACK'));
        if (ack && ack.kind === 'received') o.ackStyle = ack.name === 'ACK' ? 'explicit' : 'zlb';
      }
      return o;
    },
  };
}
