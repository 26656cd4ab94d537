// The emulated router's live frame port on the `pcap` package (reference-impl/router/pcap-frame-port.ts),
// the one path of the LAN ports in namespace mode, plain ESP and the IPIP / MAP-E tunnel end.
// A veth pair: the port's end in this process's namespace (the routers of namespaces.spec.ts run
// the same way), the far end in a namespace of this test, read and written by the harness's own
// capture agent (drivers/capture, a separate binding), so neither side checks itself.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Capture } from '../../../drivers/capture/index.ts';
import { hasProgram } from '../../../drivers/hosts/command.ts';
import { createNetns, deleteNetnsWithPrefix } from '../../../drivers/hosts/netns.ts';
import { MIN_ETHERNET_FRAME, PcapFramePort } from '../../../reference-impl/router/pcap-frame-port.ts';

const PREFIX = `pfp${process.pid}-`;
const NS = `${PREFIX}far`;
/** The port's end, in this process's namespace (at most 15 characters). */
const PORT_IF = `pfp${process.pid % 100000}p`;
const isRoot = process.getuid?.() === 0;
const PORT_PROCESS = path.join(import.meta.dirname, 'pcap-frame-port-process.ts');
const WAIT_MS = 5000;
/** A fresh veth drops frames until the kernel's link watch has run (up to a second): one try's wait. */
const WARM_UP_STEP_MS = 200;
const ETHERTYPE_EXPERIMENTAL = 0x88b5;

/** A broadcast frame of the local experimental EtherType carrying a marker, `length` octets long. */
function markerFrame(marker: string, length = 64): Uint8Array {
  const f = Buffer.alloc(length);
  f.fill(0xff, 0, 6);
  f.set([0x02, 0, 0, 0, 0, 0x0c], 6);
  f.writeUInt16BE(ETHERTYPE_EXPERIMENTAL, 12);
  f.write(marker, 14);
  return new Uint8Array(f);
}
const hasMarker = (m: string) => (d: Uint8Array) => Buffer.from(d).includes(m);

/** Frames a port delivers, with a bounded, event-driven wait for one that matches. */
class Received {
  readonly frames: { frame: Uint8Array; timestampUs: number }[] = [];
  private waiters: (() => void)[] = [];
  readonly handler = (frame: Uint8Array, timestampUs: number) => {
    this.frames.push({ frame, timestampUs });
    for (const w of this.waiters.splice(0)) w();
  };
  async waitFor(match: (d: Uint8Array) => boolean, what: string, timeoutMs = WAIT_MS): Promise<{ frame: Uint8Array; timestampUs: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find((f) => match(f.frame));
      if (hit) return hit;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`${what}: not delivered within ${timeoutMs} ms (${this.frames.length} other frames)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }
}

/**
 * Opens a port and sends marker frames from the far end until one is delivered (bounded). Why: a
 * fresh veth drops frames until the kernel's link watch has run, and libpcap 1.10 runs a new
 * handle's first ring slot through its userland filter, where `inbound` cannot be evaluated, so the
 * first frame after opening is lost (pcap-frame-port.ts; `cap` lost it too).
 */
async function openWarm(far: Capture, owner: string, ifname: string, rx: Received, filter = 'inbound'): Promise<PcapFramePort> {
  const port = PcapFramePort.open({ owner, ifname, filter, bufferBytes: 1 << 20 }, rx.handler);
  const end = Date.now() + WAIT_MS;
  for (let i = 0; ; i++) {
    const m = `warm-${owner}-${i}-`;
    await far.inject(markerFrame(m));
    if (await rx.waitFor(hasMarker(m), 'warm-up', WARM_UP_STEP_MS).catch(() => undefined)) break;
    if (Date.now() > end) {
      port.close();
      throw new Error(`${owner}: no frame crossed the veth pair within ${WAIT_MS} ms`);
    }
  }
  rx.frames.length = 0;
  return port;
}

/** Rejects after `ms`: one side of a bounded wait (Promise.race). */
function bounded(ms: number, what: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref());
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`'${args.join(' ')}' failed (${code}): ${err.trim()}`))));
  });
}

test.describe('the router frame port on a veth pair', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(!isRoot, 'libpcap capture and network namespaces need root');
  test.skip(!hasProgram('ip'), 'iproute2 (ip) is not installed');
  let far: Capture | undefined;

  test.beforeAll(async () => {
    await deleteNetnsWithPrefix(PREFIX);
    await run(['ip', 'link', 'del', PORT_IF]).catch(() => {});
    await createNetns(NS, { ipv6: false });
    await run(['ip', 'link', 'add', PORT_IF, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS]);
    // a bare wire: keep this namespace's own IPv6 chatter off the port's end
    await run(['sysctl', '-qw', `net.ipv6.conf.${PORT_IF}.disable_ipv6=1`]);
    await run(['ip', 'link', 'set', PORT_IF, 'up']);
    await run(['ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'eth0', 'up']);
    far = await Capture.start({ iface: 'eth0', netns: NS, filter: `ether proto ${ETHERTYPE_EXPERIMENTAL}` });
  });

  test.afterAll(async () => {
    await far?.stop();
    await run(['ip', 'link', 'del', PORT_IF]).catch(() => {});
    await deleteNetnsWithPrefix(PREFIX);
  });

  test('a frame arriving at the interface is delivered once, whole, with the kernel timestamp of its arrival', async () => {
    const rx = new Received();
    const port = await openWarm(far!, 'lan1', PORT_IF, rx);
    try {
      const sent = markerFrame('arrives-', 200);
      const before = Date.now() * 1000;
      await far!.inject(sent);
      const got = await rx.waitFor(hasMarker('arrives-'), 'the injected frame');
      const after = Date.now() * 1000;
      expect(Buffer.from(got.frame).toString('hex')).toBe(Buffer.from(sent).toString('hex'));
      // libpcap's stamp lies between the injection and the delivery (the kernel clock is the wall clock)
      expect(got.timestampUs).toBeGreaterThanOrEqual(before - 1000);
      expect(got.timestampUs).toBeLessThanOrEqual(after + 1000);
      expect(rx.frames.filter((f) => hasMarker('arrives-')(f.frame))).toHaveLength(1);
    } finally {
      port.close();
    }
  });

  test('a frame sent leaves the interface padded to the Ethernet minimum, and is not delivered back to the port itself', async () => {
    const rx = new Received();
    const port = await openWarm(far!, 'lan1', PORT_IF, rx);
    try {
      const short = markerFrame('short-', 30);
      const after = far!.frames.length;
      expect(port.send(short)).toBe(true);
      const got = await far!.waitForFrame(hasMarker('short-'), WAIT_MS, { after, what: 'the sent frame at the far end' });
      expect(got.data.length).toBe(MIN_ETHERNET_FRAME);
      expect(Buffer.from(got.data.subarray(0, short.length)).equals(Buffer.from(short))).toBe(true);
      expect(got.data.subarray(short.length).every((b) => b === 0)).toBe(true);
      // a frame from the far end after ours: once it is delivered, ours would have been too
      await far!.inject(markerFrame('after-short-'));
      await rx.waitFor(hasMarker('after-short-'), 'the far end frame');
      expect(rx.frames.some((f) => hasMarker('short-')(f.frame) && !hasMarker('after-short-')(f.frame))).toBe(false);
    } finally {
      port.close();
    }
  });

  test('close stops delivery at once, is idempotent, and a closed port sends nothing', async () => {
    const closed = new Received();
    const port = await openWarm(far!, 'lan1', PORT_IF, closed);
    const witness = new Received();
    const other = await openWarm(far!, 'lan2', PORT_IF, witness);
    closed.frames.length = 0;
    try {
      port.close();
      port.close();
      expect(port.open).toBe(false);
      expect(port.send(markerFrame('after-close-'))).toBe(false);
      await far!.inject(markerFrame('to-closed-'));
      // the frame reached the interface (the open port got it); the closed port's handler never ran
      await witness.waitFor(hasMarker('to-closed-'), 'the frame at the open port');
      expect(closed.frames).toHaveLength(0);
    } finally {
      other.close();
    }
  });

  test('a process whose port is closed ends by itself, and close puts two no-op PAUSE frames on the wire', async () => {
    // the far end's namespace runs the process; this side watches for MAC Control frames (0x8808),
    // warmed first with marker frames from the far end (libpcap may lose a fresh handle's first frame)
    const seen = new Received();
    const watch = await openWarm(far!, 'watch', PORT_IF, seen, '(ether proto 0x8808) or inbound');
    const pauses = () => seen.frames.filter(({ frame }) => Buffer.from(frame).readUInt16BE(12) === 0x8808);
    const child = spawn('ip', ['netns', 'exec', NS, process.execPath, '--import', 'tsx', PORT_PROCESS, 'eth0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      const opened = new Promise<void>((resolve) =>
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('open\n')) resolve();
        }),
      );
      await Promise.race([opened, exited.then(() => Promise.reject(new Error(`the process ended before opening: ${err.trim()}`))), bounded(WAIT_MS, 'the process to open its port')]);
      child.stdin.write('close\n');
      // without close()'s wake the process would stay alive until a frame came (none does here)
      const code = await Promise.race([exited, bounded(WAIT_MS, 'the process to end after close()')]);
      expect({ code, out, err: err.trim() }).toEqual({ code: 0, out: 'open\nclosed\n', err: '' });
      await seen.waitFor(() => pauses().length >= 2, 'two wake frames');
      for (const { frame } of pauses()) {
        const f = Buffer.from(frame);
        expect(f.subarray(0, 6).toString('hex')).toBe('0180c2000001');
        expect([f.readUInt16BE(12), f.readUInt16BE(14), f.readUInt16BE(16)]).toEqual([0x8808, 0x0001, 0]); // PAUSE, pause time 0
      }
      expect(pauses()).toHaveLength(2);
    } finally {
      child.kill('SIGKILL');
      watch.close();
    }
  });

  test('an interface that does not exist is one readable error naming the owner, the interface and the filter', () => {
    expect(() => PcapFramePort.open({ owner: 'lan3', ifname: 'pfpnosuch0', filter: 'inbound', bufferBytes: 1 << 20 }, () => {})).toThrow(
      /^lan3: cannot capture on interface pfpnosuch0 with filter 'inbound': .+ \(namespace mode needs root or CAP_NET_RAW\)$/,
    );
  });

  test('a filter libpcap cannot compile is refused when the port opens', () => {
    expect(() => PcapFramePort.open({ owner: 'tunnel 1 (map-e)', ifname: PORT_IF, filter: 'inbound and nosuchprimitive', bufferBytes: 1 << 20 }, () => {})).toThrow(
      /^tunnel 1 \(map-e\): cannot capture on interface .* with filter 'inbound and nosuchprimitive'/,
    );
  });
});

test.describe('closed ports and the garbage collector', () => {
  test.skip(!isRoot, 'libpcap capture and network namespaces need root');
  test.skip(!hasProgram('ip'), 'iproute2 (ip) is not installed');

  test('ports closed and forgotten survive the frames that release their handles, a full collection and a walk of the event loop', async () => {
    const ns = `${PREFIX}gc`;
    const ifname = `pfp${process.pid % 100000}g`;
    await deleteNetnsWithPrefix(ns);
    await createNetns(ns, { ipv6: false });
    let far: Capture | undefined;
    try {
      await run(['ip', 'link', 'add', ifname, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await run(['sysctl', '-qw', `net.ipv6.conf.${ifname}.disable_ipv6=1`]);
      await run(['ip', 'link', 'set', ifname, 'up']);
      await run(['ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'eth0', 'up']);
      far = await Capture.start({ iface: 'eth0', netns: ns, filter: `ether proto ${ETHERTYPE_EXPERIMENTAL}` });
      // closed quiet ports: each native handle waits for a frame to be released (pcap-frame-port.ts)
      for (let i = 0; i < 20; i++) PcapFramePort.open({ owner: `lan${i}`, ifname, filter: 'inbound', bufferBytes: 1 << 16 }, () => {}).close();
      // frames release every closed handle (libpcap's break, pcap_close, the poll stopped but left in
      // libuv's handle queue); the witness sees them arrive
      const witness = new Received();
      const open = await openWarm(far, 'witness', ifname, witness);
      open.close();
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      for (let i = 0; i < 3; i++) gc();
      // a collected session's poll handle is freed memory still linked in the queue: handles added and
      // removed beside it, and a walk of the queue, crash this worker (SIGSEGV without KEPT)
      for (let i = 0; i < 50; i++) {
        const u = createSocket('udp4');
        await new Promise<void>((resolve) => u.bind(0, '127.0.0.1', () => resolve()));
        await new Promise<void>((resolve) => u.close(() => resolve()));
      }
      const report = process.report.getReport() as unknown as { libuv: { type: string }[] };
      expect(report.libuv.filter((h) => h.type === 'poll').length).toBeGreaterThanOrEqual(21);
    } finally {
      await far?.stop();
      await run(['ip', 'link', 'del', ifname]).catch(() => {});
      await deleteNetnsWithPrefix(ns);
    }
  });
});
