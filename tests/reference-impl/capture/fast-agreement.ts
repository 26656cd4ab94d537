// Holds the fast decoder to the full one: both decode the same capture bytes with the same
// options, and every packet's fields must be equal. The fast packet is turned into the full
// decoder's DecodedPacket shape through the project's own formatters (formatIpv4/6,
// messageTypeName, controlSummary, decodeAvpValue, formatMac, hexColon), so a field the fast
// path locates wrongly (an offset, a length, a flag) shows up as a different value.
import {
  CaptureFileError, controlSummary, decodeCapture, formatIpv4, formatIpv6, formatMac, readCaptureFile,
  type CaptureDecodeOptions, type DecodedPacket,
} from '../../../reference-impl/capture/index.ts';
import { FastCaptureDecoder } from '../../../reference-impl/capture/fast-decoder.ts';
import {
  AVP_FLAG, AVP_STATE, DIGEST, MESSAGE_TYPE_UNKNOWN, MESSAGE_TYPE_ZLB, PACKET_KIND, TRANSPORT, type FastPacket,
} from '../../../reference-impl/capture/fast-packet.ts';
import { avpTypeInfo, decodeAvpValue, hexColon, messageTypeName, type Avp, type AvpValue } from '../../../reference-impl/l2tpv3/index.ts';

/** The fields `decode` prints, in a shape both decoders can fill. */
export interface Comparable {
  frame: number;
  transport: string;
  ipVersion: number;
  src: string;
  dst: string;
  srcPort: number | null;
  dstPort: number | null;
  kind: string;
  digest: string | null;
  control: unknown;
  data: unknown;
  error: { kind: string; offset: number } | null;
}

export function fromFull(p: DecodedPacket): Comparable {
  return {
    frame: p.frame, transport: p.transport, ipVersion: p.ipVersion, src: p.src, dst: p.dst,
    srcPort: p.srcPort ?? null, dstPort: p.dstPort ?? null, kind: p.kind, digest: p.digest ?? null,
    control: p.control ?? null,
    data: p.data ? dataOf(p.data) : null,
    error: p.error ? { kind: p.error.kind, offset: p.error.offset } : null,
  };
}

/** The data fields in one order whatever order they were set in (ethernet and guessedLayout are optional). */
function dataOf(d: NonNullable<DecodedPacket['data']>): unknown {
  const { sessionId, cookie, l2ss, ethernet, guessedLayout, ...rest } = d;
  return { sessionId, cookie, l2ss, ethernet: ethernet ?? null, ...(guessedLayout ? { guessedLayout } : {}), ...rest };
}

const OPAQUE_REASON = ['', 'vendor', 'unknown-type', 'malformed', 'hidden-no-secret'] as const;

/** The AVP objects the fast table describes, values decoded from the octets it points at. */
function avpsOf(p: FastPacket): Avp[] {
  const out: Avp[] = [];
  for (let i = 0; i < p.avpCount; i++) {
    const raw = p.avpValue(i);
    let value: AvpValue;
    const info = avpTypeInfo(p.avpVendorId[i], p.avpType[i]);
    if (p.avpState[i] === AVP_STATE.Decoded && info) {
      const v = decodeAvpValue(info, raw);
      if (typeof v === 'string') throw new Error(`fast path kept AVP ${i} as decoded, but its value does not decode: ${v}`);
      value = v;
    } else {
      value = { kind: 'opaque', value: raw.slice(), reason: OPAQUE_REASON[p.avpState[i]] as Exclude<(typeof OPAQUE_REASON)[number], ''> };
    }
    out.push({ mandatory: (p.avpFlags[i] & AVP_FLAG.Mandatory) !== 0, hidden: (p.avpFlags[i] & AVP_FLAG.Hidden) !== 0, vendorId: p.avpVendorId[i], attributeType: p.avpType[i], value });
  }
  return out;
}

export function fromFast(p: FastPacket): Comparable {
  const b = p.bytes;
  const addr = (o: number): string => (p.ipVersion === 4 ? formatIpv4(b, o) : formatIpv6(b, o));
  const udp = p.transport === TRANSPORT.Udp;
  const c: Comparable = {
    frame: p.frame, transport: udp ? 'udp' : 'ip', ipVersion: p.ipVersion, src: addr(p.srcAddressOffset), dst: addr(p.dstAddressOffset),
    srcPort: udp ? p.srcPort : null, dstPort: udp ? p.dstPort : null,
    kind: p.kind === PACKET_KIND.Control ? 'control' : p.kind === PACKET_KIND.Data ? 'data' : 'error',
    digest: p.digest === DIGEST.None ? null : p.digest === DIGEST.Valid ? 'valid' : p.digest === DIGEST.Invalid ? 'invalid' : 'absent',
    control: null, data: null, error: null,
  };
  if (p.kind === PACKET_KIND.Control) {
    const summary = controlSummary({ ccid: p.ccid, ns: p.ns, nr: p.nr, avps: avpsOf(p) });
    const own = p.messageType === MESSAGE_TYPE_ZLB ? 'ZLB' : p.messageType === MESSAGE_TYPE_UNKNOWN ? 'unknown' : messageTypeName(p.messageType);
    if (own !== summary.messageType) throw new Error(`frame ${p.frame}: messageType field says ${own}, its AVPs say ${summary.messageType}`);
    const head = { ccid: p.ccid, ns: p.ns, nr: p.nr, messageType: own, avps: summary.avps };
    c.control = udp ? head : { sessionId: 0, ...head };
  } else if (p.kind === PACKET_KIND.Data) {
    const vlans: number[] = [];
    for (let i = 0; i < p.vlanCount; i++) vlans.push(p.vlanId(i));
    c.data = {
      sessionId: p.sessionId,
      cookie: hexColon(b.subarray(p.cookieOffset, p.cookieOffset + p.cookieLength)),
      l2ss: p.hasL2ss ? { sequenced: p.l2ssSequenced, sequence: p.l2ssSequence } : null,
      ethernet: p.hasEthernet
        ? { src: formatMac(b.subarray(p.ethOffset + 6, p.ethOffset + 12)), dst: formatMac(b.subarray(p.ethOffset, p.ethOffset + 6)), etherType: p.etherType, vlans }
        : null,
      ...(p.layoutGuessed ? { guessedLayout: { cookieLength: p.cookieLength, l2ss: p.hasL2ss ? 'default' : 'none' } } : {}),
    };
  } else {
    c.error = { kind: String(p.errorKind), offset: p.payloadStart - p.frameStart + p.errorOffset };
  }
  return c;
}

export type Outcome = { packets: Comparable[] } | { fileError: string };

export function decodeFull(bytes: Uint8Array, opts: CaptureDecodeOptions): Outcome {
  try {
    return { packets: [...decodeCapture(readCaptureFile(bytes), opts)].map(fromFull) };
  } catch (e) {
    if (e instanceof CaptureFileError) return { fileError: e.message };
    throw e;
  }
}

export function decodeFast(bytes: Uint8Array, opts: CaptureDecodeOptions): Outcome {
  const packets: Comparable[] = [];
  try {
    const d = new FastCaptureDecoder(bytes, opts);
    while (d.next()) packets.push(fromFast(d.packet));
    return { packets };
  } catch (e) {
    if (e instanceof CaptureFileError) return { fileError: e.message };
    throw e;
  }
}

/** The first difference between the two decoders on a capture, or null when they agree. */
export function disagreement(bytes: Uint8Array, opts: CaptureDecodeOptions): string | null {
  const full = decodeFull(bytes, opts);
  const fast = decodeFast(bytes, opts);
  if ('fileError' in full || 'fileError' in fast) {
    return JSON.stringify(full) === JSON.stringify(fast) ? null : `file: full ${JSON.stringify('fileError' in full ? full.fileError : 'ok')}, fast ${JSON.stringify('fileError' in fast ? fast.fileError : 'ok')}`;
  }
  const n = Math.max(full.packets.length, fast.packets.length);
  for (let i = 0; i < n; i++) {
    const a = JSON.stringify(full.packets[i]);
    const b = JSON.stringify(fast.packets[i]);
    if (a !== b) return `packet ${i + 1}:\n  full ${a}\n  fast ${b}`;
  }
  return null;
}
