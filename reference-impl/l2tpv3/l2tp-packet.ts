// One L2TPv3 packet as it arrives: control or data, told apart by the T bit over UDP and
// by Session ID 0 over IP (facts §1.2, §1.3), then decoded strictly.
import type { AvpDecodeOptions } from './avp.ts';
import { decodeControlMessage, type ControlDecodeResult } from './control-message.ts';
import { decodeDataMessage, peekSessionId, type DataLayout, type DataMessage } from './data-message.ts';
import { decodeError, type DecodeError } from './decode-error.ts';
import type { L2tpTransport } from './transport.ts';
import { u32 } from './wire.ts';

export type L2tpPacketKind = 'control' | 'data';

export function packetKind(b: Uint8Array, transport: L2tpTransport): L2tpPacketKind | DecodeError {
  if (transport === 'udp') {
    if (b.length < 1) return decodeError('too-short', 0, 'empty UDP payload', { size: 0 });
    return b[0] & 0x80 ? 'control' : 'data';
  }
  if (b.length < 4) return decodeError('too-short', 0, `${b.length} octets, too few for a Session ID`, { size: b.length });
  return u32(b, 0) === 0 ? 'control' : 'data';
}

export interface L2tpDecodeOptions extends AvpDecodeOptions {
  /** The layout of a data session (cookie length, sublayer); default: no cookie, no sublayer. */
  dataLayout?: (sessionId: number) => DataLayout | undefined;
}

export type L2tpDecodeResult =
  | { kind: 'control'; result: ControlDecodeResult }
  | { kind: 'data'; result: { ok: true; value: DataMessage } | { ok: false; error: DecodeError } }
  | { kind: 'unknown'; result: { ok: false; error: DecodeError } };

const NO_COOKIE: DataLayout = { cookieLength: 0, l2ss: 'none' };

export function decodeL2tp(b: Uint8Array, transport: L2tpTransport, opts: L2tpDecodeOptions = {}): L2tpDecodeResult {
  const kind = packetKind(b, transport);
  if (typeof kind !== 'string') return { kind: 'unknown', result: { ok: false, error: kind } };
  if (kind === 'control') return { kind, result: decodeControlMessage(b, transport, opts) };
  const sid = peekSessionId(b, transport);
  const layout = (sid !== undefined && opts.dataLayout?.(sid)) || NO_COOKIE;
  return { kind, result: decodeDataMessage(b, transport, layout) };
}
