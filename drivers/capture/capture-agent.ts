// The capture agent: a small child process that opens one interface with libpcap (the `pcap`
// package, see pcap-binding.ts), streams every captured frame to its parent on stdout and injects the
// frames the parent writes on stdin. It exists for two reasons:
//  - libpcap opens interfaces of the caller's network namespace, and a process cannot switch
//    namespace from Node; started as `ip netns exec NS node ... capture-agent.ts`, the agent captures
//    inside NS while the harness stays in the root namespace;
//  - the binding's close() does not release the handle at once (pcap_close waits for the next frame)
//    and its libuv poll handle is never uv_close()d, so closing one in a long-lived process risks its
//    event loop (a garbage-collected handle left in libuv's queue: SIGSEGV). The agent never closes
//    its handle: it exits, and the kernel cleans up.
// Usage: capture-agent.ts --iface IFNAME [--filter BPF] [--snaplen N]
import { decodeInject, encodeFrame, encodeJson, encodeMessage, MessageReader, MSG } from './agent-protocol.ts';
import { linkTypeName, loadPcap, packetHeader, type PcapSession } from './pcap-binding.ts';

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

// libpcap warns when the interface has no IPv4 address (normal for a lab's L2 ports): not an error.
const pcap = loadPcap();
let session: PcapSession;
try {
  // buffer_timeout 0: immediate mode, each frame handed over as it arrives (pcap-binding.ts)
  session = pcap.createSession(iface, { filter, buffer_size: CAPTURE_BUFFER_BYTES, snap_length: snaplen, buffer_timeout: 0, promiscuous: true });
} catch (e) {
  fail(`cannot capture on ${iface}${filter ? ` with filter '${filter}'` : ''}: ${(e as Error).message} (needs root or CAP_NET_RAW, and the interface in this namespace)`);
}
session.on('packet', (p) => {
  // libpcap's own timestamp (taken by the kernel as the frame passed), not the time we read it
  const h = packetHeader(p.header);
  process.stdout.write(encodeFrame(h.timestampUs, p.buf.subarray(0, Math.min(h.caplen, p.buf.length))));
});

const reader = new MessageReader();
process.stdin.on('data', (chunk: Buffer) => {
  for (const m of reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
    if (m.type !== MSG.INJECT) continue;
    const { id, frame } = decodeInject(m.payload);
    const out = Buffer.alloc(Math.max(MIN_FRAME, frame.length));
    out.set(frame);
    try {
      session.inject(out);
      const ack = new Uint8Array(4);
      new DataView(ack.buffer).setUint32(0, id, false);
      process.stdout.write(encodeMessage(MSG.INJECTED, ack));
    } catch (e) {
      process.stdout.write(encodeJson(MSG.ERROR, { id, message: `cannot inject on ${iface}: ${(e as Error).message}` }));
    }
  }
});
// The parent closing our stdin (or dying) ends the capture: exit, never close (see above).
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(encodeJson(MSG.READY, { iface, linkType: linkTypeName(session.link_type), filter }));
