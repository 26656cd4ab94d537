// Constructors for the AVPs the oracle sends, with the M bit RFC 3931 recommends
// (facts §3.4 "M rec."). Tests that misbehave on purpose build Avp objects directly.
import type { Avp } from './avp.ts';
import { AVP } from './avp-types.ts';
import type { AvpValue } from './avp-value.ts';
import { fromLatin1 } from './wire.ts';

function make(attributeType: number, value: AvpValue, mandatory: boolean, hidden = false): Avp {
  return { mandatory, hidden, vendorId: 0, attributeType, value };
}
const u16 = (t: number, v: number, m = true): Avp => make(t, { kind: 'u16', value: v }, m);
const u32 = (t: number, v: number, m = true): Avp => make(t, { kind: 'u32', value: v }, m);
const octets = (t: number, v: Uint8Array, m = true): Avp => make(t, { kind: 'octets', value: v }, m);

export const avps = {
  messageType: (code: number): Avp => u16(AVP.MessageType, code),
  resultCode: (result: number, error?: number, message?: string): Avp =>
    make(AVP.ResultCode, { kind: 'resultCode', result, error, message }, true),
  hostName: (name: string): Avp => make(AVP.HostName, { kind: 'ascii', value: name }, true),
  vendorName: (name: string): Avp => make(AVP.VendorName, { kind: 'ascii', value: name }, false),
  routerId: (id: number): Avp => u32(AVP.RouterId, id),
  assignedControlConnectionId: (id: number): Avp => u32(AVP.AssignedControlConnectionId, id),
  pseudowireCapabilities: (types: number[]): Avp => make(AVP.PseudowireCapabilities, { kind: 'pwCapabilities', value: types }, true),
  receiveWindowSize: (n: number): Avp => u16(AVP.ReceiveWindowSize, n),
  tieBreaker: (value: Uint8Array): Avp => octets(AVP.TieBreaker, value),
  preferredLanguage: (tag: string): Avp => make(AVP.PreferredLanguage, { kind: 'ascii', value: tag }, false),
  randomVector: (value: Uint8Array): Avp => octets(AVP.RandomVector, value),
  nonce: (value: Uint8Array): Avp => octets(AVP.Nonce, value),
  /** Digest octets are filled by signing (encodeControlMessage with `sign`). */
  messageDigest: (digestType: 0 | 1 = 0): Avp =>
    make(AVP.MessageDigest, { kind: 'messageDigest', digestType, digest: new Uint8Array(digestType === 0 ? 16 : 20) }, true),
  challenge: (value: Uint8Array): Avp => octets(AVP.Challenge, value),
  challengeResponse: (value: Uint8Array): Avp => octets(AVP.ChallengeResponse, value),
  localSessionId: (id: number): Avp => u32(AVP.LocalSessionId, id),
  remoteSessionId: (id: number): Avp => u32(AVP.RemoteSessionId, id),
  serialNumber: (n: number): Avp => u32(AVP.SerialNumber, n, false),
  pseudowireType: (t: number): Avp => u16(AVP.PseudowireType, t),
  /** RTX sets `l2tp remote end-id` as a string; the AVP carries its octets. */
  remoteEndId: (id: string | Uint8Array): Avp => octets(AVP.RemoteEndId, typeof id === 'string' ? fromLatin1(id) : id),
  circuitStatus: (bits: number): Avp => u16(AVP.CircuitStatus, bits),
  assignedCookie: (cookie: Uint8Array): Avp => octets(AVP.AssignedCookie, cookie),
  l2SpecificSublayer: (t: number): Avp => u16(AVP.L2SpecificSublayer, t),
  dataSequencing: (mode: 0 | 1 | 2): Avp => u16(AVP.DataSequencing, mode),
  txConnectSpeed: (bps: bigint): Avp => make(AVP.TxConnectSpeed, { kind: 'u64', value: bps }, false),
  rxConnectSpeed: (bps: bigint): Avp => make(AVP.RxConnectSpeed, { kind: 'u64', value: bps }, false),
  physicalChannelId: (n: number): Avp => u32(AVP.PhysicalChannelId, n, false),
  circuitErrors: (counters: number[]): Avp => make(AVP.CircuitErrors, { kind: 'circuitErrors', reserved: 0, counters }, false),
  /** Marks an AVP hidden; it is encrypted at encode time with the preceding Random Vector. */
  hidden: (a: Avp, padding: Uint8Array = new Uint8Array(0)): Avp => ({ ...a, hidden: true, hiddenPadding: padding }),
} as const;
