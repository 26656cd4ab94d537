// Test-only: connects an IkeNode (the oracle's sans-IO IKEv1 state machine) to real UDP sockets
// on ports 500 and 4500. The sockets live in a small relay process started inside a network
// namespace the test created (`ip netns exec NS node -e RELAY`), so no port of the root namespace
// is touched; datagrams cross stdin/stdout as JSON lines. Timers run on real time.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { IkeNode } from '../../reference-impl/ipsec/ike/ike-node.ts';
import type { IkeAction, IkeEvent } from '../../reference-impl/ipsec/ike/ike-events.ts';

// The relay: binds ADDRESS:500 and ADDRESS:4500, prints {"p":port,"a":addr,"r":rport,"d":hex}
// for each datagram received, sends {"p":port,"a":addr,"r":rport,"d":hex} lines read from stdin.
const RELAY = `
import dgram from 'node:dgram';
import readline from 'node:readline';
const address = process.argv[1];
const socks = {};
let bound = 0;
for (const port of [500, 4500]) {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => process.stdout.write(JSON.stringify({ p: port, a: r.address, r: r.port, d: m.toString('hex') }) + '\\n'));
  s.on('error', (e) => { process.stderr.write('relay: ' + e.message + '\\n'); process.exit(3); });
  s.bind(port, address, () => { if (++bound === 2) process.stdout.write(JSON.stringify({ ready: true }) + '\\n'); });
  socks[port] = s;
}
readline.createInterface({ input: process.stdin }).on('line', (l) => {
  const m = JSON.parse(l);
  socks[m.p].send(Buffer.from(m.d, 'hex'), m.r, m.a);
});
process.stdin.on('end', () => process.exit(0));
`;

export interface AdapterRecord {
  atMs: number;
  action: IkeAction;
}

export class IkeUdpAdapter {
  readonly record: AdapterRecord[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiters: { pred: (a: IkeAction) => boolean; resolve: (a: IkeAction) => void }[] = [];
  private readonly t0 = performance.now();
  private stderr = '';

  private constructor(private readonly node: IkeNode, private readonly relay: ChildProcessWithoutNullStreams) {}

  /** Starts the relay in `netns` bound to `address`, resolving once both sockets are bound. */
  static async open(node: IkeNode, netns: string, address: string, timeoutMs = 10_000): Promise<IkeUdpAdapter> {
    const relay = spawn('ip', ['netns', 'exec', netns, process.execPath, '--input-type=module', '-e', RELAY, address], { stdio: ['pipe', 'pipe', 'pipe'] });
    const a = new IkeUdpAdapter(node, relay);
    relay.stderr.on('data', (d: Buffer) => { a.stderr += d.toString(); });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`UDP relay in ${netns} not ready after ${timeoutMs} ms: ${a.stderr}`)), timeoutMs);
      relay.on('exit', (code) => { clearTimeout(timer); reject(new Error(`UDP relay exited (${code}): ${a.stderr}`)); });
      createInterface({ input: relay.stdout }).on('line', (line) => {
        const m = JSON.parse(line) as { ready?: boolean; p: 500 | 4500; a: string; r: number; d: string };
        if (m.ready) {
          clearTimeout(timer);
          resolve();
          return;
        }
        a.inject({ kind: 'udp', localPort: m.p, from: { address: m.a, port: m.r }, bytes: Uint8Array.from(Buffer.from(m.d, 'hex')) });
      });
    });
    return a;
  }

  private now(): number {
    return Math.round(performance.now() - this.t0);
  }

  inject(ev: IkeEvent): void {
    const now = this.now();
    for (const action of this.node.handle(now, ev)) {
      this.record.push({ atMs: now, action });
      switch (action.kind) {
        case 'send':
          this.relay.stdin.write(`${JSON.stringify({ p: action.localPort, a: action.to.address, r: action.to.port, d: Buffer.from(action.bytes).toString('hex') })}\n`);
          break;
        case 'setTimer': {
          clearTimeout(this.timers.get(action.id));
          const id = action.id;
          this.timers.set(id, setTimeout(() => { this.timers.delete(id); this.inject({ kind: 'timer', id }); }, Math.max(0, action.atMs - now)));
          break;
        }
        case 'cancelTimer':
          clearTimeout(this.timers.get(action.id));
          this.timers.delete(action.id);
          break;
      }
      for (const w of [...this.waiters]) {
        if (w.pred(action)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(action);
        }
      }
    }
  }

  /** The first action (already recorded or future) that satisfies pred; rejects after timeoutMs. */
  waitFor<A extends IkeAction>(pred: (a: IkeAction) => a is A, timeoutMs: number, what: string): Promise<A> {
    const seen = this.record.find((r) => pred(r.action));
    if (seen) return Promise.resolve(seen.action as A);
    return new Promise<A>((resolve, reject) => {
      const w = { pred, resolve: (a: IkeAction) => { clearTimeout(timer); resolve(a as A); } };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  actions<K extends IkeAction['kind']>(kind: K): Extract<IkeAction, { kind: K }>[] {
    return this.record.filter((r) => r.action.kind === kind).map((r) => r.action as Extract<IkeAction, { kind: K }>);
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.relay.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.relay.once('exit', () => resolve()));
    this.relay.stdin.end();
    const kill = setTimeout(() => this.relay.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(kill);
  }
}
