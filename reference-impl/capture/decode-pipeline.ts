// `decode`'s pipeline without the I/O: chunks of a capture file in, output text out.
//   chunk -> CaptureChunkReader (records) -> frame stages -> FastRecordDecoder -> FastPacketFormatter
// Memory stays bounded whatever the file's size: the reader holds less than one record besides
// the newest chunk, the decoder's state grows with sessions and endpoints, not packets, and the
// guessed-layout notes are capped. The frame stages are the hook for frame rewriting before
// L2TPv3 decoding (e.g. ESP decryption with a run's keys: reference-impl/ipsec/).
import type { DataLayout } from '../l2tpv3/data-message.ts';
import { CaptureChunkReader } from './capture-chunk-reader.ts';
import { FastRecordDecoder, type FastDecodeOptions } from './fast-decoder.ts';
import { FastPacketFormatter } from './fast-format.ts';
import type { FastPacket } from './fast-packet.ts';
import { formatIpv4, formatIpv6 } from './ip.ts';
import { OutputBytes } from './output-bytes.ts';

/** One captured frame: bytes[start, end) of the given link type (capture-file.ts LINKTYPE). */
export interface CapturedFrame {
  bytes: Uint8Array;
  start: number;
  end: number;
  linkType: number;
  /** 1-based record number in the file: what `decode` prints as the frame number. */
  frame: number;
  timestampUs: number;
}

/**
 * A stage between the capture reader and the L2TPv3 decoder. It sees every captured frame in
 * file order and returns the frame to decode: the same one (most frames), another one (e.g. the
 * inner packet of an ESP frame, decrypted into a buffer of its own, same frame number), or null
 * to leave the frame out. The frame's bytes are valid only during the call: a stage that keeps
 * state across frames (keys, sequence numbers) copies what it keeps. Pure code only.
 */
export interface FrameStage {
  readonly name: string;
  process(frame: CapturedFrame): CapturedFrame | null;
  /**
   * Output lines of the stage's own about the frame it last processed (e.g. the ESP header and
   * whether it decrypted), text or JSON like the packet lines; printed before the frame's
   * L2TPv3 line. Taken once: the next call returns [] until process() runs again.
   */
  notes?(json: boolean): string[];
}

export interface DecodePipelineOptions extends FastDecodeOptions {
  /** One JSON object per packet instead of the text line. */
  json?: boolean;
  /** The file's length when known (CaptureChunkReader: a record claiming more is reported at once). */
  fileSize?: number;
  /** Applied in order to every frame before decoding. */
  stages?: readonly FrameStage[];
}

/** A data session decoded with a guessed layout (no control exchange announced it, no option set it). */
export interface LayoutGuess {
  sessionId: number;
  /** The address the data was sent to (Session IDs are chosen by the receiver). */
  to: string;
  layout: DataLayout;
}

/** Guessed sessions listed one by one; beyond that a capture gets one summary flag. */
export const MAX_GUESS_NOTES = 16;

export class DecodePipeline {
  readonly reader: CaptureChunkReader;
  private readonly decoder: FastRecordDecoder;
  private readonly formatter: FastPacketFormatter;
  private readonly json: boolean;
  private readonly stages: readonly FrameStage[];
  /** Sessions noted as guessed (key: session ID and destination), at most MAX_GUESS_NOTES. */
  private readonly guessed = new Set<string>();
  private readonly newGuesses: LayoutGuess[] = [];
  /** More sessions were guessed than MAX_GUESS_NOTES. */
  moreGuesses = false;
  /** L2TPv3 packets written so far. */
  packets = 0;
  private readonly out = new OutputBytes();
  private readonly frame: CapturedFrame = { bytes: new Uint8Array(0), start: 0, end: 0, linkType: 0, frame: 0, timestampUs: 0 };

  constructor(opts: DecodePipelineOptions = {}) {
    this.reader = new CaptureChunkReader({ fileSize: opts.fileSize });
    this.decoder = new FastRecordDecoder(opts);
    this.formatter = new FastPacketFormatter({ secret: opts.secret });
    this.json = opts.json ?? false;
    this.stages = opts.stages ?? [];
  }

  /**
   * The output (UTF-8 lines, each ending in a newline) of the records this chunk completes: a
   * view valid until the next push() or end(). Throws CaptureFileError.
   */
  push(chunk: Uint8Array): Uint8Array {
    this.reader.push(chunk);
    return this.drain();
  }

  /** The input is over: the lines of what was left (as push()). Throws CaptureFileError on a cut record. */
  end(): Uint8Array {
    this.reader.end();
    return this.drain();
  }

  /** Guessed sessions first seen since the last call. */
  takeGuesses(): LayoutGuess[] {
    return this.newGuesses.splice(0);
  }

  private drain(): Uint8Array {
    const r = this.reader;
    const d = this.decoder;
    const out = this.out;
    while (r.next()) {
      let ok: boolean;
      if (this.stages.length === 0) {
        ok = d.decode(r.bytes, r.frameStart, r.frameEnd, r.linkType, r.recordNumber, r.timestampUs);
      } else {
        const f = this.staged();
        for (const st of this.stages) {
          if (!st.notes) continue;
          for (const line of st.notes(this.json)) {
            out.text(line);
            out.byte(0x0a);
          }
        }
        ok = f !== null && d.decode(f.bytes, f.start, f.end, f.linkType, f.frame, f.timestampUs);
      }
      if (!ok) continue;
      const p = d.packet;
      if (p.layoutGuessed) this.noteGuess(p);
      if (this.json) this.formatter.json(p, out);
      else this.formatter.text(p, out);
      out.byte(0x0a);
      this.packets++;
    }
    return out.take();
  }

  private staged(): CapturedFrame | null {
    const r = this.reader;
    let f: CapturedFrame | null = this.frame;
    f.bytes = r.bytes;
    f.start = r.frameStart;
    f.end = r.frameEnd;
    f.linkType = r.linkType;
    f.frame = r.recordNumber;
    f.timestampUs = r.timestampUs;
    for (const s of this.stages) {
      f = s.process(f);
      if (f === null) return null;
    }
    return f;
  }

  private noteGuess(p: FastPacket): void {
    if (this.moreGuesses) return;
    const to = p.ipVersion === 4 ? formatIpv4(p.bytes, p.dstAddressOffset) : formatIpv6(p.bytes, p.dstAddressOffset);
    const key = `${p.sessionId} ${to}`;
    if (this.guessed.has(key)) return;
    if (this.guessed.size >= MAX_GUESS_NOTES) {
      this.moreGuesses = true;
      return;
    }
    this.guessed.add(key);
    this.newGuesses.push({ sessionId: p.sessionId, to, layout: { cookieLength: p.cookieLength as DataLayout['cookieLength'], l2ss: p.hasL2ss ? 'default' : 'none' } });
  }
}
