// The records of a pcap or pcapng file, one at a time, without an object per record: the
// fast decoder's input (fast-decoder.ts). It accepts and rejects exactly what readCaptureFile
// (capture-file.ts) does, with the same CaptureFileError offsets and texts, but reports a bad
// record when it reaches it, not before the first one. Timestamps are not read: nothing the
// fast decoder extracts needs them (readCaptureFile gives them when wanted).
import { CaptureFileError } from './capture-file.ts';

// The same magic numbers as capture-file.ts (pcap-savefile(5), pcapng draft §4.1).
const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

export class CaptureRecordWalker {
  /** 1-based number of the current record, as tshark numbers frames. */
  recordNumber = 0;
  /** The current record's octets are bytes[frameStart, frameEnd). */
  frameStart = 0;
  frameEnd = 0;
  linkType = 0;
  readonly format: 'pcap' | 'pcapng';
  private readonly dv: DataView;
  private little = true;
  private o = 0;
  /** pcapng: link type per interface, interface ids restarting in each section. */
  private readonly linkTypes: number[] = [];
  private ifBase = 0;

  constructor(readonly bytes: Uint8Array) {
    const b = bytes;
    if (b.length < 4) throw new CaptureFileError(0, `${b.length} octets, too short for a capture file header`);
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const be = this.dv.getUint32(0, false);
    if (be === PCAPNG_SHB) {
      this.format = 'pcapng';
      return;
    }
    this.format = 'pcap';
    for (const little of [false, true]) {
      const m = this.dv.getUint32(0, little);
      if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) {
        if (b.length < 24) throw new CaptureFileError(0, `pcap header cut short (${b.length} of 24 octets)`);
        this.little = little;
        this.linkType = this.dv.getUint32(20, little) & 0x0fffffff; // upper bits: FCS flags
        this.o = 24;
        return;
      }
    }
    throw new CaptureFileError(0, `unknown magic number 0x${be.toString(16).padStart(8, '0')} (not pcap or pcapng)`);
  }

  /** Moves to the next record; false at the end of the file. Throws CaptureFileError on bad bytes. */
  next(): boolean {
    return this.format === 'pcap' ? this.nextPcap() : this.nextPcapng();
  }

  private nextPcap(): boolean {
    const b = this.bytes;
    const o = this.o;
    if (o >= b.length) return false;
    if (b.length - o < 16) throw new CaptureFileError(o, `record header cut short (${b.length - o} of 16 octets)`);
    const incl = this.dv.getUint32(o + 8, this.little);
    if (incl > 0x4000000) throw new CaptureFileError(o + 8, `captured length ${incl} is implausible`);
    if (o + 16 + incl > b.length) throw new CaptureFileError(o, `record of ${incl} octets runs past the end of the file (${b.length - o - 16} left)`);
    this.frameStart = o + 16;
    this.frameEnd = o + 16 + incl;
    this.o = this.frameEnd;
    this.recordNumber++;
    return true;
  }

  private nextPcapng(): boolean {
    const b = this.bytes;
    const dv = this.dv;
    while (this.o < b.length) {
      const o = this.o;
      if (b.length - o < 12) throw new CaptureFileError(o, `block header cut short (${b.length - o} octets)`);
      if (dv.getUint32(o, false) === PCAPNG_SHB) {
        if (b.length - o < 16) throw new CaptureFileError(o, 'section header block cut short');
        if (dv.getUint32(o + 8, true) === PCAPNG_BOM) this.little = true;
        else if (dv.getUint32(o + 8, false) === PCAPNG_BOM) this.little = false;
        else throw new CaptureFileError(o + 8, 'bad byte-order magic in section header block');
        this.ifBase = this.linkTypes.length;
      }
      const little = this.little;
      const type = dv.getUint32(o, little);
      const len = dv.getUint32(o + 4, little);
      if (len < 12 || len % 4 !== 0) throw new CaptureFileError(o + 4, `block length ${len} is not a multiple of 4 of at least 12`);
      if (o + len > b.length) throw new CaptureFileError(o, `block of ${len} octets runs past the end of the file (${b.length - o} left)`);
      if (dv.getUint32(o + len - 4, little) !== len) throw new CaptureFileError(o + len - 4, 'trailing block length differs from the leading one');
      this.o = o + len;
      if (type === 1) { // Interface Description Block
        this.linkTypes.push(dv.getUint16(o + 8, little));
      } else if (type === 6) { // Enhanced Packet Block
        if (len < 32) throw new CaptureFileError(o, 'enhanced packet block cut short');
        const iface = this.ifBase + dv.getUint32(o + 8, little);
        if (iface >= this.linkTypes.length) throw new CaptureFileError(o + 8, `packet names interface ${iface - this.ifBase}, which no interface block declared`);
        const incl = dv.getUint32(o + 20, little);
        if (28 + incl > len - 4) throw new CaptureFileError(o + 20, `captured length ${incl} runs past its block`);
        return this.record(this.linkTypes[iface], o + 28, o + 28 + incl);
      } else if (type === 3) { // Simple Packet Block: interface 0 of the section
        if (this.linkTypes.length <= this.ifBase) throw new CaptureFileError(o, 'simple packet block before any interface block');
        const incl = Math.min(dv.getUint32(o + 8, little), len - 16);
        return this.record(this.linkTypes[this.ifBase], o + 12, o + 12 + incl);
      }
    }
    if (this.linkTypes.length === 0) throw new CaptureFileError(0, 'pcapng file without an interface description block');
    return false;
  }

  private record(linkType: number, start: number, end: number): boolean {
    this.linkType = linkType;
    this.frameStart = start;
    this.frameEnd = Math.max(start, end); // a simple packet block shorter than its header holds nothing
    this.recordNumber++;
    return true;
  }
}
