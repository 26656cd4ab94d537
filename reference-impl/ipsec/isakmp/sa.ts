// The SA payload body (RFC 2408 §3.4-3.6, RFC 2407 §4.6.1): DOI, situation, then Proposal
// payloads each carrying Transform payloads with data attributes (RFC 2408 §3.3). Attributes
// keep their wire form (basic TV or variable TLV) so a decoded SA re-encodes to the same octets,
// which HASH_I/HASH_R need (they cover the initiator's SA body as sent).
import { DOI_IPSEC, PAYLOAD, SIT_IDENTITY_ONLY } from './constants.ts';
import { IsakmpDecodeError } from './decode-error.ts';

/** RFC 2408 §3.3: AF=1 basic (16-bit value in the header), AF=0 variable length. */
export type Attribute = { type: number; value: number } | { type: number; bytes: Uint8Array };

export interface Transform {
  number: number;
  transformId: number;
  attributes: Attribute[];
}

export interface Proposal {
  number: number;
  protocolId: number;
  spi: Uint8Array;
  transforms: Transform[];
}

export interface SaBody {
  doi: number;
  situation: number;
  proposals: Proposal[];
}

export function attributeValue(attrs: readonly Attribute[], type: number): number | undefined {
  const a = attrs.find((x) => x.type === type);
  if (a === undefined) return undefined;
  if ('value' in a) return a.value;
  // Variable-length integers (e.g. a life duration over 65535) are big-endian (RFC 2408 §3.3).
  if (a.bytes.length === 0 || a.bytes.length > 6) return undefined;
  let v = 0;
  for (const b of a.bytes) v = v * 256 + b;
  return v;
}

/** A numeric attribute in the shortest form RFC 2408 §3.3 allows: basic if it fits in 16 bits. */
export function numericAttribute(type: number, v: number): Attribute {
  if (v <= 0xffff) return { type, value: v };
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, v);
  return { type, bytes };
}

function encodeAttribute(a: Attribute): Uint8Array {
  if ('value' in a) {
    const b = new Uint8Array(4);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, 0x8000 | a.type);
    dv.setUint16(2, a.value);
    return b;
  }
  const b = new Uint8Array(4 + a.bytes.length);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, a.type & 0x7fff);
  dv.setUint16(2, a.bytes.length);
  b.set(a.bytes, 4);
  return b;
}

const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));

function encodeTransform(t: Transform, last: boolean): Uint8Array {
  const attrs = concat(t.attributes.map(encodeAttribute));
  const b = new Uint8Array(8 + attrs.length);
  const dv = new DataView(b.buffer);
  b[0] = last ? PAYLOAD.none : PAYLOAD.transform;
  dv.setUint16(2, b.length);
  b[4] = t.number;
  b[5] = t.transformId;
  b.set(attrs, 8);
  return b;
}

function encodeProposal(p: Proposal, last: boolean): Uint8Array {
  const ts = concat(p.transforms.map((t, i) => encodeTransform(t, i === p.transforms.length - 1)));
  const b = new Uint8Array(8 + p.spi.length + ts.length);
  const dv = new DataView(b.buffer);
  b[0] = last ? PAYLOAD.none : PAYLOAD.proposal;
  dv.setUint16(2, b.length);
  b[4] = p.number;
  b[5] = p.protocolId;
  b[6] = p.spi.length;
  b[7] = p.transforms.length;
  b.set(p.spi, 8);
  b.set(ts, 8 + p.spi.length);
  return b;
}

export function encodeSaBody(sa: SaBody): Uint8Array {
  const head = new Uint8Array(8);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, sa.doi);
  dv.setUint32(4, sa.situation);
  return concat([head, ...sa.proposals.map((p, i) => encodeProposal(p, i === sa.proposals.length - 1))]);
}

/** Decodes an SA body; `base` is the body's offset in the ISAKMP message (for error offsets). */
export function decodeSaBody(b: Uint8Array, base: number): SaBody {
  if (b.length < 8) throw new IsakmpDecodeError(base, `SA body of ${b.length} octets, DOI and Situation need 8`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const doi = dv.getUint32(0);
  const situation = dv.getUint32(4);
  if (doi !== DOI_IPSEC) throw new IsakmpDecodeError(base, `DOI ${doi} is not the IPsec DOI (RFC 2407 §4.2: 1)`);
  // RFC 2407 §4.6.1: only SIT_IDENTITY_ONLY has no labeled-domain data after it.
  if (situation !== SIT_IDENTITY_ONLY) throw new IsakmpDecodeError(base + 4, `situation 0x${situation.toString(16)} not supported (only SIT_IDENTITY_ONLY, RFC 2407 §4.6.1)`);
  const proposals: Proposal[] = [];
  let o = 8;
  let next: number = PAYLOAD.proposal;
  while (next !== PAYLOAD.none) {
    if (next !== PAYLOAD.proposal) throw new IsakmpDecodeError(base + o, `payload ${next} inside an SA, only Proposal (2) may follow`);
    if (b.length - o < 8) throw new IsakmpDecodeError(base + o, `proposal header cut short (${b.length - o} of 8 octets)`);
    const len = dv.getUint16(o + 2);
    if (len < 8 || o + len > b.length) throw new IsakmpDecodeError(base + o + 2, `proposal length ${len} outside 8..${b.length - o}`);
    if (b[o + 1] !== 0) throw new IsakmpDecodeError(base + o + 1, 'proposal RESERVED octet is not 0');
    next = b[o];
    const spiSize = b[o + 6];
    const nTransforms = b[o + 7];
    if (8 + spiSize > len) throw new IsakmpDecodeError(base + o + 6, `SPI size ${spiSize} does not fit in proposal of ${len} octets`);
    const spi = b.slice(o + 8, o + 8 + spiSize);
    const transforms = decodeTransforms(b.subarray(o + 8 + spiSize, o + len), base + o + 8 + spiSize, nTransforms);
    proposals.push({ number: b[o + 4], protocolId: b[o + 5], spi, transforms });
    o += len;
  }
  if (o !== b.length) throw new IsakmpDecodeError(base + o, `${b.length - o} octets after the last proposal`);
  return { doi, situation, proposals };
}

function decodeTransforms(b: Uint8Array, base: number, count: number): Transform[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Transform[] = [];
  let o = 0;
  for (let i = 0; i < count; i++) {
    if (b.length - o < 8) throw new IsakmpDecodeError(base + o, `transform ${i + 1} of ${count} cut short (${b.length - o} octets)`);
    const next = b[o];
    const len = dv.getUint16(o + 2);
    if (len < 8 || o + len > b.length) throw new IsakmpDecodeError(base + o + 2, `transform length ${len} outside 8..${b.length - o}`);
    if (next !== (i === count - 1 ? PAYLOAD.none : PAYLOAD.transform)) {
      throw new IsakmpDecodeError(base + o, `transform ${i + 1} of ${count} has next payload ${next}`);
    }
    if (b[o + 1] !== 0 || dv.getUint16(o + 6) !== 0) throw new IsakmpDecodeError(base + o + 1, 'transform RESERVED fields are not 0');
    out.push({ number: b[o + 4], transformId: b[o + 5], attributes: decodeAttributes(b.subarray(o + 8, o + len), base + o + 8) });
    o += len;
  }
  if (o !== b.length) throw new IsakmpDecodeError(base + o, `${b.length - o} octets after the last transform (count field says ${count})`);
  return out;
}

function decodeAttributes(b: Uint8Array, base: number): Attribute[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Attribute[] = [];
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 4) throw new IsakmpDecodeError(base + o, `attribute header cut short (${b.length - o} of 4 octets)`);
    const t = dv.getUint16(o);
    const type = t & 0x7fff;
    if (t & 0x8000) {
      out.push({ type, value: dv.getUint16(o + 2) });
      o += 4;
    } else {
      const len = dv.getUint16(o + 2);
      if (o + 4 + len > b.length) throw new IsakmpDecodeError(base + o + 2, `attribute ${type} length ${len} runs past the transform (${b.length - o - 4} left)`);
      out.push({ type, bytes: b.slice(o + 4, o + 4 + len) });
      o += 4 + len;
    }
  }
  return out;
}
