// A reusable byte buffer that output text is written into as UTF-8, piece by piece (numbers,
// hex, cached names), without building a JavaScript string per line: on captures of hundreds of
// thousands of packets the strings, not the decoding, were most of the time (garbage collection
// of the intermediate pieces). What is written is exactly the UTF-8 encoding of the text a
// string-building formatter would produce (tests/cli/decode-output.spec.ts compares them).

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const COLON = 0x3a;

/** The UTF-8 octets of a string, encoded once (for constant and cached pieces). */
export function utf8(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf8'));
}

export class OutputBytes {
  private buf: Buffer;
  length = 0;

  constructor(initial = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  /** What was written since the last take(), as a view valid until the next write. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.length);
    this.length = 0;
    return out;
  }

  /** The written octets as text (tests). */
  toString(): string {
    return this.buf.toString('utf8', 0, this.length);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.length++] = c;
  }

  /** Short constant pieces: a loop, cheaper than TypedArray.set at these sizes. */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    let o = this.length;
    for (let i = 0; i < n; i++) buf[o++] = b[i];
    this.length = o;
  }

  /** src[s, e) as it is. */
  range(src: Uint8Array, s: number, e: number): void {
    this.room(e - s);
    const buf = this.buf;
    let o = this.length;
    for (let i = s; i < e; i++) buf[o++] = src[i];
    this.length = o;
  }

  /** Any string, UTF-8 encoded (as process.stdout.write(string) would). */
  text(s: string): void {
    this.room(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** A non-negative integer below 2**53 in decimal (String(v)). */
  uint(v: number): void {
    if (v > Number.MAX_SAFE_INTEGER) {
      this.text(String(v)); // a garbage timestamp: String's own form (exponent and all)
      return;
    }
    if (v < 10) {
      this.byte(0x30 + v);
      return;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    this.room(digits);
    let at = this.length + digits;
    for (let x = v; at > this.length; x = Math.floor(x / 10)) this.buf[--at] = 0x30 + (x % 10);
    this.length += digits;
  }

  /** Two lower-case hex digits. */
  hex2(v: number): void {
    this.room(2);
    this.buf[this.length++] = HEX_DIGITS[v >> 4];
    this.buf[this.length++] = HEX_DIGITS[v & 0x0f];
  }

  /** `0x` and 8 hex digits (toString(16).padStart(8, '0')). */
  hex8(v: number): void {
    this.room(10);
    const b = this.buf;
    let o = this.length;
    b[o++] = 0x30;
    b[o++] = 0x78;
    for (let shift = 28; shift >= 0; shift -= 4) b[o++] = HEX_DIGITS[(v >>> shift) & 0x0f];
    this.length = o;
  }

  /** hexColon of src[s, e): `aa:bb:cc`. */
  hexColon(src: Uint8Array, s: number, e: number): void {
    if (e <= s) return;
    this.room((e - s) * 3);
    const b = this.buf;
    let o = this.length;
    for (let i = s; i < e; i++) {
      if (i !== s) b[o++] = COLON;
      b[o++] = HEX_DIGITS[src[i] >> 4];
      b[o++] = HEX_DIGITS[src[i] & 0x0f];
    }
    this.length = o;
  }
}
