// Capture and injection on one interface, from the harness: a capture agent child process holds the
// libpcap handle (see capture-agent.ts for why a child), optionally inside a network namespace.
// Frames are kept in arrival order; waits are event-driven and bounded; the frames become one pcap
// file per test (reference-impl/capture writePcap) and are decoded with the oracle's codec.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodeCapture, LINKTYPE, writePcap, type CaptureDecodeOptions, type CaptureFile, type DecodedPacket } from '../../reference-impl/capture/index.ts';
import { decodeFrame, decodeJson, encodeInject, MessageReader, MSG } from './agent-protocol.ts';

const AGENT = fileURLToPath(new URL('./capture-agent.ts', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.mjs', import.meta.url));

export interface CaptureOptions {
  /** the interface to capture on and inject into */
  iface: string;
  /** the network namespace the interface is in (the agent runs there); undefined = ours */
  netns?: string;
  /** a BPF filter (tcpdump syntax), e.g. 'udp port 1701' or 'inbound' */
  filter?: string;
  /** how long the agent may take to open the interface */
  startTimeoutMs?: number;
}

export interface CapturedFrame {
  /** 1-based, in arrival order (the frame number in the pcap file) */
  index: number;
  timestampUs: number;
  data: Uint8Array;
}

export class CaptureError extends Error {}

type Agent = ChildProcessByStdio<Writable, Readable, Readable>;

export class Capture {
  readonly frames: CapturedFrame[] = [];
  private readonly events = new EventEmitter();
  private readonly reader = new MessageReader();
  private nextInjectId = 1;
  private exited: string | undefined;
  private stderr = '';

  private constructor(
    readonly options: CaptureOptions,
    private readonly agent: Agent,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Starts capturing; resolves once the interface is open (frames from then on are kept). */
  static async start(options: CaptureOptions): Promise<Capture> {
    const argv = [process.execPath, RUN_TS, AGENT, '--iface', options.iface, ...(options.filter ? ['--filter', options.filter] : [])];
    const full = options.netns === undefined ? argv : ['ip', 'netns', 'exec', options.netns, ...argv];
    const agent = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const c = new Capture(options, agent);
    const where = `${options.iface}${options.netns ? ` in namespace ${options.netns}` : ''}`;
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new CaptureError(`capture on ${where}: the agent did not start within ${options.startTimeoutMs ?? 15_000} ms`)), options.startTimeoutMs ?? 15_000);
      c.events.once('ready', () => (clearTimeout(timer), resolve()));
      c.events.once('exit', (why: string) => (clearTimeout(timer), reject(new CaptureError(`capture on ${where}: ${why}`))));
    });
    agent.stdout.on('data', (chunk: Buffer) => c.onChunk(chunk));
    agent.stderr.setEncoding('utf8').on('data', (d: string) => (c.stderr = (c.stderr + d).slice(-4000)));
    agent.stdin.on('error', () => {
      /* the agent is gone: its exit event says why */
    });
    agent.once('error', (e) => c.onExit(`cannot start the capture agent: ${e.message}`));
    agent.once('close', (code, signal) => c.onExit(`the capture agent exited (${signal ?? `status ${code}`})${c.stderr.trim() ? `: ${c.stderr.trim().split('\n').slice(-2).join(' | ')}` : ''}`));
    try {
      await ready;
    } catch (e) {
      agent.kill('SIGKILL');
      throw e;
    }
    return c;
  }

  private onChunk(chunk: Buffer): void {
    let msgs;
    try {
      msgs = this.reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    } catch (e) {
      this.agent.kill('SIGKILL');
      this.onExit((e as Error).message);
      return;
    }
    for (const m of msgs) {
      if (m.type === MSG.FRAME) {
        const f = decodeFrame(m.payload);
        const frame: CapturedFrame = { index: this.frames.length + 1, ...f };
        this.frames.push(frame);
        this.events.emit('frame', frame);
      } else if (m.type === MSG.READY) {
        const r = decodeJson(m.payload) as { linkType: string };
        if (r.linkType !== 'ETHERNET') {
          this.agent.kill('SIGKILL');
          this.onExit(`link type ${r.linkType}, not Ethernet`);
        } else this.events.emit('ready');
      } else if (m.type === MSG.INJECTED) {
        this.events.emit(`injected:${new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0, false)}`);
      } else if (m.type === MSG.ERROR) {
        const e = decodeJson(m.payload) as { id?: number; message: string };
        if (e.id !== undefined) this.events.emit(`injected:${e.id}`, e.message);
        else this.stderr += `${e.message}\n`;
      }
    }
  }

  private onExit(why: string): void {
    if (this.exited !== undefined) return;
    this.exited = why;
    this.events.emit('exit', why);
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  /** The agent's process id (`ip netns exec` execs the agent in place), e.g. to pause it in a test. */
  get agentPid(): number | undefined {
    return this.agent.pid;
  }

  /**
   * The first frame (captured from frame number `after` on, default: from the start) that satisfies
   * `predicate`; waits for new frames until timeoutMs, then rejects naming `what`.
   */
  waitForFrame(predicate: (f: Uint8Array) => boolean, timeoutMs: number, opts: { after?: number; what?: string } = {}): Promise<CapturedFrame> {
    const after = opts.after ?? 0;
    const hit = this.frames.find((f) => f.index > after && predicate(f.data));
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off('frame', onFrame);
        this.events.off('exit', onExit);
      };
      const onFrame = (f: CapturedFrame) => {
        if (f.index > after && predicate(f.data)) {
          done();
          resolve(f);
        }
      };
      const onExit = (why: string) => {
        done();
        reject(new CaptureError(`waiting for ${opts.what ?? 'a frame'} on ${this.options.iface}: ${why}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new CaptureError(`no ${opts.what ?? 'matching frame'} on ${this.options.iface} within ${timeoutMs} ms (${this.frames.length} frames captured)`));
      }, timeoutMs);
      this.events.on('frame', onFrame);
      this.events.once('exit', onExit);
    });
  }

  /** Sends one Ethernet frame out of the interface; resolves once libpcap has taken it. */
  inject(frame: Uint8Array, timeoutMs = 5000): Promise<void> {
    if (this.exited !== undefined) return Promise.reject(new CaptureError(`cannot inject on ${this.options.iface}: ${this.exited}`));
    const id = this.nextInjectId++;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(`injected:${id}`, onAck);
        this.events.off('exit', onExit);
      };
      const onAck = (err?: string) => {
        done();
        if (err) reject(new CaptureError(err));
        else resolve();
      };
      const onExit = (why: string) => {
        done();
        reject(new CaptureError(`cannot inject on ${this.options.iface}: ${why}`));
      };
      const timer = setTimeout(() => (done(), reject(new CaptureError(`injection on ${this.options.iface} not confirmed within ${timeoutMs} ms`))), timeoutMs);
      this.events.once(`injected:${id}`, onAck);
      this.events.once('exit', onExit);
      this.agent.stdin.write(encodeInject(id, frame));
    });
  }

  /** The frames so far as a capture file (Ethernet link type). */
  toCaptureFile(): CaptureFile {
    return { format: 'pcap', linkTypes: [LINKTYPE.ETHERNET], records: this.frames.map((f) => ({ timestampUs: f.timestampUs, data: f.data })) };
  }

  /** Writes the frames so far as a pcap file (directories made as needed); returns the path. */
  writePcap(file: string): string {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, writePcap(this.toCaptureFile().records, LINKTYPE.ETHERNET));
    return file;
  }

  /** Every L2TPv3 packet captured so far, decoded by the oracle's codec. */
  decode(opts: CaptureDecodeOptions = {}): DecodedPacket[] {
    return [...decodeCapture(this.toCaptureFile(), opts)];
  }

  /** Stops the agent (bounded: SIGKILL after timeoutMs). Frames stay available. */
  async stop(timeoutMs = 3000): Promise<void> {
    if (this.exited !== undefined) return;
    const gone = new Promise<void>((resolve) => this.events.once('exit', () => resolve()));
    this.agent.stdin.end();
    const timer = setTimeout(() => this.agent.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(timer);
  }
}
