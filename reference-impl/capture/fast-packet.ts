// One decoded L2TPv3 packet as the fast decoder (fast-decoder.ts) leaves it: numbers and
// offsets into the capture's bytes, in one object reused for every packet, so decoding a
// large capture allocates next to nothing per packet. It holds what `decode` prints
// (capture-decoder.ts DecodedPacket) in raw form; the text forms come from the same
// tables (messageTypeName, avpName, formatMacAddress) when someone asks for them.
import type { DecodeErrorKind } from '../l2tpv3/decode-error.ts';

export const PACKET_KIND = { Control: 1, Data: 2, Error: 3 } as const;
export const TRANSPORT = { Udp: 0, Ip: 1 } as const;
/** Digest verdict of a control message (capture-decoder.ts DigestVerdict); None without a secret. */
export const DIGEST = { None: 0, Valid: 1, Invalid: 2, Absent: 3 } as const;
/** messageType of a ZLB (no AVPs), and of a message whose Message Type AVP was kept opaque. */
export const MESSAGE_TYPE_ZLB = -1;
export const MESSAGE_TYPE_UNKNOWN = -2;

/** What the full decoder makes of an AVP's value (avp-value.ts AvpValue): decoded, or opaque and why. */
export const AVP_STATE = { Decoded: 0, OpaqueVendor: 1, OpaqueUnknownType: 2, OpaqueMalformed: 3, OpaqueHiddenNoSecret: 4 } as const;
/** M and H bits, and whether the value is the unhidden one (in `unhidden`, not in `bytes`). */
export const AVP_FLAG = { Mandatory: 1, Hidden: 2, ValueUnhidden: 4 } as const;

/** The 16-bit control Length minus the 12-octet header, over 6-octet AVPs (3931 §3.2.1, §5.1). */
const MAX_AVPS = Math.ceil((0xffff - 12) / 6);

export class FastPacket {
  // --- where: every offset below is into `bytes`, octets holding the captured frame
  bytes: Uint8Array = new Uint8Array(0);
  /** 1-based frame number in the capture. */
  frame = 0;
  /** Microseconds since the Unix epoch (capture-file.ts CaptureRecord.timestampUs). */
  timestampUs = 0;
  linkType = 0;
  frameStart = 0;
  frameEnd = 0;
  transport: number = TRANSPORT.Udp;
  ipVersion: 4 | 6 = 4;
  /** Source and destination addresses: 4 (IPv4) or 16 (IPv6) octets at these offsets. */
  srcAddressOffset = 0;
  dstAddressOffset = 0;
  /** -1 over IP/115. */
  srcPort = -1;
  dstPort = -1;
  /** The L2TPv3 octets: bytes[payloadStart, payloadEnd). */
  payloadStart = 0;
  payloadEnd = 0;

  kind: number = PACKET_KIND.Error;
  digest: number = DIGEST.None;

  // --- control
  ccid = 0;
  ns = 0;
  nr = 0;
  /** Message Type code, MESSAGE_TYPE_ZLB or MESSAGE_TYPE_UNKNOWN. */
  messageType = 0;
  avpCount = 0;
  readonly avpVendorId = new Uint16Array(MAX_AVPS);
  readonly avpType = new Uint16Array(MAX_AVPS);
  /** AVP_FLAG bits. */
  readonly avpFlags = new Uint8Array(MAX_AVPS);
  /** Whole AVP length, header included. */
  readonly avpLength = new Uint16Array(MAX_AVPS);
  /** AVP_STATE. */
  readonly avpState = new Uint8Array(MAX_AVPS);
  /** Value offset into `bytes`, or into `unhidden` with AVP_FLAG.ValueUnhidden. */
  readonly avpValueOffset = new Int32Array(MAX_AVPS);
  readonly avpValueLength = new Uint16Array(MAX_AVPS);
  /** Unhidden AVP values of the current message (never longer than the message). */
  readonly unhidden = new Uint8Array(0x10000);

  // --- data
  sessionId = 0;
  /** The cookie length and sublayer were neither learnt from the capture nor forced: a guess. */
  layoutGuessed = false;
  cookieOffset = 0;
  cookieLength = 0;
  hasL2ss = false;
  l2ssSequenced = false;
  l2ssSequence = 0;
  /** Inner Ethernet header parsed (RFC 4719 §4): dst at ethOffset, src at ethOffset + 6. */
  hasEthernet = false;
  ethOffset = 0;
  etherType = 0;
  /** VLAN tags follow the source MAC, 4 octets each; vlanId(i) reads one. */
  vlanCount = 0;

  // --- error (kind Error): the full decoder's DecodeError kind and offset in the L2TPv3 octets
  errorKind: DecodeErrorKind | null = null;
  errorOffset = 0;

  vlanId(i: number): number {
    const o = this.ethOffset + 14 + 4 * i;
    return ((this.bytes[o] << 8) | this.bytes[o + 1]) & 0x0fff;
  }

  /** The octets of AVP i's value (a view, for callers that want one; the decoder never needs it). */
  avpValue(i: number): Uint8Array {
    const src = this.avpFlags[i] & AVP_FLAG.ValueUnhidden ? this.unhidden : this.bytes;
    return src.subarray(this.avpValueOffset[i], this.avpValueOffset[i] + this.avpValueLength[i]);
  }
}
