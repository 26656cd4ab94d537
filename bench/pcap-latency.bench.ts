// Latency of capture and injection through the `pcap` package (issue 16 point 4). Not a test: the
// figures are printed, never asserted; the exit code is 0 whatever they are (2: cannot run here).
//   npm run bench:pcap [-- --frames N]      (root: it makes two network namespaces and a veth pair)
// The harness's own path: frames are injected by a capture agent (drivers/capture) at one veth end
// and captured by another agent at the other end, one frame at a time. Two figures per frame:
//  - harness: Capture.inject() called -> the frame's arrival in the harness (two agent pipes,
//    libpcap immediate mode, the kernel), monotonic clock;
//  - libpcap: the receiving end's libpcap timestamp minus the sending end's (a third agent watches
//    the sending interface, so both stamps come from the kernel's clock): the veth crossing alone.
// And the emulated router's path (reference-impl/router/pcap-frame-port.ts, the router's LAN and WAN
// ports in namespace mode), in this process on a veth end in this namespace, fed by an agent:
//  - router: the frame's libpcap timestamp -> the port's handler call (immediate mode, the event
//    loop), wall clock at microsecond resolution.
import { Capture } from '../drivers/capture/index.ts';
import { hasProgram } from '../drivers/hosts/command.ts';
import { createNetns, createVethPair, deleteNetnsWithPrefix, setSysctl } from '../drivers/hosts/netns.ts';
import { PcapFramePort } from '../reference-impl/router/pcap-frame-port.ts';

const DEFAULT_FRAMES = 500;
const MAX_FRAMES = 10_000;
/** Per frame: longer than this and the frame counts as lost (printed), the run goes on. */
const FRAME_TIMEOUT_MS = 2000;
/** A fresh veth drops frames until the kernel's link watch has run (up to a second): warm up first. */
const WARMUP_TIMEOUT_MS = 5000;
const ETHERTYPE_EXPERIMENTAL = 0x88b5;

const PREFIX = `pcapbench${process.pid}-`;
const NS_A = `${PREFIX}a`;
const NS_B = `${PREFIX}b`;
/** The router port's veth end, in this process's namespace (at most 15 characters). */
const ROUTER_IF = `pcapbr${process.pid % 1_000_000}`;

function framesArg(): number {
  const i = process.argv.indexOf('--frames');
  if (i < 0) return DEFAULT_FRAMES;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > MAX_FRAMES) {
    console.error(`--frames expects a whole number from 1 to ${MAX_FRAMES} (got '${process.argv[i + 1] ?? ''}')`);
    process.exit(2);
  }
  return n;
}

/** A 64-octet broadcast frame of the local experimental EtherType carrying a marker. */
function markerFrame(marker: string): Uint8Array {
  const f = Buffer.alloc(64);
  f.fill(0xff, 0, 6);
  f.set([0x02, 0, 0, 0, 0, 0x0b], 6);
  f.writeUInt16BE(ETHERTYPE_EXPERIMENTAL, 12);
  f.write(marker, 14);
  return new Uint8Array(f);
}
const hasMarker = (m: string) => (d: Uint8Array) => Buffer.from(d).includes(m);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summary(name: string, valuesUs: number[]): string {
  const s = [...valuesUs].sort((x, y) => x - y);
  if (s.length === 0) return `${name}: no samples`;
  const f = (v: number) => `${v.toFixed(1)} us`;
  return `${name.padEnd(9)} median ${f(percentile(s, 50))}, p99 ${f(percentile(s, 99))}, min ${f(s[0])}, max ${f(s[s.length - 1])} (${s.length} frames)`;
}

async function run(frames: number): Promise<void> {
  await deleteNetnsWithPrefix(PREFIX);
  await createNetns(NS_A, { ipv6: false });
  await createNetns(NS_B, { ipv6: false });
  await createVethPair({ name: 'va', netns: NS_A }, { name: 'vb', netns: NS_B });
  const filter = `ether proto ${ETHERTYPE_EXPERIMENTAL}`;
  const caps = await Promise.all([
    Capture.start({ iface: 'va', netns: NS_A }),
    Capture.start({ iface: 'va', netns: NS_A, filter }),
    Capture.start({ iface: 'vb', netns: NS_B, filter }),
  ]);
  const [injector, sendTap, receiver] = caps;
  try {
    // warm-up: until one frame crosses (bounded)
    const warmEnd = Date.now() + WARMUP_TIMEOUT_MS;
    for (let i = 0; ; i++) {
      const m = `warm-${i}-`;
      await injector.inject(markerFrame(m));
      try {
        await receiver.waitForFrame(hasMarker(m), 200, { what: 'a warm-up frame' });
        break;
      } catch (e) {
        if (Date.now() > warmEnd) throw new Error(`no frame crossed the veth pair within ${WARMUP_TIMEOUT_MS} ms: ${(e as Error).message}`);
      }
    }
    const harness: number[] = [];
    const wire: number[] = [];
    let lost = 0;
    for (let i = 0; i < frames; i++) {
      const m = `lat-${i}-`;
      const after = receiver.frames.length;
      const tapAfter = sendTap.frames.length;
      const t0 = performance.now();
      await injector.inject(markerFrame(m));
      let got;
      try {
        got = await receiver.waitForFrame(hasMarker(m), FRAME_TIMEOUT_MS, { after, what: `frame ${i}` });
      } catch {
        lost++;
        continue;
      }
      harness.push((performance.now() - t0) * 1000);
      const sent = await sendTap.waitForFrame(hasMarker(m), FRAME_TIMEOUT_MS, { after: tapAfter, what: `frame ${i} leaving` }).catch(() => undefined);
      if (sent) wire.push(got.timestampUs - sent.timestampUs);
    }
    console.log(`pcap latency, veth pair between two namespaces, ${frames} frames of 64 octets, one at a time:`);
    console.log(`  ${summary('harness', harness)}`);
    console.log(`  ${summary('libpcap', wire)}`);
    if (lost > 0) console.log(`  lost: ${lost} frames (not captured within ${FRAME_TIMEOUT_MS} ms)`);
  } finally {
    await Promise.all(caps.map((c) => c.stop()));
  }
}

/** Wall clock in microseconds since the epoch, finer than Date.now(). */
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;

async function routerPort(frames: number): Promise<void> {
  await createVethPair({ name: ROUTER_IF }, { name: 'vr', netns: NS_A });
  // a bare wire: this namespace's own IPv6 chatter stays off it
  await setSysctl(undefined, `net.ipv6.conf.${ROUTER_IF}.disable_ipv6`, '1');
  const injector = await Capture.start({ iface: 'vr', netns: NS_A });
  const waiting = new Map<string, (delayUs: number) => void>();
  const port = PcapFramePort.open({ owner: 'bench', ifname: ROUTER_IF, filter: 'inbound', bufferBytes: 1 << 20 }, (frame, timestampUs) => {
    const delay = nowUs() - timestampUs;
    const marker = /(?:warm|lat)-\d+-/.exec(Buffer.from(frame).toString('latin1'))?.[0];
    if (marker) waiting.get(marker)?.(delay);
  });
  const cross = async (m: string, timeoutMs: number): Promise<number | undefined> => {
    const got = new Promise<number | undefined>((resolve) => {
      const t = setTimeout(() => resolve(undefined), timeoutMs);
      waiting.set(m, (d) => (clearTimeout(t), resolve(d)));
    });
    await injector.inject(markerFrame(m));
    const d = await got;
    waiting.delete(m);
    return d;
  };
  try {
    // warm-up: the link watch, and libpcap's first frame after opening (pcap-frame-port.ts)
    const warmEnd = Date.now() + WARMUP_TIMEOUT_MS;
    for (let i = 0; (await cross(`warm-${i}-`, 200)) === undefined; i++) {
      if (Date.now() > warmEnd) throw new Error(`no frame reached the router port within ${WARMUP_TIMEOUT_MS} ms`);
    }
    const delays: number[] = [];
    let lost = 0;
    for (let i = 0; i < frames; i++) {
      const d = await cross(`lat-${i}-`, FRAME_TIMEOUT_MS);
      if (d === undefined) lost++;
      else delays.push(d);
    }
    console.log(`  ${summary('router', delays)}`);
    if (lost > 0) console.log(`  router lost: ${lost} frames (not delivered within ${FRAME_TIMEOUT_MS} ms)`);
  } finally {
    port.close();
    await injector.stop();
  }
}

if (process.getuid?.() !== 0 || !hasProgram('ip')) {
  console.error('bench:pcap needs root and iproute2 (it makes two network namespaces and a veth pair)');
  process.exit(2);
}
const frames = framesArg();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void deleteNetnsWithPrefix(PREFIX).finally(() => process.exit(130));
  });
}
try {
  await run(frames);
  await routerPort(frames);
} catch (e) {
  console.error(`bench:pcap broke: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await deleteNetnsWithPrefix(PREFIX);
}
