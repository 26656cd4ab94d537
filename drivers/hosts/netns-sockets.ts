// Real UDP sockets (and TCP connections) inside a network namespace, held by this process: a small broker
// (netns-socket-broker.mjs) runs in the namespace, binds each socket there and passes it over
// Node's IPC channel. The harness's tester peers and collectors of an underlay lab live in the
// lab's namespaces this way (drivers/dut/underlay-dut.ts): their datagrams cross the Linux IP
// stack of those namespaces, not loopback. Every request is bounded; the broker ends with us.
import { spawn, type ChildProcess } from 'node:child_process';
import type dgram from 'node:dgram';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkNetnsName } from './netns.ts';
import { WITH_PARENT } from './with-parent.ts';

const BROKER = fileURLToPath(new URL('./netns-socket-broker.mjs', import.meta.url));
const REQUEST_TIMEOUT_MS = 10_000;

interface Reply {
  id?: number;
  ok?: boolean;
  error?: string;
  ready?: boolean;
}

export class NetnsSockets {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (s: unknown) => void; reject: (e: Error) => void }>();
  private stderr = '';
  private constructor(
    readonly netns: string,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (m: Reply, handle: unknown) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (m.ok && handle) w.resolve(handle);
      else w.reject(new Error(`namespace ${netns}: ${m.error ?? 'the broker sent no socket'}`));
    });
    child.stderr?.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-2000)));
    child.once('exit', (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`namespace ${netns}: socket broker ended (${signal ?? code}) ${this.stderr.trim()}`));
      this.waiting.clear();
    });
  }

  /** Starts the broker in `netns` (which must exist); bounded by `timeoutMs`. */
  static async open(netns: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<NetnsSockets> {
    checkNetnsName(netns);
    // tied to us: the broker ends when this process dies, even by SIGKILL
    const argv = [...WITH_PARENT, 'ip', 'netns', 'exec', netns, process.execPath, BROKER, '--netns', netns];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    await new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`namespace ${netns}: socket broker ${why}${err.trim() ? `: ${err.trim().slice(-400)}` : ''}`));
      };
      const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
      child.once('message', (m: Reply) => (m.ready ? (clearTimeout(timer), resolve()) : fail('sent no ready message')));
      child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before ready`));
      child.once('error', (e) => fail(`could not start (${e.message})`));
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    return new NetnsSockets(netns, child);
  }

  /** A UDP socket bound to `address`:`port` (0: any free port) inside the namespace. */
  bindUdp(address: string, port = 0): Promise<dgram.Socket> {
    return this.request<dgram.Socket>({ op: 'udp', family: address.includes(':') ? 'udp6' : 'udp4', address, port }, `binding ${address}:${port}`);
  }

  /** A TCP connection to `address`:`port` made from inside the namespace. */
  connectTcp(address: string, port: number): Promise<net.Socket> {
    return this.request<net.Socket>({ op: 'tcp', address, port }, `connecting to ${address}:${port}`);
  }

  private request<T>(body: Record<string, unknown>, what: string): Promise<T> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || !this.child.connected) return Promise.reject(new Error(`namespace ${this.netns}: socket broker has ended (${what})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`namespace ${this.netns}: no answer within ${REQUEST_TIMEOUT_MS} ms (${what})`));
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(id, {
        resolve: (s) => (clearTimeout(timer), resolve(s as T)),
        reject: (e) => (clearTimeout(timer), reject(new Error(`${e.message} (${what})`))),
      });
      this.child.send({ id, ...body });
    });
  }

  /** A free UDP port on `address` inside the namespace (bound, read, released). */
  async freeUdpPort(address: string): Promise<number> {
    const s = await this.bindUdp(address, 0);
    const p = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    return p;
  }

  /** The broker's process id (tests: it must end with close()). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Ends the broker (sockets already handed over stay open: their owners close them). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.disconnect();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}
