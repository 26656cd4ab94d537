// Bytes on the wire for each `console character` (facts §3.3): en.ascii, ja.sjis (Shift_JIS),
// ja.euc (EUC-JP), ja.utf8. Node's TextDecoder decodes all of them; it only encodes UTF-8, so the
// Shift_JIS and EUC-JP encoders are the decoder's table read backwards, built once on first use.

import type { ConsoleCharacter } from './console-facts.ts';

const WHATWG_LABEL: Record<ConsoleCharacter, string> = {
  'en.ascii': 'utf-8',
  'ja.sjis': 'shift_jis',
  'ja.euc': 'euc-jp',
  'ja.utf8': 'utf-8',
};

const tables = new Map<ConsoleCharacter, Map<string, Uint8Array>>();

function reverseTable(character: 'ja.sjis' | 'ja.euc'): Map<string, Uint8Array> {
  const cached = tables.get(character);
  if (cached) return cached;
  const decoder = new TextDecoder(WHATWG_LABEL[character], { fatal: true });
  const table = new Map<string, Uint8Array>();
  const add = (bytes: number[]) => {
    let ch: string;
    try {
      ch = decoder.decode(new Uint8Array(bytes));
    } catch {
      return;
    }
    // first mapping wins: the standard code point for a character, not a duplicate (NEC/IBM rows)
    if ([...ch].length === 1 && !table.has(ch)) table.set(ch, new Uint8Array(bytes));
  };
  if (character === 'ja.sjis') {
    for (let b = 0xa1; b <= 0xdf; b++) add([b]); // half-width katakana
    for (let lead = 0x81; lead <= 0xfc; lead++) {
      if (lead > 0x9f && lead < 0xe0) continue;
      for (let trail = 0x40; trail <= 0xfc; trail++) if (trail !== 0x7f) add([lead, trail]);
    }
  } else {
    for (let b = 0xa1; b <= 0xdf; b++) add([0x8e, b]);
    for (let lead = 0xa1; lead <= 0xfe; lead++) for (let trail = 0xa1; trail <= 0xfe; trail++) add([lead, trail]);
  }
  tables.set(character, table);
  return table;
}

/** Text -> bytes in the console's character set; a character the set lacks becomes `?`. */
export function encodeConsole(text: string, character: ConsoleCharacter): Uint8Array {
  if (character === 'ja.utf8') return new TextEncoder().encode(text);
  const out: number[] = [];
  const table = character === 'en.ascii' ? undefined : reverseTable(character);
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table?.get(ch);
      if (bytes) out.push(...bytes);
      else out.push(0x3f);
    }
  }
  return new Uint8Array(out);
}

/** A streaming decoder (multi-byte characters may arrive split across reads). */
export function consoleDecoder(character: ConsoleCharacter): (bytes: Uint8Array) => string {
  const decoder = new TextDecoder(WHATWG_LABEL[character]);
  return (bytes) => decoder.decode(bytes, { stream: true });
}

/** Columns a character takes on a terminal: East Asian wide and full-width forms take 2. */
export function charWidth(ch: string): number {
  const c = ch.codePointAt(0)!;
  if (c < 0x1100) return 1;
  const wide =
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd);
  return wide ? 2 : 1;
}
