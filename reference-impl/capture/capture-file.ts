// Capture files, pure: pcap (libpcap format) and pcapng, read from and written to bytes.
// Formats: https://www.tcpdump.org/manpages/pcap-savefile.5.html and the pcapng draft
// (draft-ietf-opsawg-pcapng). Reading never throws on bad bytes except CaptureFileError,
// which names the offset, so the CLI can print "FILE: offset N: what".
import { plainBytes } from '../l2tpv3/wire.ts';

/** Link-layer header types (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0, // BSD loopback, host-endian AF_ value
  ETHERNET: 1,
  RAW: 101, // raw IPv4/IPv6
  LOOP: 108, // OpenBSD loopback, network-endian AF_ value
  LINUX_SLL: 113,
  LINUX_SLL2: 276,
} as const;

export interface CaptureRecord {
  /** Microseconds since the Unix epoch (exact in a double until the year 2255). */
  timestampUs: number;
  data: Uint8Array;
  /** Length on the wire, when larger than the captured data. */
  originalLength?: number;
  /** pcapng: index of the interface; each interface has its own link type. */
  interfaceId?: number;
}

export interface CaptureFile {
  format: 'pcap' | 'pcapng';
  /** Link type of each interface (pcap has exactly one). */
  linkTypes: number[];
  records: CaptureRecord[];
}

export class CaptureFileError extends Error {
  constructor(readonly offset: number, readonly what: string) {
    super(`offset ${offset}: ${what}`);
  }
}

// Magic numbers (pcap-savefile(5); pcapng draft §4.1), shared with capture-chunk-reader.ts.
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_BOM = 0x1a2b3c4d;

export function readCaptureFile(input: Uint8Array): CaptureFile {
  const b = plainBytes(input); // records are views into the file: keep them plain Uint8Arrays
  if (b.length < 4) throw new CaptureFileError(0, `${b.length} octets, too short for a capture file header`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const be = dv.getUint32(0, false);
  if (be === PCAPNG_SHB) return readPcapng(b, dv);
  for (const little of [false, true]) {
    const m = dv.getUint32(0, little);
    if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) return readPcap(b, dv, little, m === PCAP_MAGIC_NS);
  }
  throw new CaptureFileError(0, `unknown magic number 0x${be.toString(16).padStart(8, '0')} (not pcap or pcapng)`);
}

function readPcap(b: Uint8Array, dv: DataView, little: boolean, nano: boolean): CaptureFile {
  if (b.length < 24) throw new CaptureFileError(0, `pcap header cut short (${b.length} of 24 octets)`);
  const linkType = dv.getUint32(20, little) & 0x0fffffff; // upper bits: FCS flags
  const records: CaptureRecord[] = [];
  let o = 24;
  while (o < b.length) {
    if (b.length - o < 16) throw new CaptureFileError(o, `record header cut short (${b.length - o} of 16 octets)`);
    const sec = dv.getUint32(o, little);
    const frac = dv.getUint32(o + 4, little);
    const incl = dv.getUint32(o + 8, little);
    const orig = dv.getUint32(o + 12, little);
    if (incl > 0x4000000) throw new CaptureFileError(o + 8, `captured length ${incl} is implausible`);
    if (o + 16 + incl > b.length) throw new CaptureFileError(o, `record of ${incl} octets runs past the end of the file (${b.length - o - 16} left)`);
    records.push({
      timestampUs: sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
      data: b.subarray(o + 16, o + 16 + incl),
      ...(orig > incl ? { originalLength: orig } : {}),
    });
    o += 16 + incl;
  }
  return { format: 'pcap', linkTypes: [linkType], records };
}

function readPcapng(b: Uint8Array, dv: DataView): CaptureFile {
  const linkTypes: number[] = [];
  const tsResolution: number[] = []; // units per second for each interface of the current section
  const records: CaptureRecord[] = [];
  let little = true;
  let ifBase = 0; // interface ids restart in each section
  let o = 0;
  while (o < b.length) {
    if (b.length - o < 12) throw new CaptureFileError(o, `block header cut short (${b.length - o} octets)`);
    const typeBe = dv.getUint32(o, false);
    if (typeBe === PCAPNG_SHB) {
      if (b.length - o < 16) throw new CaptureFileError(o, 'section header block cut short');
      const bom = dv.getUint32(o + 8, true);
      if (bom === PCAPNG_BOM) little = true;
      else if (dv.getUint32(o + 8, false) === PCAPNG_BOM) little = false;
      else throw new CaptureFileError(o + 8, 'bad byte-order magic in section header block');
      ifBase = linkTypes.length;
    }
    const type = dv.getUint32(o, little);
    const len = dv.getUint32(o + 4, little);
    if (len < 12 || len % 4 !== 0) throw new CaptureFileError(o + 4, `block length ${len} is not a multiple of 4 of at least 12`);
    if (o + len > b.length) throw new CaptureFileError(o, `block of ${len} octets runs past the end of the file (${b.length - o} left)`);
    if (dv.getUint32(o + len - 4, little) !== len) throw new CaptureFileError(o + len - 4, 'trailing block length differs from the leading one');
    switch (type) {
      case 1: { // Interface Description Block
        linkTypes.push(dv.getUint16(o + 8, little));
        tsResolution.push(readTsResol(b, dv, o + 16, o + len - 4, little));
        break;
      }
      case 6: { // Enhanced Packet Block
        if (len < 32) throw new CaptureFileError(o, 'enhanced packet block cut short');
        const iface = ifBase + dv.getUint32(o + 8, little);
        if (iface >= linkTypes.length) throw new CaptureFileError(o + 8, `packet names interface ${iface - ifBase}, which no interface block declared`);
        const ts = dv.getUint32(o + 12, little) * 2 ** 32 + dv.getUint32(o + 16, little);
        const incl = dv.getUint32(o + 20, little);
        const orig = dv.getUint32(o + 24, little);
        if (28 + incl > len - 4) throw new CaptureFileError(o + 20, `captured length ${incl} runs past its block`);
        const res = tsResolution[iface];
        records.push({
          timestampUs: res === 1e6 ? ts : Math.floor((ts * 1e6) / res),
          data: b.subarray(o + 28, o + 28 + incl),
          interfaceId: iface,
          ...(orig > incl ? { originalLength: orig } : {}),
        });
        break;
      }
      case 3: { // Simple Packet Block: interface 0, no timestamp
        if (linkTypes.length <= ifBase) throw new CaptureFileError(o, 'simple packet block before any interface block');
        const orig = dv.getUint32(o + 8, little);
        const incl = Math.min(orig, len - 16);
        records.push({ timestampUs: 0, data: b.subarray(o + 12, o + 12 + incl), interfaceId: ifBase });
        break;
      }
      default: // section header, statistics, name resolution, custom...: nothing we need
        break;
    }
    o += len;
  }
  if (linkTypes.length === 0) throw new CaptureFileError(0, 'pcapng file without an interface description block');
  return { format: 'pcapng', linkTypes, records };
}

/** if_tsresol option (code 9): units per second; default microseconds. */
export function readTsResol(b: Uint8Array, dv: DataView, start: number, end: number, little: boolean): number {
  for (let o = start; o + 4 <= end; ) {
    const code = dv.getUint16(o, little);
    const len = dv.getUint16(o + 2, little);
    if (code === 0) break;
    if (code === 9 && len >= 1) {
      const v = b[o + 4];
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
    }
    o += 4 + ((len + 3) & ~3);
  }
  return 1e6;
}

export function writePcap(records: readonly CaptureRecord[], linkType: number, snapLength = 262144): Uint8Array {
  let size = 24;
  for (const r of records) size += 16 + r.data.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, PCAP_MAGIC_US, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, snapLength, true);
  dv.setUint32(20, linkType, true);
  let o = 24;
  for (const r of records) {
    dv.setUint32(o, Math.floor(r.timestampUs / 1e6), true);
    dv.setUint32(o + 4, r.timestampUs % 1e6, true);
    dv.setUint32(o + 8, r.data.length, true);
    dv.setUint32(o + 12, r.originalLength ?? r.data.length, true);
    out.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return out;
}

/** pcapng with one section; one interface per link type given (records pick with interfaceId). */
export function writePcapng(records: readonly CaptureRecord[], linkTypes: number | readonly number[]): Uint8Array {
  const ifaces = typeof linkTypes === 'number' ? [linkTypes] : linkTypes;
  const pad = (n: number): number => (n + 3) & ~3;
  let size = 28 + ifaces.length * 20;
  for (const r of records) size += 32 + pad(r.data.length);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let o = 0;
  const block = (type: number, len: number): void => {
    dv.setUint32(o, type, true);
    dv.setUint32(o + 4, len, true);
    dv.setUint32(o + len - 4, len, true);
  };
  block(PCAPNG_SHB, 28);
  dv.setUint32(8, PCAPNG_BOM, true);
  dv.setUint16(12, 1, true);
  dv.setUint16(14, 0, true);
  dv.setBigInt64(16, -1n, true); // section length unknown
  o = 28;
  for (const lt of ifaces) {
    block(1, 20);
    dv.setUint16(o + 8, lt, true);
    dv.setUint32(o + 12, 262144, true);
    o += 20;
  }
  for (const r of records) {
    const len = 32 + pad(r.data.length);
    block(6, len);
    dv.setUint32(o + 8, r.interfaceId ?? 0, true);
    dv.setUint32(o + 12, Math.floor(r.timestampUs / 2 ** 32), true);
    dv.setUint32(o + 16, r.timestampUs % 2 ** 32, true);
    dv.setUint32(o + 20, r.data.length, true);
    dv.setUint32(o + 24, r.originalLength ?? r.data.length, true);
    out.set(r.data, o + 28);
    o += len;
  }
  return out;
}
