// The I/O around `decode`'s pure pipeline (reference-impl/capture/decode-pipeline.ts): the file
// is read in fixed-size chunks (stdin as it arrives), each chunk's output is written before the next is read (so a
// slow reader downstream holds the decoder back instead of growing a queue), and a reader that
// goes away (`decode big.pcap | head -2`: EPIPE) ends the run quietly.
import { fstatSync, readSync } from 'node:fs';
import type { Writable } from 'node:stream';
import type { DecodePipeline, LayoutGuess } from '../reference-impl/capture/decode-pipeline.ts';
import { MAX_GUESS_NOTES } from '../reference-impl/capture/decode-pipeline.ts';

/** Octets read at a time: large enough that system calls do not matter, small next to memory. */
export const DECODE_CHUNK_BYTES = 1 << 20;

export type StreamOutcome =
  /** The whole file was decoded and written. */
  | 'done'
  /** The output was closed by its reader (EPIPE): nothing more to do. */
  | 'output-closed';

export interface StreamIo {
  out: Writable;
  /** One diagnostic line (no newline): the guessed-layout notes. */
  note: (line: string) => void;
}

/** The file's length when it is a regular file (the reader then reports a cut record at once). */
export function regularFileSize(fd: number): number | undefined {
  const st = fstatSync(fd);
  return st.isFile() ? st.size : undefined;
}

/** The file's octets in fixed-size chunks, each in a fresh buffer (the reader keeps a view of the last one's unread tail). */
export function* fileChunks(fd: number, size = DECODE_CHUNK_BYTES): Generator<Uint8Array> {
  for (;;) {
    const chunk = new Uint8Array(size);
    const n = readSync(fd, chunk, 0, size, null);
    if (n === 0) return;
    yield chunk.subarray(0, n);
  }
}

/**
 * Streams the chunks of a capture (fileChunks, or stdin) through `pipeline`; one chunk's output
 * is written before the next chunk is read. Throws CaptureFileError (bad capture bytes) and
 * write errors other than EPIPE; the caller maps them to exit codes.
 */
export async function streamDecode(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, pipeline: DecodePipeline, io: StreamIo): Promise<StreamOutcome> {
  const sink = new Sink(io.out);
  try {
    for await (const chunk of chunks) {
      // Written (callback seen) before the next push() reuses the output buffer.
      if (!(await emit(pipeline.push(chunk), pipeline, sink, io))) return 'output-closed';
    }
    if (!(await emit(pipeline.end(), pipeline, sink, io))) return 'output-closed';
    if (pipeline.moreGuesses) io.note(`note: more than ${MAX_GUESS_NOTES} sessions were decoded with a guessed layout; the rest are not listed (JSON output marks each packet)`);
    return 'done';
  } finally {
    sink.close();
  }
}

async function emit(bytes: Uint8Array, pipeline: DecodePipeline, sink: Sink, io: StreamIo): Promise<boolean> {
  for (const g of pipeline.takeGuesses()) io.note(guessNote(g));
  return bytes.length === 0 || sink.write(bytes);
}

/** One line per guessed session: which session, which layout, and how to set it. */
export function guessNote(g: LayoutGuess): string {
  const cookie = g.layout.cookieLength === 0 ? 'no cookie' : `${g.layout.cookieLength}-octet cookie`;
  const l2ss = g.layout.l2ss === 'default' ? 'Default L2-Specific Sublayer' : 'no L2-Specific Sublayer';
  return `note: session 0x${g.sessionId.toString(16).padStart(8, '0')} (data to ${g.to}): no control message in the capture gives its data layout; ` +
    `guessed ${cookie}, ${l2ss} (set it with --cookie-size and --l2ss)`;
}

/** Writes with the stream's own backpressure; EPIPE (or any close by the reader) ends it quietly. */
class Sink {
  private closed = false;
  private failure: Error | undefined;
  private readonly onError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
    else this.failure = e;
  };

  constructor(private readonly out: Writable) {
    out.on('error', this.onError);
  }

  /** false once the reader has gone away. */
  write(bytes: Uint8Array): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.out.write(bytes, (err) => {
        if (!err) return resolve(!this.closed);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') {
          this.closed = true;
          resolve(false);
        } else reject(err);
      });
    });
  }

  close(): void {
    // After an EPIPE the listener stays: a late error from the dead stream must not be uncaught.
    if (!this.closed) this.out.off('error', this.onError);
  }
}
