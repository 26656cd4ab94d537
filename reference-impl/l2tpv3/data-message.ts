// Data messages (RFC 3931 §4.1; facts §1.2-§1.5): Session ID, cookie (0/4/8 octets, its
// length fixed per direction by signalling), optional Default L2-Specific Sublayer, payload.
import { decodeError, type Decoded } from './decode-error.ts';
import type { L2tpTransport } from './transport.ts';
import { plainBytes, put32, u16, u32 } from './wire.ts';

export type CookieLength = 0 | 4 | 8;
export type L2ssMode = 'none' | 'default';

export interface DefaultL2ss {
  /** S bit: the sequence field is valid. */
  sequenced: boolean;
  /** 24-bit sequence number (ignored when not sequenced). */
  sequence: number;
}

export interface DataMessage {
  sessionId: number;
  cookie: Uint8Array;
  l2ss: DefaultL2ss | null;
  /** The Ethernet frame, without preamble or FCS (RFC 4719 §4). */
  payload: Uint8Array;
}

export interface DataLayout {
  cookieLength: CookieLength;
  l2ss: L2ssMode;
}

/** First 32 bits of a data message over UDP: T=0, version 3, reserved 0 (facts §8). */
export const DATA_UDP_PREFIX = 0x00030000;
export const L2SS_S_BIT = 0x40;

/** Decodes data octets given the session's layout. Never throws for malformed bytes. */
export function decodeDataMessage(input: Uint8Array, transport: L2tpTransport, layout: DataLayout): Decoded<DataMessage> {
  const b = plainBytes(input);
  let o = 0;
  if (transport === 'udp') {
    if (b.length < 2) return { ok: false, error: decodeError('too-short', 0, `${b.length} octets, too few for an L2TP header`, { size: b.length }) };
    const version = b[1] & 0x0f;
    if (version !== 3) return { ok: false, error: decodeError('wrong-version', 1, `version ${version}, expected 3`, { version }) };
    if (b[0] & 0x80) return { ok: false, error: decodeError('wrong-header', 0, 'T bit set: a control message, not data') };
    o = 4;
  }
  const need = o + 4 + layout.cookieLength + (layout.l2ss === 'default' ? 4 : 0);
  if (b.length < need) {
    return { ok: false, error: decodeError('too-short', 0, `${b.length} octets, the data header needs ${need}`, { size: b.length }) };
  }
  const sessionId = u32(b, o);
  if (sessionId === 0) return { ok: false, error: decodeError('wrong-header', o, 'Session ID 0 in a data message (3931 §4.1)') };
  o += 4;
  const cookie = b.subarray(o, o + layout.cookieLength);
  o += layout.cookieLength;
  let l2ss: DefaultL2ss | null = null;
  if (layout.l2ss === 'default') {
    l2ss = { sequenced: (b[o] & L2SS_S_BIT) !== 0, sequence: ((b[o + 1] << 16) | u16(b, o + 2)) >>> 0 };
    o += 4;
  }
  return { ok: true, value: { sessionId, cookie, l2ss, payload: b.subarray(o) } };
}

export function encodeDataMessage(m: DataMessage, transport: L2tpTransport = 'udp'): Uint8Array {
  if (m.cookie.length !== 0 && m.cookie.length !== 4 && m.cookie.length !== 8) {
    throw new Error(`cookie of ${m.cookie.length} octets: only 0, 4 or 8 are possible`);
  }
  const head = (transport === 'udp' ? 4 : 0) + 4 + m.cookie.length + (m.l2ss ? 4 : 0);
  const b = new Uint8Array(head + m.payload.length);
  let o = 0;
  if (transport === 'udp') {
    put32(b, 0, DATA_UDP_PREFIX);
    o = 4;
  }
  put32(b, o, m.sessionId);
  o += 4;
  b.set(m.cookie, o);
  o += m.cookie.length;
  if (m.l2ss) {
    put32(b, o, (m.l2ss.sequenced ? 0x40000000 : 0) | (m.l2ss.sequence & 0xffffff));
    o += 4;
  }
  b.set(m.payload, o);
  return b;
}

/** Session ID of data octets without decoding the rest (for layout lookups). */
export function peekSessionId(b: Uint8Array, transport: L2tpTransport): number | undefined {
  const o = transport === 'udp' ? 4 : 0;
  return b.length >= o + 4 ? u32(b, o) : undefined;
}
