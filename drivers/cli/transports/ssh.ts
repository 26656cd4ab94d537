// SSH transport: an `ssh2` Client with an interactive shell on a pty (facts §3.1: SSH needs a
// named user; after authentication the device shows `>`). The pty's width is the console width.

import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Client, type Algorithms, type ClientChannel, type ConnectConfig } from 'ssh2';
import { TextDecoder } from 'node:util';
import { CliTransportError } from '../errors.ts';
import type { ConsoleCharset, Transport } from '../transport.ts';
import { encodeCommand } from '../transport.ts';

/**
 * Algorithms older firmware offers (appended after ssh2's modern defaults, so a modern device
 * still gets a modern choice).
 * ASSUMPTION: older RTX firmware needs SHA-1 key exchange, `ssh-rsa`/`ssh-dss` host keys and CBC
 * ciphers (not documented in the digest; a hardware run confirms or refutes which ones).
 */
export const LEGACY_SSH_ALGORITHMS: Algorithms = {
  kex: { append: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1'], prepend: [], remove: [] },
  serverHostKey: { append: ['ssh-rsa', 'ssh-dss'], prepend: [], remove: [] },
  cipher: { append: ['aes128-cbc', 'aes256-cbc', '3des-cbc'], prepend: [], remove: [] },
  hmac: { append: ['hmac-sha1'], prepend: [], remove: [] },
};

export interface SshTransportOptions {
  host: string;
  port?: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  /** explicit algorithm lists (ssh2 `algorithms`); wins over `legacyAlgorithms` */
  algorithms?: Algorithms;
  /** offer the LEGACY_SSH_ALGORITHMS too */
  legacyAlgorithms?: boolean;
  /** hex SHA-256 of the host key; when given, any other key is refused */
  hostKeySha256?: string;
  columns?: number;
  rows?: number;
  charset?: ConsoleCharset;
  /** bound on TCP connect + handshake + auth (ms) */
  readyTimeoutMs?: number;
  /** Opens the connection itself (a device inside a namespace lab: drivers/hosts/netns-sockets.ts); default: TCP to host:port. */
  connectSocket?: () => Promise<Duplex>;
}

export class SshTransport implements Transport {
  readonly description: string;
  readonly #client = new Client();
  #channel: ClientChannel | null = null;
  readonly #decoder: TextDecoder;
  #onData: (text: string) => void = () => {};
  #onClose: (reason: string) => void = () => {};
  #closedByUs = false;
  #closeReported = false;

  constructor(private readonly opts: SshTransportOptions) {
    this.description = `ssh ${opts.username}@${opts.host}:${opts.port ?? 22}`;
    this.#decoder = new TextDecoder(opts.charset ?? 'utf-8');
  }

  onData(listener: (text: string) => void): void {
    this.#onData = listener;
  }

  onClose(listener: (reason: string) => void): void {
    this.#onClose = listener;
  }

  open(): Promise<void> {
    const o = this.opts;
    return new Promise((resolve, reject) => {
      let ready = false;
      const fail = (reason: string) => {
        if (!ready) reject(new CliTransportError(this.description, reason));
        else this.#reportClose(reason);
      };
      this.#client.on('error', (err) => fail(err.level === 'client-authentication' ? 'authentication failed' : err.message));
      this.#client.on('close', () => fail('connection closed'));
      this.#client.on('ready', () => {
        this.#client.shell({ term: 'vt100', cols: o.columns ?? 80, rows: o.rows ?? 24 }, (err, channel) => {
          if (err) return fail(`shell refused: ${err.message}`);
          ready = true;
          this.#channel = channel;
          channel.on('data', (chunk: Buffer) => this.#onData(this.#decoder.decode(chunk, { stream: true })));
          channel.stderr.on('data', (chunk: Buffer) => this.#onData(this.#decoder.decode(chunk, { stream: true })));
          channel.on('close', () => this.#reportClose('shell closed by the device'));
          resolve();
        });
      });
      const config: ConnectConfig = {
        host: o.host,
        port: o.port ?? 22,
        username: o.username,
        password: o.password,
        privateKey: o.privateKey,
        readyTimeout: o.readyTimeoutMs ?? 15_000,
        algorithms: o.algorithms ?? (o.legacyAlgorithms ? LEGACY_SSH_ALGORITHMS : undefined),
        hostVerifier: (key: Buffer) => o.hostKeySha256 === undefined || createHash('sha256').update(key).digest('hex') === o.hostKeySha256.toLowerCase(),
      };
      if (!o.connectSocket) return this.#client.connect(config);
      o.connectSocket().then((sock) => this.#client.connect({ ...config, sock }), (e: Error) => fail(e.message));
    });
  }

  write(text: string): void {
    if (!this.#channel) throw new CliTransportError(this.description, 'not open');
    this.#channel.write(encodeCommand(text, this.opts.charset ?? 'utf-8'));
  }

  async close(): Promise<void> {
    this.#closedByUs = true;
    this.#channel?.end();
    this.#client.end();
  }

  #reportClose(reason: string): void {
    if (this.#closeReported) return;
    this.#closeReported = true;
    this.#channel = null;
    if (!this.#closedByUs) this.#onClose(reason);
  }
}
