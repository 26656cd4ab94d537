// Serial transport: `serialport` on a device path (a USB console cable, or a pty for the
// emulated router). Defaults from yamaha-platform-facts.md §3.1: 9600 bps, 8 data bits, no
// parity, 1 stop bit, Xon/Xoff flow control.

import { SerialPort } from 'serialport';
import { TextDecoder } from 'node:util';
import { CliTransportError } from '../errors.ts';
import type { ConsoleCharset, Transport } from '../transport.ts';
import { encodeCommand } from '../transport.ts';

// facts §3.1 (`set-serial-baudrate` accepts these, default 9600, §56.3.10)
export const RTX_SERIAL_BAUD_RATES = [9600, 19200, 38400, 57600, 115200] as const;
export const RTX_SERIAL_DEFAULTS = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, xon: true, xoff: true } as const;

export interface SerialTransportOptions {
  path: string;
  baudRate?: (typeof RTX_SERIAL_BAUD_RATES)[number];
  charset?: ConsoleCharset;
}

export class SerialTransport implements Transport {
  readonly description: string;
  #port: SerialPort | null = null;
  readonly #decoder: TextDecoder;
  #onData: (text: string) => void = () => {};
  #onClose: (reason: string) => void = () => {};
  #closedByUs = false;

  constructor(private readonly opts: SerialTransportOptions) {
    const baud = opts.baudRate ?? RTX_SERIAL_DEFAULTS.baudRate;
    if (!(RTX_SERIAL_BAUD_RATES as readonly number[]).includes(baud)) {
      throw new Error(`serial ${opts.path}: baud rate ${baud} is not one of ${RTX_SERIAL_BAUD_RATES.join(', ')}`);
    }
    this.description = `serial ${opts.path} ${baud} 8N1 xon/xoff`;
    this.#decoder = new TextDecoder(opts.charset ?? 'utf-8');
  }

  onData(listener: (text: string) => void): void {
    this.#onData = listener;
  }

  onClose(listener: (reason: string) => void): void {
    this.#onClose = listener;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: this.opts.path, ...RTX_SERIAL_DEFAULTS, baudRate: this.opts.baudRate ?? RTX_SERIAL_DEFAULTS.baudRate, autoOpen: false });
      port.open((err) => {
        if (err) return reject(new CliTransportError(this.description, `cannot open: ${err.message}`));
        this.#port = port;
        port.on('data', (chunk: Buffer) => this.#onData(this.#decoder.decode(chunk, { stream: true })));
        port.on('close', () => {
          this.#port = null;
          if (!this.#closedByUs) this.#onClose('serial port closed');
        });
        port.on('error', (e: Error) => {
          if (!this.#closedByUs) this.#onClose(`serial port error: ${e.message}`);
        });
        resolve();
      });
    });
  }

  write(text: string): void {
    if (!this.#port) throw new CliTransportError(this.description, 'not open');
    this.#port.write(encodeCommand(text, this.opts.charset ?? 'utf-8'));
  }

  close(): Promise<void> {
    this.#closedByUs = true;
    const port = this.#port;
    this.#port = null;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}
