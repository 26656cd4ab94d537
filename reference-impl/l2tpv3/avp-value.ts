// AVP values: the typed form of each AVP kind, and its strict decode/encode.
import { avpTypeInfo, type AvpTypeInfo } from './avp-types.ts';
import { fromLatin1, latin1, put16, put32, put64, u16, u32, u64 } from './wire.ts';

export type AvpValue =
  | { kind: 'u16'; value: number }
  | { kind: 'u32'; value: number }
  | { kind: 'u64'; value: bigint }
  | { kind: 'ascii'; value: string }
  | { kind: 'octets'; value: Uint8Array }
  | { kind: 'resultCode'; result: number; error?: number; message?: string }
  | { kind: 'pwCapabilities'; value: number[] }
  | { kind: 'messageDigest'; digestType: number; digest: Uint8Array }
  | { kind: 'protocolVersion'; version: number; revision: number }
  | { kind: 'circuitErrors'; reserved: number; counters: number[] }
  | { kind: 'extendedVendorId'; vendorId: number; attributeType: number; value: Uint8Array }
  /**
   * Bytes we keep as they are: vendor AVPs, unknown types, a malformed value of an AVP
   * whose M bit is clear (3931 §7.1: ignore it), or a hidden value we have no secret for.
   */
  | { kind: 'opaque'; value: Uint8Array; reason: 'vendor' | 'unknown-type' | 'malformed' | 'hidden-no-secret' };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8enc = new TextEncoder();

function lengthOk(info: AvpTypeInfo, n: number): boolean {
  const l = info.length;
  if ('exact' in l) return l.exact.includes(n);
  return n >= l.min && (l.max === undefined || n <= l.max);
}

/** Decodes a known AVP's value; a string saying what is wrong when it does not parse. */
export function decodeAvpValue(info: AvpTypeInfo, b: Uint8Array): AvpValue | string {
  const n = b.length;
  if (!lengthOk(info, n)) return `${info.name}: value length ${n} is not allowed`;
  switch (info.kind) {
    case 'u16':
      return { kind: 'u16', value: u16(b, 0) };
    case 'u32':
      return { kind: 'u32', value: u32(b, 0) };
    case 'u64':
      return { kind: 'u64', value: u64(b, 0) };
    case 'ascii':
      return { kind: 'ascii', value: latin1(b) };
    case 'octets':
      return { kind: 'octets', value: b.slice() };
    case 'resultCode': {
      // 2 octets result [, 2 octets error [, message]] (3931 §5.4.2)
      if (n === 3) return 'Result Code: a 1-octet error code field';
      const v: AvpValue = { kind: 'resultCode', result: u16(b, 0) };
      if (n >= 4) v.error = u16(b, 2);
      if (n > 4) {
        try {
          v.message = utf8.decode(b.subarray(4));
        } catch {
          return 'Result Code: error message is not valid UTF-8';
        }
      }
      return v;
    }
    case 'pwCapabilities': {
      if (n % 2) return 'Pseudowire Capabilities List: odd length';
      const list: number[] = [];
      for (let o = 0; o < n; o += 2) list.push(u16(b, o));
      return { kind: 'pwCapabilities', value: list };
    }
    case 'messageDigest': {
      const digestType = b[0];
      if (!((digestType === 0 && n === 17) || (digestType === 1 && n === 21))) {
        return `Message Digest: digest type ${digestType} with ${n - 1} digest octets`;
      }
      return { kind: 'messageDigest', digestType, digest: b.slice(1) };
    }
    case 'protocolVersion':
      return { kind: 'protocolVersion', version: b[0], revision: b[1] };
    case 'circuitErrors': {
      const counters: number[] = [];
      for (let o = 2; o < n; o += 4) counters.push(u32(b, o));
      return { kind: 'circuitErrors', reserved: u16(b, 0), counters };
    }
    case 'extendedVendorId':
      return { kind: 'extendedVendorId', vendorId: u32(b, 0), attributeType: u16(b, 4), value: b.slice(6) };
  }
}

/** The wire octets of a value (before hiding). */
export function encodeAvpValue(v: AvpValue): Uint8Array {
  switch (v.kind) {
    case 'u16': {
      const b = new Uint8Array(2);
      put16(b, 0, v.value);
      return b;
    }
    case 'u32': {
      const b = new Uint8Array(4);
      put32(b, 0, v.value);
      return b;
    }
    case 'u64': {
      const b = new Uint8Array(8);
      put64(b, 0, v.value);
      return b;
    }
    case 'ascii':
      return fromLatin1(v.value);
    case 'octets':
    case 'opaque':
      return v.value;
    case 'resultCode': {
      const msg = v.message !== undefined ? utf8enc.encode(v.message) : new Uint8Array(0);
      const hasError = v.error !== undefined || v.message !== undefined;
      const b = new Uint8Array(2 + (hasError ? 2 : 0) + msg.length);
      put16(b, 0, v.result);
      if (hasError) {
        put16(b, 2, v.error ?? 0);
        b.set(msg, 4);
      }
      return b;
    }
    case 'pwCapabilities': {
      const b = new Uint8Array(2 * v.value.length);
      v.value.forEach((t, i) => put16(b, 2 * i, t));
      return b;
    }
    case 'messageDigest': {
      const b = new Uint8Array(1 + v.digest.length);
      b[0] = v.digestType;
      b.set(v.digest, 1);
      return b;
    }
    case 'protocolVersion':
      return Uint8Array.of(v.version, v.revision);
    case 'circuitErrors': {
      const b = new Uint8Array(2 + 4 * v.counters.length);
      put16(b, 0, v.reserved);
      v.counters.forEach((c, i) => put32(b, 2 + 4 * i, c));
      return b;
    }
    case 'extendedVendorId': {
      const b = new Uint8Array(6 + v.value.length);
      put32(b, 0, v.vendorId);
      put16(b, 4, v.attributeType);
      b.set(v.value, 6);
      return b;
    }
  }
}

/** Readable form for the decode CLI and reports (tshark-like). */
export function formatAvpValue(v: AvpValue): string | number | boolean | (string | number)[] {
  switch (v.kind) {
    case 'u16':
    case 'u32':
      return v.value;
    case 'u64':
      return v.value.toString();
    case 'ascii':
      return v.value;
    case 'octets':
    case 'opaque':
      return hexColon(v.value);
    case 'resultCode':
      return [v.result, ...(v.error !== undefined ? [v.error] : []), ...(v.message !== undefined ? [v.message] : [])];
    case 'pwCapabilities':
      return v.value;
    case 'messageDigest':
      return `${v.digestType === 0 ? 'HMAC-MD5' : 'HMAC-SHA-1'} ${hexColon(v.digest)}`;
    case 'protocolVersion':
      return `${v.version}.${v.revision}`;
    case 'circuitErrors':
      return v.counters;
    case 'extendedVendorId':
      return `vendor ${v.vendorId} type ${v.attributeType} ${hexColon(v.value)}`;
  }
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexColon(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (i ? ':' : '') + HEX_BYTE[b[i]];
  return s;
}

export { avpTypeInfo };
