// Bytes -> config text, or one clear refusal naming the byte offset: a config is text, so a
// binary file (an image, a firmware, a pcap) is refused once instead of being read as nine
// "unterminated double quote" lines.
//
// RTX configs are UTF-8 or ASCII when `console character` is en.ascii/ja.utf8, and Shift_JIS when
// a router with `console character ja.sjis` saved one with Japanese descriptions (facts §2.1 RT1
// uses ja.sjis; §3.3 lists the character sets), so valid Shift_JIS is text too.

export type DecodedConfig =
  | { ok: true; text: string; encoding: 'utf-8' | 'shift_jis' }
  | { ok: false; /** 0-based offset of the first byte that is not text */ offset: number; reason: string };

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i + k < bytes.length ? i + k : i;
    }
    // overlong 3/4-byte forms, surrogates and values above U+10FFFF
    const c1 = bytes[i + 1];
    if ((b === 0xe0 && c1 < 0xa0) || (b === 0xed && c1 > 0x9f) || (b === 0xf0 && c1 < 0x90) || (b === 0xf4 && c1 > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/** A control byte that has no place in a config (tab, LF and CR are fine). */
function firstControlByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return i;
  }
  return -1;
}

export function decodeConfigBytes(bytes: Uint8Array): DecodedConfig {
  const control = firstControlByte(bytes);
  if (control >= 0) {
    const b = bytes[control];
    return { ok: false, offset: control, reason: `${b === 0 ? 'NUL byte' : `control byte ${hex(b)}`} at byte offset ${control}` };
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = bytes.subarray(bom);
  const bad = firstInvalidUtf8(body);
  if (bad < 0) return { ok: true, text: new TextDecoder('utf-8').decode(body), encoding: 'utf-8' };
  try {
    return { ok: true, text: new TextDecoder('shift_jis', { fatal: true }).decode(bytes), encoding: 'shift_jis' };
  } catch {
    const offset = bad + bom;
    return { ok: false, offset, reason: `byte ${hex(bytes[offset])} at byte offset ${offset} is neither UTF-8 nor Shift_JIS text` };
  }
}
