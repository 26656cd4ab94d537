// Typed rejections of the strict decoder. Every class of bad input maps to the line the
// router logs for it (seed: SYSLOGメッセージ一覧), so the oracle and the emulated router
// log the same thing for the same bytes.
import type { SyslogArgs, SyslogId } from '../syslog/catalogue.ts';

export type DecodeErrorKind =
  | 'too-short'               // fewer octets than the header (or the Length field) needs
  | 'wrong-version'           // Ver is not 3
  | 'wrong-header'            // T/L/S bits, Length or reserved values that make the header invalid
  | 'avp-malformed'           // AVP length, value length or hiding that cannot be parsed
  | 'unknown-mandatory-avp';  // an AVP we do not know, with the M bit set (3931 §5.2)

const SYSLOG_OF: Record<DecodeErrorKind, SyslogId> = {
  'too-short': 'tooSmallPacket',
  'wrong-version': 'wrongVersionHeader',
  'wrong-header': 'wrongHeader',
  'avp-malformed': 'avpsCheckError',
  'unknown-mandatory-avp': 'avpAttrTypeIllegal',
};

/** What could be read before the error, so a receiver can still answer (StopCCN/CDN 2/8). */
export interface PartialHeader {
  ccid?: number;
  ns?: number;
  nr?: number;
  messageType?: number;
  /** For unknown mandatory AVPs: which one. */
  vendorId?: number;
  attributeType?: number;
}

export interface DecodeError {
  kind: DecodeErrorKind;
  /** Offset of the offending octet within the L2TP bytes given to the decoder. */
  offset: number;
  detail: string;
  syslog: SyslogId;
  syslogArgs: SyslogArgs;
  partial?: PartialHeader;
}

export function decodeError(
  kind: DecodeErrorKind,
  offset: number,
  detail: string,
  syslogArgs: SyslogArgs = {},
  partial?: PartialHeader,
): DecodeError {
  return { kind, offset, detail, syslog: SYSLOG_OF[kind], syslogArgs, partial };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };
