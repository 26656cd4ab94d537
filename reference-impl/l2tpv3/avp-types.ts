// The IETF AVP table (vendor 0) and how each value is laid out on the wire.
// Source: l2tpv3-protocol-facts §3.4 (RFC 3931 §5.4, §10.1; RFC 2661 §4.4), tshark field
// names from §6.3. Value lengths are of the value only (AVP length minus the 6-octet header).

export type AvpValueKind =
  | 'u16' | 'u32' | 'u64'
  | 'ascii' | 'octets'
  | 'resultCode' | 'pwCapabilities' | 'messageDigest'
  | 'protocolVersion' | 'circuitErrors' | 'extendedVendorId';

export interface AvpTypeInfo {
  type: number;
  name: string;
  kind: AvpValueKind;
  /** Allowed value lengths: an exact list, or a minimum (and optional maximum). */
  length: { exact: readonly number[] } | { min: number; max?: number };
  /** May the H bit be set (3931 §5.3: never for Message Type, Result Code, RV, Digest, ...). */
  hideable: boolean;
  /** The tshark field that carries the decoded value, where it has one. */
  tsharkField?: string;
}

export const AVP = {
  MessageType: 0, ResultCode: 1, ProtocolVersion: 2, FramingCapabilities: 3, BearerCapabilities: 4,
  TieBreaker: 5, FirmwareRevision: 6, HostName: 7, VendorName: 8, AssignedTunnelId: 9,
  ReceiveWindowSize: 10, Challenge: 11, Q931CauseCode: 12, ChallengeResponse: 13, AssignedSessionId: 14,
  SerialNumber: 15, ConnectSpeedV2: 24, PhysicalChannelId: 25, CircuitErrors: 34, RandomVector: 36,
  RxConnectSpeedV2: 38, ExtendedVendorId: 58, MessageDigest: 59, RouterId: 60,
  AssignedControlConnectionId: 61, PseudowireCapabilities: 62, LocalSessionId: 63, RemoteSessionId: 64,
  AssignedCookie: 65, RemoteEndId: 66, PseudowireType: 68, L2SpecificSublayer: 69, DataSequencing: 70,
  CircuitStatus: 71, PreferredLanguage: 72, Nonce: 73, TxConnectSpeed: 74, RxConnectSpeed: 75,
} as const;

const u16 = { exact: [2] } as const;
const u32 = { exact: [4] } as const;

// l2tpv3-protocol-facts §3.4 "Full AVP table"
export const AVP_TYPES: readonly AvpTypeInfo[] = [
  { type: 0, name: 'Message Type', kind: 'u16', length: u16, hideable: false, tsharkField: 'l2tp.avp.message_type' },
  { type: 1, name: 'Result Code', kind: 'resultCode', length: { min: 2 }, hideable: false, tsharkField: 'l2tp.result_code' },
  { type: 2, name: 'Protocol Version', kind: 'protocolVersion', length: u16, hideable: false },
  { type: 3, name: 'Framing Capabilities', kind: 'u32', length: u32, hideable: true },
  { type: 4, name: 'Bearer Capabilities', kind: 'u32', length: u32, hideable: true },
  { type: 5, name: 'Tie Breaker', kind: 'octets', length: { exact: [8] }, hideable: false, tsharkField: 'l2tp.tie_breaker' },
  { type: 6, name: 'Firmware Revision', kind: 'u16', length: u16, hideable: true, tsharkField: 'l2tp.avp.firmware_revision' },
  { type: 7, name: 'Host Name', kind: 'ascii', length: { min: 1 }, hideable: false, tsharkField: 'l2tp.avp.host_name' },
  { type: 8, name: 'Vendor Name', kind: 'ascii', length: { min: 0 }, hideable: true, tsharkField: 'l2tp.avp.vendor_name' },
  { type: 9, name: 'Assigned Tunnel ID', kind: 'u16', length: u16, hideable: true },
  { type: 10, name: 'Receive Window Size', kind: 'u16', length: u16, hideable: false, tsharkField: 'l2tp.avp.receive_window_size' },
  { type: 11, name: 'Challenge', kind: 'octets', length: { min: 1 }, hideable: true, tsharkField: 'l2tp.avp.chap_challenge' },
  { type: 12, name: 'Q.931 Cause Code', kind: 'octets', length: { min: 3 }, hideable: true },
  { type: 13, name: 'Challenge Response', kind: 'octets', length: { exact: [16] }, hideable: true, tsharkField: 'l2tp.avp.chap_challenge_response' },
  { type: 14, name: 'Assigned Session ID', kind: 'u16', length: u16, hideable: true },
  { type: 15, name: 'Serial Number', kind: 'u32', length: u32, hideable: true, tsharkField: 'l2tp.avp.call_serial_number' },
  { type: 24, name: 'Connect Speed', kind: 'u32', length: u32, hideable: true },
  { type: 25, name: 'Physical Channel ID', kind: 'u32', length: u32, hideable: true, tsharkField: 'l2tp.avp.physical_channel' },
  // RFC 3931's figure gives 2 + 4x4 octets, its text (and RFC 2661) 2 + 6x4: accept both (facts §3.4 note).
  { type: 34, name: 'Circuit Errors', kind: 'circuitErrors', length: { exact: [18, 26] }, hideable: true },
  { type: 36, name: 'Random Vector', kind: 'octets', length: { min: 1 }, hideable: false, tsharkField: 'l2tp.avp.random_vector' },
  { type: 38, name: 'Rx Connect Speed (v2)', kind: 'u32', length: u32, hideable: true },
  { type: 58, name: 'Extended Vendor ID', kind: 'extendedVendorId', length: { min: 6 }, hideable: true },
  // Digest type octet + 16 (HMAC-MD5) or 20 (HMAC-SHA-1) octets (3931 §5.4.1).
  { type: 59, name: 'Message Digest', kind: 'messageDigest', length: { exact: [17, 21] }, hideable: false, tsharkField: 'l2tp.avp.message_digest' },
  { type: 60, name: 'Router ID', kind: 'u32', length: u32, hideable: false, tsharkField: 'l2tp.avp.router_id' },
  { type: 61, name: 'Assigned Control Connection ID', kind: 'u32', length: u32, hideable: true, tsharkField: 'l2tp.avp.assigned_control_conn_id' },
  { type: 62, name: 'Pseudowire Capabilities List', kind: 'pwCapabilities', length: { min: 0 }, hideable: true, tsharkField: 'l2tp.avp.pw_type' },
  { type: 63, name: 'Local Session ID', kind: 'u32', length: u32, hideable: true, tsharkField: 'l2tp.avp.local_session_id' },
  { type: 64, name: 'Remote Session ID', kind: 'u32', length: u32, hideable: true, tsharkField: 'l2tp.avp.remote_session_id' },
  { type: 65, name: 'Assigned Cookie', kind: 'octets', length: { exact: [0, 4, 8] }, hideable: true, tsharkField: 'l2tp.avp.assigned_cookie' },
  { type: 66, name: 'Remote End ID', kind: 'octets', length: { min: 1 }, hideable: true, tsharkField: 'l2tp.avp.remote_end_id' },
  { type: 68, name: 'Pseudowire Type', kind: 'u16', length: u16, hideable: true, tsharkField: 'l2tp.avp.pseudowire_type' },
  { type: 69, name: 'L2-Specific Sublayer', kind: 'u16', length: u16, hideable: true, tsharkField: 'l2tp.avp.layer2_specific_sublayer' },
  { type: 70, name: 'Data Sequencing', kind: 'u16', length: u16, hideable: true, tsharkField: 'l2tp.avp.data_sequencing' },
  { type: 71, name: 'Circuit Status', kind: 'u16', length: u16, hideable: true },
  { type: 72, name: 'Preferred Language', kind: 'ascii', length: { min: 1 }, hideable: true, tsharkField: 'l2tp.avp.preferred_language' },
  { type: 73, name: 'Control Message Authentication Nonce', kind: 'octets', length: { min: 1 }, hideable: false, tsharkField: 'l2tp.avp.nonce' },
  { type: 74, name: 'Tx Connect Speed', kind: 'u64', length: { exact: [8] }, hideable: true, tsharkField: 'l2tp.avp.tx_connect_speed_v3' },
  { type: 75, name: 'Rx Connect Speed', kind: 'u64', length: { exact: [8] }, hideable: true, tsharkField: 'l2tp.avp.rx_connect_speed_v3' },
];

const BY_TYPE: (AvpTypeInfo | undefined)[] = [];
for (const t of AVP_TYPES) BY_TYPE[t.type] = t;

/** The table entry of an IETF AVP; undefined for types we do not recognise. */
export function avpTypeInfo(vendorId: number, type: number): AvpTypeInfo | undefined {
  return vendorId === 0 ? BY_TYPE[type] : undefined;
}

export function avpName(vendorId: number, type: number): string {
  if (vendorId !== 0) return `Vendor ${vendorId} AVP ${type}`;
  return BY_TYPE[type]?.name ?? `AVP ${type}`;
}

/** Pseudowire types (IANA; facts §3.4 note). Ethernet is what RTX carries. */
export const PW_TYPE = { EthernetVlan: 0x0004, Ethernet: 0x0005 } as const;

/** Circuit Status bits (facts §3.6; RFC 3931 §5.4.5, RFC 5641). */
export const CIRCUIT_STATUS = { Active: 0x0001, New: 0x0002 } as const;

/** Digest types of the Message Digest AVP (3931 §5.4.1). */
export const DIGEST_TYPE = { HmacMd5: 0, HmacSha1: 1 } as const;

/** L2-Specific Sublayer types (3931 §5.4.4, IANA). */
export const L2SS_TYPE = { None: 0, Default: 1 } as const;
