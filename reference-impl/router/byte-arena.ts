// Bump allocation of short-lived byte arrays for the per-frame path (one data message per frame).
// Why: a fresh Uint8Array above V8's on-heap limit (64 octets) gets its own ArrayBuffer and
// backing store, costly to make and to collect at tens of thousands per second; a view into a
// shared chunk is not. Memory is never reused: a chunk is dropped when full and freed by the GC
// once no view into it is alive (a socket may still be sending from one), so a view handed out
// stays valid for as long as anyone holds it.

/** Chunk size: many frames per chunk, small enough that a few live views pin little memory. */
const CHUNK = 64 * 1024;
/** Larger requests get an array of their own (jumbo frames would waste chunk space). */
const LARGEST_IN_CHUNK = 2048;

export class ByteArena {
  private chunk = new Uint8Array(CHUNK);
  private used = 0;

  /** `n` octets, zero-filled only if they come from a new array (callers write every octet). */
  take(n: number): Uint8Array {
    if (n > LARGEST_IN_CHUNK) return new Uint8Array(n);
    if (this.used + n > CHUNK) {
      this.chunk = new Uint8Array(CHUNK);
      this.used = 0;
    }
    const v = this.chunk.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }
}
