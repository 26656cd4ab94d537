// ISAKMP payloads (RFC 2408 §3.2, §3.4-3.16; RFC 2407 §4.6.2 ID; RFC 3947 §3.2 NAT-D, §5.2
// NAT-OA) and the chain they form: each starts with the generic header (next payload, reserved,
// length) and the decoder walks "next payload" until 0. Payload kinds the oracle does not use
// (certificates, signatures) are kept as raw bodies so any message still decodes and re-encodes.
import { PAYLOAD } from './constants.ts';
import { IsakmpDecodeError } from './decode-error.ts';
import { decodeSaBody, encodeSaBody, type SaBody } from './sa.ts';

export type Payload =
  | ({ kind: 'sa' } & SaBody)
  | { kind: 'ke'; data: Uint8Array }
  /** RFC 2407 §4.6.2: in phase 1 protocol/port are 0 or udp/500; in quick mode they are the traffic selector (udp/1701). */
  | { kind: 'id'; idType: number; protocolId: number; port: number; data: Uint8Array }
  | { kind: 'hash'; data: Uint8Array }
  | { kind: 'nonce'; data: Uint8Array }
  | { kind: 'notification'; doi: number; protocolId: number; notifyType: number; spi: Uint8Array; data: Uint8Array }
  | { kind: 'delete'; doi: number; protocolId: number; spiSize: number; spis: Uint8Array[] }
  | { kind: 'vendorId'; data: Uint8Array }
  /** `draft`: payload number 130 (draft-ietf-ipsec-nat-t-ike-02/03) instead of 20 (RFC 3947). */
  | { kind: 'natD'; draft: boolean; data: Uint8Array }
  | { kind: 'natOa'; draft: boolean; idType: number; address: Uint8Array }
  | { kind: 'raw'; payloadType: number; body: Uint8Array };
export type PayloadKind = Payload['kind'];

export function payloadType(p: Payload): number {
  switch (p.kind) {
    case 'sa': return PAYLOAD.sa;
    case 'ke': return PAYLOAD.ke;
    case 'id': return PAYLOAD.id;
    case 'hash': return PAYLOAD.hash;
    case 'nonce': return PAYLOAD.nonce;
    case 'notification': return PAYLOAD.notification;
    case 'delete': return PAYLOAD.delete;
    case 'vendorId': return PAYLOAD.vendorId;
    case 'natD': return p.draft ? PAYLOAD.natDDraft : PAYLOAD.natD;
    case 'natOa': return p.draft ? PAYLOAD.natOaDraft : PAYLOAD.natOa;
    case 'raw': return p.payloadType;
  }
}

const u8 = (n: number): Uint8Array => new Uint8Array(n);

/** The payload body, without the 4-octet generic header (what HASH_I and SKEYID inputs call "_b"). */
export function encodePayloadBody(p: Payload): Uint8Array {
  switch (p.kind) {
    case 'sa': return encodeSaBody(p);
    case 'ke': case 'hash': case 'nonce': case 'vendorId': case 'natD': return p.data.slice();
    case 'raw': return p.body.slice();
    case 'id': {
      const b = u8(4 + p.data.length);
      b[0] = p.idType;
      b[1] = p.protocolId;
      new DataView(b.buffer).setUint16(2, p.port);
      b.set(p.data, 4);
      return b;
    }
    case 'notification': {
      const b = u8(8 + p.spi.length + p.data.length);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, p.doi);
      b[4] = p.protocolId;
      b[5] = p.spi.length;
      dv.setUint16(6, p.notifyType);
      b.set(p.spi, 8);
      b.set(p.data, 8 + p.spi.length);
      return b;
    }
    case 'delete': {
      const b = u8(8 + p.spiSize * p.spis.length);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, p.doi);
      b[4] = p.protocolId;
      b[5] = p.spiSize;
      dv.setUint16(6, p.spis.length);
      p.spis.forEach((s, i) => b.set(s, 8 + i * p.spiSize));
      return b;
    }
    case 'natOa': {
      const b = u8(4 + p.address.length);
      b[0] = p.idType;
      b.set(p.address, 4);
      return b;
    }
  }
}

/** Payloads as a chain; returns the octets and the first payload's type (for the header). */
export function encodePayloads(ps: readonly Payload[]): { first: number; bytes: Uint8Array } {
  const parts: Uint8Array[] = [];
  ps.forEach((p, i) => {
    const body = encodePayloadBody(p);
    const h = u8(4);
    h[0] = i + 1 < ps.length ? payloadType(ps[i + 1]) : PAYLOAD.none;
    new DataView(h.buffer).setUint16(2, 4 + body.length);
    parts.push(h, body);
  });
  return { first: ps.length ? payloadType(ps[0]) : PAYLOAD.none, bytes: Uint8Array.from(Buffer.concat(parts)) };
}

function need(b: Uint8Array, n: number, base: number, what: string): void {
  if (b.length < n) throw new IsakmpDecodeError(base, `${what} body of ${b.length} octets, needs at least ${n}`);
}

/** Decodes one payload body of the given type; `base` is the body's offset in the message. */
export function decodePayloadBody(type: number, b: Uint8Array, base: number): Payload {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (type) {
    case PAYLOAD.sa: return { kind: 'sa', ...decodeSaBody(b, base) };
    case PAYLOAD.ke: return { kind: 'ke', data: b.slice() };
    case PAYLOAD.hash: return { kind: 'hash', data: b.slice() };
    case PAYLOAD.nonce: return { kind: 'nonce', data: b.slice() };
    case PAYLOAD.vendorId: return { kind: 'vendorId', data: b.slice() };
    case PAYLOAD.natD: case PAYLOAD.natDDraft: return { kind: 'natD', draft: type === PAYLOAD.natDDraft, data: b.slice() };
    case PAYLOAD.id:
      need(b, 4, base, 'ID');
      return { kind: 'id', idType: b[0], protocolId: b[1], port: dv.getUint16(2), data: b.slice(4) };
    case PAYLOAD.notification: {
      need(b, 8, base, 'Notification');
      const spiSize = b[5];
      if (8 + spiSize > b.length) throw new IsakmpDecodeError(base + 5, `notification SPI size ${spiSize} runs past the payload (${b.length - 8} left)`);
      return { kind: 'notification', doi: dv.getUint32(0), protocolId: b[4], notifyType: dv.getUint16(6), spi: b.slice(8, 8 + spiSize), data: b.slice(8 + spiSize) };
    }
    case PAYLOAD.delete: {
      need(b, 8, base, 'Delete');
      const spiSize = b[5];
      const n = dv.getUint16(6);
      if (8 + spiSize * n !== b.length) throw new IsakmpDecodeError(base + 6, `delete of ${n} SPIs of ${spiSize} octets needs ${8 + spiSize * n} octets, payload has ${b.length}`);
      const spis: Uint8Array[] = [];
      for (let i = 0; i < n; i++) spis.push(b.slice(8 + i * spiSize, 8 + (i + 1) * spiSize));
      return { kind: 'delete', doi: dv.getUint32(0), protocolId: b[4], spiSize, spis };
    }
    case PAYLOAD.natOa: case PAYLOAD.natOaDraft:
      need(b, 4, base, 'NAT-OA');
      if (b[1] !== 0 || b[2] !== 0 || b[3] !== 0) throw new IsakmpDecodeError(base + 1, 'NAT-OA RESERVED octets are not 0 (RFC 3947 §5.2)');
      return { kind: 'natOa', draft: type === PAYLOAD.natOaDraft, idType: b[0], address: b.slice(4) };
    case PAYLOAD.proposal: case PAYLOAD.transform:
      throw new IsakmpDecodeError(base - 4, `payload ${type} may only appear inside an SA payload`);
    default:
      // 14-127 are reserved in RFC 2408 §3.1 except NAT-D/NAT-OA (RFC 3947); 128-255 are private use.
      if (type === PAYLOAD.none || (type > 13 && type < 20) || (type > 21 && type < 128)) {
        throw new IsakmpDecodeError(base - 4, `unknown payload type ${type} (RFC 2408 §3.1)`);
      }
      return { kind: 'raw', payloadType: type, body: b.slice() };
  }
}

/**
 * Walks a payload chain. `padding`: encrypted bodies end with cipher padding after the last
 * payload (RFC 2409 Appendix B); otherwise the chain must fill `b` exactly.
 */
export function decodePayloads(first: number, b: Uint8Array, base: number, padding = false): Payload[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Payload[] = [];
  let next = first;
  let o = 0;
  while (next !== PAYLOAD.none) {
    if (b.length - o < 4) throw new IsakmpDecodeError(base + o, `payload ${next} generic header cut short (${b.length - o} of 4 octets)`);
    const len = dv.getUint16(o + 2);
    if (len < 4 || o + len > b.length) throw new IsakmpDecodeError(base + o + 2, `payload ${next} length ${len} outside 4..${b.length - o}`);
    if (b[o + 1] !== 0) throw new IsakmpDecodeError(base + o + 1, `payload ${next} RESERVED octet is 0x${b[o + 1].toString(16)}, not 0`);
    out.push(decodePayloadBody(next, b.subarray(o + 4, o + len), base + o + 4));
    next = b[o];
    o += len;
  }
  if (!padding && o !== b.length) throw new IsakmpDecodeError(base + o, `${b.length - o} octets after the last payload`);
  return out;
}
