// What a CLI session needs from a byte pipe to the device: text in, text out, close events.
// SSH, serial and replay transports implement it; the session never knows which one it has.

export interface Transport {
  /** for messages: kind and address, never a credential */
  readonly description: string;
  open(): Promise<void>;
  write(text: string): void;
  close(): Promise<void>;
  /** received text, decoded with the transport's charset */
  onData(listener: (text: string) => void): void;
  /** the transport closed without close() being called (peer hung up, cable pulled) */
  onClose(listener: (reason: string) => void): void;
}

/** Called on connect and on each reconnect: a fresh transport every time. */
export type TransportFactory = () => Transport;

/**
 * Console character sets (facts §3.3: `console character`, default ja.sjis, ja.utf8 on vRX).
 * The labels are WHATWG encodings that Node's TextDecoder knows.
 */
export type ConsoleCharset = 'utf-8' | 'shift_jis' | 'euc-jp';

/** Encode a command for the device; only ASCII can be sent to a non-UTF-8 console. */
export function encodeCommand(text: string, charset: ConsoleCharset): Buffer {
  if (charset !== 'utf-8' && [...text].some((ch) => ch.codePointAt(0)! > 0x7f)) {
    throw new Error(`cannot send non-ASCII text to a ${charset} console (set console character ja.utf8)`);
  }
  return Buffer.from(text, 'utf8');
}
