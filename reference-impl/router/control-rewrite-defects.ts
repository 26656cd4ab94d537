// Control-plane defects that change the content of a message the router sends (an AVP value, a
// flag, a header field) while the oracle underneath stays faithful: the outgoing datagram is
// decoded with the reference codec, changed, and encoded again. Each rewrite is written from
// RFC 3931 (l2tpv3-protocol-facts.md §1.1 header, §2 message AVPs, §3.4 AVP table, §3.5 result
// codes, §3.6 Circuit Status, §4.4 reliable delivery). A message carrying a Message Digest or a
// hidden AVP is left alone (re-encoding would need the secret): these defects show on plain tunnels.
// Pure.
import type { Avp } from '../l2tpv3/avp.ts';
import { AVP } from '../l2tpv3/avp-types.ts';
import { decodeControlMessage, encodeControlMessage, messageTypeOf, type ControlMessage } from '../l2tpv3/control-message.ts';
import { MESSAGE_TYPE as MT } from '../l2tpv3/message-types.ts';
import type { DefectName } from './defects.ts';

type Rewrite = (m: ControlMessage, type: number | undefined) => ControlMessage | undefined;

const withAvp = (m: ControlMessage, type: number, f: (a: Avp) => Avp | undefined): ControlMessage => ({
  ...m,
  avps: m.avps.flatMap((a) => (a.vendorId === 0 && a.attributeType === type ? (f(a) ?? []) : [a])),
});

const u16 = (value: number) => ({ kind: 'u16' as const, value });
const u32 = (value: number) => ({ kind: 'u32' as const, value });

/** The rewrite of each message-content defect; undefined from a rewrite means "send unchanged". */
export const CONTROL_REWRITES: Partial<Record<DefectName, Rewrite>> = {
  // §3.4: Receive Window Size advertises 8 although the router keeps a window of 4
  'rws-advertised-wrong': (m, t) => (t === MT.SCCRQ || t === MT.SCCRP ? withAvp(m, AVP.ReceiveWindowSize, (a) => ({ ...a, value: u16(8) })) : undefined),
  // §3.4 PW types: the list names Ethernet VLAN (4) where the router offers Ethernet (5)
  'pw-capabilities-wrong': (m, t) =>
    t === MT.SCCRQ || t === MT.SCCRP
      ? withAvp(m, AVP.PseudowireCapabilities, (a) => (a.value.kind === 'pwCapabilities' ? { ...a, value: { kind: 'pwCapabilities', value: a.value.value.map((x) => (x === 5 ? 4 : x)) } } : a))
      : undefined,
  // §3.4: Router ID carries 0 instead of `l2tp local router-id`
  'router-id-avp-zero': (m, t) => (t === MT.SCCRQ || t === MT.SCCRP ? withAvp(m, AVP.RouterId, (a) => ({ ...a, value: u32(0) })) : undefined),
  // §3.2 / §5.4.1: the Message Type AVP goes out with M=0 (MUST be 1)
  'message-type-m-bit-clear': (m, t) => (t === undefined || t === MT.ACK ? undefined : withAvp(m, AVP.MessageType, (a) => ({ ...a, mandatory: false }))),
  // §3.6: Circuit Status without the A (Active) bit: the circuit reported down
  'circuit-status-inactive': (m) => withAvp(m, AVP.CircuitStatus, (a) => (a.value.kind === 'u16' ? { ...a, value: u16(a.value.value & ~0x0001) } : a)),
  // §3.4 PW types / RFC 4719: ICRQ Pseudowire Type 4 (Ethernet VLAN) for an Ethernet port PW (5)
  'pw-type-wrong': (m, t) => (t === MT.ICRQ ? withAvp(m, AVP.PseudowireType, (a) => ({ ...a, value: u16(4) })) : undefined),
  // §2: the ICCN's Remote Session ID is 0 although the ICRP told the peer's Session ID
  'iccn-remote-session-zero': (m, t) => (t === MT.ICCN ? withAvp(m, AVP.RemoteSessionId, (a) => ({ ...a, value: u32(0) })) : undefined),
  // §4.4: an explicit ACK acknowledges one message too few (Nr one behind)
  'ack-nr-behind': (m, t) => (t === MT.ACK || m.avps.length === 0 ? { ...m, nr: (m.nr + 0xffff) & 0xffff } : undefined),
  // §3.4: the Host Name carries a trailing NUL octet (a C string sent whole)
  'host-name-nul-terminated': (m, t) =>
    t === MT.SCCRQ || t === MT.SCCRP ? withAvp(m, AVP.HostName, (a) => (a.value.kind === 'ascii' ? { ...a, value: { kind: 'ascii', value: `${a.value.value}\u0000` } } : a)) : undefined,
  // §2 / §4.2 tie breaking: the SCCRQ goes out without its Control Connection Tie Breaker
  'tie-breaker-not-sent': (m, t) => (t === MT.SCCRQ ? withAvp(m, AVP.TieBreaker, () => undefined) : undefined),
  // §3.5: StopCCN says "general error" (2) whatever the reason
  'stopccn-result-general-error': (m, t) => (t === MT.StopCCN ? withAvp(m, AVP.ResultCode, (a) => ({ ...a, value: { kind: 'resultCode', result: 2, error: 0 } })) : undefined),
  // §2 StopCCN: Assigned Control Connection ID MUST be present once an SCCRQ/SCCRP was sent; left out
  'stopccn-no-assigned-ccid': (m, t) => (t === MT.StopCCN ? withAvp(m, AVP.AssignedControlConnectionId, () => undefined) : undefined),
};

export const REWRITE_DEFECTS = Object.keys(CONTROL_REWRITES) as DefectName[];

/** The datagram with the active rewrites applied; the input itself when none applies. */
export function rewriteOutgoing(defects: ReadonlySet<DefectName>, bytes: Uint8Array): Uint8Array {
  const active = REWRITE_DEFECTS.filter((d) => defects.has(d));
  if (active.length === 0) return bytes;
  const d = decodeControlMessage(bytes, 'udp');
  if (!d.ok) return bytes;
  if (d.message.avps.some((a) => a.hidden || (a.vendorId === 0 && a.attributeType === AVP.MessageDigest))) return bytes;
  const type = messageTypeOf(d.message);
  let m = d.message;
  let changed = false;
  for (const name of active) {
    const r = CONTROL_REWRITES[name]!(m, type);
    if (r) {
      m = r;
      changed = true;
    }
  }
  return changed ? encodeControlMessage(m) : bytes;
}
