// The capture agent: a small child process that opens one interface with libpcap (the `cap`
// binding), streams every captured frame to its parent on stdout and injects the frames the parent
// writes on stdin. It exists for two reasons:
//  - libpcap opens interfaces of the caller's network namespace, and a process cannot switch
//    namespace from Node; started as `ip netns exec NS node ... capture-agent.ts`, the agent captures
//    inside NS while the harness stays in the root namespace;
//  - the `cap` binding's handle is never uv_close()d, so a closed and garbage-collected Cap can corrupt
//    a long-lived process's event loop (the emulated router's namespace test crashes its Playwright
//    worker with SIGSEGV). The agent never closes its handle: it exits, and the kernel cleans up.
// Usage: capture-agent.ts --iface IFNAME [--filter BPF] [--snaplen N]
import { createRequire } from 'node:module';
import { decodeInject, encodeFrame, encodeJson, encodeMessage, MessageReader, MSG } from './agent-protocol.ts';

// The parts of the `cap` binding we use (it ships no types).
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  setMinBytes?(n: number): void;
  on(ev: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  send(buf: Buffer, size?: number): void;
}
interface CapModule {
  Cap: new () => CapHandle;
}

/** Kernel buffer for the capture: room for bursts while the parent is slow to read. */
const CAPTURE_BUFFER_BYTES = 10 * 1024 * 1024;
/** The wire's minimum Ethernet frame without FCS: shorter injected frames are zero-padded. */
const MIN_FRAME = 60;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(message: string): never {
  process.stdout.write(encodeJson(MSG.ERROR, { message }));
  process.exit(2);
}

const iface = arg('iface');
const filter = arg('filter') ?? '';
const snaplen = Number(arg('snaplen') ?? 65535);
if (!iface) fail('capture agent: --iface is required');

const { Cap } = createRequire(import.meta.url)('cap') as CapModule;
const cap = new Cap();
const buf = Buffer.alloc(snaplen);
let linkType: string;
try {
  linkType = cap.open(iface, filter, CAPTURE_BUFFER_BYTES, buf);
} catch (e) {
  fail(`cannot capture on ${iface}${filter ? ` with filter '${filter}'` : ''}: ${(e as Error).message} (needs root or CAP_NET_RAW, and the interface in this namespace)`);
}
cap.setMinBytes?.(0);
cap.on('packet', (nbytes) => {
  // libpcap's own timestamp is not exposed by the binding: the agent stamps on arrival.
  const ts = Math.round((performance.timeOrigin + performance.now()) * 1000);
  process.stdout.write(encodeFrame(ts, buf.subarray(0, nbytes)));
});

const reader = new MessageReader();
process.stdin.on('data', (chunk: Buffer) => {
  for (const m of reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
    if (m.type !== MSG.INJECT) continue;
    const { id, frame } = decodeInject(m.payload);
    const out = Buffer.alloc(Math.max(MIN_FRAME, frame.length));
    out.set(frame);
    try {
      cap.send(out, out.length);
      const ack = new Uint8Array(4);
      new DataView(ack.buffer).setUint32(0, id, false);
      process.stdout.write(encodeMessage(MSG.INJECTED, ack));
    } catch (e) {
      process.stdout.write(encodeJson(MSG.ERROR, { id, message: `cannot inject on ${iface}: ${(e as Error).message}` }));
    }
  }
});
// The parent closing our stdin (or dying) ends the capture.
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(encodeJson(MSG.READY, { iface, linkType, filter }));
