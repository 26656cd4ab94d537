// Rejections of the ISAKMP decoder: every one names the octet offset (from the start of the
// ISAKMP message, also inside decrypted payloads) and what was wrong, so a capture reader or a
// fuzz test can say where a packet went bad (issue 14, "What must be shown" 4).
export class IsakmpDecodeError extends Error {
  constructor(
    /** Offset of the offending octet from the start of the ISAKMP header. */
    readonly offset: number,
    /** What was wrong, in words. */
    readonly what: string,
  ) {
    super(`ISAKMP decode error at offset ${offset}: ${what}`);
    this.name = 'IsakmpDecodeError';
  }
}

export type IsakmpDecoded<T> = { ok: true; value: T } | { ok: false; error: IsakmpDecodeError };

/** Runs a throwing decoder and turns an IsakmpDecodeError into a result; anything else is a bug and escapes. */
export function tryDecode<T>(f: () => T): IsakmpDecoded<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof IsakmpDecodeError) return { ok: false, error: e };
    throw e;
  }
}
