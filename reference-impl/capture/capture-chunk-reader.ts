// The records of a pcap or pcapng file, read from chunks of its bytes as they arrive, one record
// at a time and without an object per record: the input of the fast decoder (fast-decoder.ts)
// and of the streaming `decode`. Pure: the caller reads the file and pushes the chunks. It holds
// at most the unread tail of the previous chunk (less than one record) plus the newest chunk, so
// memory does not grow with the file (`maxHeld` records the high-water mark, for tests).
// It accepts and rejects exactly what readCaptureFile (capture-file.ts) does, with the same
// CaptureFileError offsets and texts, but reports a bad record when it reaches it.
import { CaptureFileError, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAPNG_BOM, PCAPNG_SHB, readTsResol } from './capture-file.ts';

/** Largest captured length readCaptureFile accepts in a pcap record (beyond it: "implausible"). */
const PCAP_MAX_CAPTURED = 0x4000000;

export interface ChunkReaderOptions {
  /**
   * The file's total length when known (a regular file): a record or block claiming to run past
   * it is reported at once instead of being buffered until the end of the input.
   */
  fileSize?: number;
}

export class CaptureChunkReader {
  /** 1-based number of the current record, as tshark numbers frames. */
  recordNumber = 0;
  /** The current record's octets are bytes[frameStart, frameEnd); valid until the next push(). */
  bytes: Uint8Array = new Uint8Array(0);
  frameStart = 0;
  frameEnd = 0;
  linkType = 0;
  /** Microseconds since the Unix epoch (as readCaptureFile's CaptureRecord.timestampUs). */
  timestampUs = 0;
  format: 'pcap' | 'pcapng' | undefined;
  /** The most octets held at once (unread tail + newest chunk). */
  maxHeld = 0;

  private buf: Uint8Array = new Uint8Array(0);
  private dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** File offset of buf[0]. */
  private base = 0;
  /** Next unread octet in buf. */
  private pos = 0;
  private ended = false;
  private little = true;
  private nano = false;
  /** pcapng: link type and timestamp units per second of each interface; ids restart per section. */
  private readonly linkTypes: number[] = [];
  private readonly tsResolution: number[] = [];
  private ifBase = 0;
  private readonly fileSize: number | undefined;

  constructor(opts: ChunkReaderOptions = {}) {
    this.fileSize = opts.fileSize;
  }

  /** The next octets of the file. Views handed out earlier (bytes) stay valid only until then. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CaptureChunkReader: push() after end()');
    if (chunk.length === 0) return;
    const rest = this.buf.length - this.pos;
    let next: Uint8Array;
    if (rest === 0) {
      next = chunk;
    } else {
      // The unread tail is less than one record: copy it in front of the new chunk.
      next = new Uint8Array(rest + chunk.length);
      next.set(this.buf.subarray(this.pos), 0);
      next.set(chunk, rest);
    }
    this.base += this.pos;
    this.pos = 0;
    this.setBuffer(next);
  }

  /** No more octets will come: what is left must be whole records, or next() throws. */
  end(): void {
    this.ended = true;
  }

  /**
   * Moves to the next record: true when there is one; false when more input is needed (after
   * end(): when the file is over). Throws CaptureFileError on bad bytes.
   */
  next(): boolean {
    if (this.format === undefined && !this.readFileHeader()) return false;
    return this.format === 'pcap' ? this.nextPcap() : this.nextPcapng();
  }

  private setBuffer(b: Uint8Array): void {
    this.buf = b;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (b.length > this.maxHeld) this.maxHeld = b.length;
  }

  /** Unread octets held (from file offset base + pos). */
  private get avail(): number {
    return this.buf.length - this.pos;
  }

  /** What readCaptureFile calls b.length: the file's length, known at the end (or up front). */
  private get total(): number | undefined {
    return this.ended ? this.base + this.buf.length : this.fileSize;
  }

  private readFileHeader(): boolean {
    const n = this.avail;
    if (n < 24 && !this.ended) return false; // every format's header fits in 24 octets
    if (n < 4) throw new CaptureFileError(0, `${n} octets, too short for a capture file header`);
    const dv = this.dv;
    const be = dv.getUint32(0, false);
    if (be === PCAPNG_SHB) {
      this.format = 'pcapng';
      return true;
    }
    for (const little of [false, true]) {
      const m = dv.getUint32(0, little);
      if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS) {
        if (n < 24) throw new CaptureFileError(0, `pcap header cut short (${n} of 24 octets)`);
        this.little = little;
        this.nano = m === PCAP_MAGIC_NS;
        this.linkType = dv.getUint32(20, little) & 0x0fffffff; // upper bits: FCS flags
        this.pos = 24;
        this.format = 'pcap';
        return true;
      }
    }
    throw new CaptureFileError(0, `unknown magic number 0x${be.toString(16).padStart(8, '0')} (not pcap or pcapng)`);
  }

  private nextPcap(): boolean {
    const p = this.pos;
    const o = this.base + p; // file offset, for errors
    const n = this.avail;
    if (n === 0) return false;
    const total = this.total;
    if (n < 16) {
      if (!this.ended) return false;
      throw new CaptureFileError(o, `record header cut short (${n} of 16 octets)`);
    }
    const dv = this.dv;
    const little = this.little;
    const incl = dv.getUint32(p + 8, little);
    if (incl > PCAP_MAX_CAPTURED) throw new CaptureFileError(o + 8, `captured length ${incl} is implausible`);
    if (total !== undefined && o + 16 + incl > total) {
      throw new CaptureFileError(o, `record of ${incl} octets runs past the end of the file (${total - o - 16} left)`);
    }
    if (n < 16 + incl) return false;
    const frac = dv.getUint32(p + 4, little);
    this.timestampUs = dv.getUint32(p, little) * 1e6 + (this.nano ? Math.floor(frac / 1000) : frac);
    this.bytes = this.buf;
    this.frameStart = p + 16;
    this.frameEnd = p + 16 + incl;
    this.pos = this.frameEnd;
    this.recordNumber++;
    return true;
  }

  private nextPcapng(): boolean {
    for (;;) {
      const p = this.pos;
      const o = this.base + p;
      const n = this.avail;
      const total = this.total;
      if (n === 0) {
        if (this.ended && this.linkTypes.length === 0) throw new CaptureFileError(0, 'pcapng file without an interface description block');
        return false;
      }
      if (n < 12) {
        if (!this.ended) return false;
        throw new CaptureFileError(o, `block header cut short (${n} octets)`);
      }
      const dv = this.dv;
      if (dv.getUint32(p, false) === PCAPNG_SHB) {
        if (n < 16) {
          if (!this.ended) return false;
          throw new CaptureFileError(o, 'section header block cut short');
        }
        // Not yet committed: the block may still be incomplete and read again after the next push.
        let little: boolean;
        if (dv.getUint32(p + 8, true) === PCAPNG_BOM) little = true;
        else if (dv.getUint32(p + 8, false) === PCAPNG_BOM) little = false;
        else throw new CaptureFileError(o + 8, 'bad byte-order magic in section header block');
        this.little = little;
      }
      const little = this.little;
      const type = dv.getUint32(p, little);
      const len = dv.getUint32(p + 4, little);
      if (len < 12 || len % 4 !== 0) throw new CaptureFileError(o + 4, `block length ${len} is not a multiple of 4 of at least 12`);
      if (total !== undefined && o + len > total) throw new CaptureFileError(o, `block of ${len} octets runs past the end of the file (${total - o} left)`);
      if (n < len) {
        if (!this.ended) return false;
        throw new CaptureFileError(o, `block of ${len} octets runs past the end of the file (${n} left)`);
      }
      if (dv.getUint32(p + len - 4, little) !== len) throw new CaptureFileError(o + len - 4, 'trailing block length differs from the leading one');
      if (type === PCAPNG_SHB) this.ifBase = this.linkTypes.length;
      if (type === 1) { // Interface Description Block
        this.linkTypes.push(dv.getUint16(p + 8, little));
        this.tsResolution.push(readTsResol(this.buf, dv, p + 16, p + len - 4, little));
      } else if (type === 6) { // Enhanced Packet Block
        if (len < 32) throw new CaptureFileError(o, 'enhanced packet block cut short');
        const iface = this.ifBase + dv.getUint32(p + 8, little);
        if (iface >= this.linkTypes.length) throw new CaptureFileError(o + 8, `packet names interface ${iface - this.ifBase}, which no interface block declared`);
        const incl = dv.getUint32(p + 20, little);
        if (28 + incl > len - 4) throw new CaptureFileError(o + 20, `captured length ${incl} runs past its block`);
        const ts = dv.getUint32(p + 12, little) * 2 ** 32 + dv.getUint32(p + 16, little);
        const res = this.tsResolution[iface];
        this.pos = p + len;
        return this.record(this.linkTypes[iface], res === 1e6 ? ts : Math.floor((ts * 1e6) / res), p + 28, p + 28 + incl);
      } else if (type === 3) { // Simple Packet Block: interface 0 of the section, no timestamp
        if (this.linkTypes.length <= this.ifBase) throw new CaptureFileError(o, 'simple packet block before any interface block');
        const incl = Math.min(dv.getUint32(p + 8, little), len - 16);
        this.pos = p + len;
        return this.record(this.linkTypes[this.ifBase], 0, p + 12, p + 12 + incl);
      }
      this.pos = p + len; // section header, statistics, name resolution, custom...: nothing we need
    }
  }

  private record(linkType: number, timestampUs: number, start: number, end: number): boolean {
    this.linkType = linkType;
    this.timestampUs = timestampUs;
    this.bytes = this.buf;
    this.frameStart = start;
    this.frameEnd = Math.max(start, end); // a simple packet block shorter than its header holds nothing
    this.recordNumber++;
    return true;
  }
}
