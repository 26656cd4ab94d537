// Capture and injection (issue 8, drivers/capture): a veth pair between two test namespaces; the
// capture agent runs inside each namespace; frames injected at one end are captured at the other,
// filtered by BPF, written to one pcap file per test and decoded by the oracle codec.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Capture } from '../../../drivers/capture/index.ts';
import { encodeFrame, encodeMessage, MessageReader, MSG } from '../../../drivers/capture/agent-protocol.ts';
import { createNetns, createVethPair, deleteNetnsWithPrefix } from '../../../drivers/hosts/netns.ts';
import { hasProgram } from '../../../drivers/hosts/command.ts';
import { frameL2tp, LINKTYPE, readCaptureFile } from '../../../reference-impl/capture/index.ts';
import { avps, encodeControlMessage, MESSAGE_TYPE } from '../../../reference-impl/l2tpv3/index.ts';

const PREFIX = `l2cap${process.pid}-`;
const NS_A = `${PREFIX}a`;
const NS_B = `${PREFIX}b`;
const isRoot = process.getuid?.() === 0;

/** An Ethernet frame with a marker (EtherType 0x88b5: IEEE local experimental). */
function markerFrame(marker: string): Uint8Array {
  const f = Buffer.alloc(64);
  f.fill(0xff, 0, 6);
  f.set([0x02, 0, 0, 0, 0, 0x0a], 6);
  f.writeUInt16BE(0x88b5, 12);
  f.write(marker, 14);
  return new Uint8Array(f);
}
const hasMarker = (m: string) => (d: Uint8Array) => Buffer.from(d).includes(m);

test.describe('agent stream framing (pure)', () => {
  test('messages split at any chunk boundary are reassembled in order and unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map((f, i) => Buffer.from(encodeFrame(1000 + i, f))));
        const r = new MessageReader();
        const got: Uint8Array[] = [];
        let o = 0;
        for (let i = 0; o < stream.length; i++) {
          const n = cuts[i % cuts.length];
          for (const m of r.push(new Uint8Array(stream.subarray(o, o + n)))) got.push(m.payload.slice(8));
          o += n;
        }
        expect(got.map((g) => Buffer.from(g).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
      }),
    );
  });

  test('a length beyond any frame is a broken stream, reported with its offset', () => {
    const bad = encodeMessage(MSG.FRAME, new Uint8Array(0));
    new DataView(bad.buffer).setUint32(1, 0x7fffffff, false);
    expect(() => new MessageReader().push(bad)).toThrow(/broken: message of 2147483647 octets at stream offset 0/);
  });
});

test.describe('capture and injection on a veth pair between two namespaces', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(!isRoot, 'network namespaces and libpcap need root');
  test.skip(!hasProgram('ip'), 'iproute2 (ip) is not installed');
  let a: Capture | undefined;
  let b: Capture | undefined;

  test.beforeAll(async () => {
    await deleteNetnsWithPrefix(PREFIX);
    await createNetns(NS_A, { ipv6: false });
    await createNetns(NS_B, { ipv6: false });
    await createVethPair({ name: 'va', netns: NS_A }, { name: 'vb', netns: NS_B });
  });
  test.afterAll(async () => {
    await deleteNetnsWithPrefix(PREFIX);
  });
  test.afterEach(async () => {
    // one pcap per test: what the far end captured during this test
    if (b) {
      const file = b.writePcap(test.info().outputPath('vb.pcap'));
      await test.info().attach('vb.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
    }
    await a?.stop();
    await b?.stop();
    a = b = undefined;
  });

  test('a frame injected at one end is captured at the other, byte for byte, and saved as pcap', async () => {
    [a, b] = await Promise.all([Capture.start({ iface: 'va', netns: NS_A }), Capture.start({ iface: 'vb', netns: NS_B })]);
    const sent = markerFrame('cap-test-one');
    await a.inject(sent);
    const got = await b.waitForFrame(hasMarker('cap-test-one'), 5000, { what: 'the marker frame' });
    expect(Buffer.from(got.data).toString('hex')).toBe(Buffer.from(sent).toString('hex'));
    // the pcap file holds the same frame with an Ethernet link type
    const file = b.writePcap(test.info().outputPath('check.pcap'));
    const pcap = readCaptureFile(new Uint8Array(readFileSync(file)));
    expect(pcap.format).toBe('pcap');
    expect(pcap.linkTypes).toEqual([LINKTYPE.ETHERNET]);
    const rec = pcap.records.find((r) => hasMarker('cap-test-one')(r.data));
    expect(rec && Buffer.from(rec.data).equals(Buffer.from(sent))).toBe(true);
  });

  test('short frames are padded to the Ethernet minimum of 60 octets on injection', async () => {
    [a, b] = await Promise.all([Capture.start({ iface: 'va', netns: NS_A }), Capture.start({ iface: 'vb', netns: NS_B })]);
    const short = markerFrame('short!').slice(0, 20);
    await a.inject(short);
    const got = await b.waitForFrame(hasMarker('short!'), 5000);
    expect(got.data.length).toBe(60);
    expect(Buffer.from(got.data.subarray(0, 20)).equals(Buffer.from(short))).toBe(true);
  });

  test('a BPF filter keeps L2TPv3 over UDP and drops the rest; the oracle codec decodes what was kept', async () => {
    [a, b] = await Promise.all([Capture.start({ iface: 'va', netns: NS_A }), Capture.start({ iface: 'vb', netns: NS_B, filter: 'udp port 1701' })]);
    const sccrq = encodeControlMessage({ ccid: 0, ns: 0, nr: 0, avps: [avps.messageType(MESSAGE_TYPE.SCCRQ), avps.hostName('CAPTEST'), avps.routerId(0xc6336401)] });
    const l2tp = frameL2tp({ transport: 'udp', src: '198.51.100.1', dst: '198.51.100.2', payload: sccrq });
    await a.inject(markerFrame('not-l2tp'));
    await a.inject(l2tp);
    await b.waitForFrame((d) => d.length === l2tp.length, 5000, { what: 'the SCCRQ' });
    expect(b.frames.some((f) => hasMarker('not-l2tp')(f.data))).toBe(false);
    const decoded = b.decode();
    expect(decoded).toHaveLength(1);
    expect(decoded[0]).toMatchObject({ kind: 'control', transport: 'udp', src: '198.51.100.1', dst: '198.51.100.2', dstPort: 1701 });
    expect(decoded[0].control?.messageType).toBe('SCCRQ');
    expect(decoded[0].control?.avps.find((x) => x.name === 'Host Name')?.value).toBe('CAPTEST');
  });

  test('waitForFrame is bounded: no match within the timeout rejects, naming what was awaited', async () => {
    [a, b] = await Promise.all([Capture.start({ iface: 'va', netns: NS_A }), Capture.start({ iface: 'vb', netns: NS_B })]);
    const t0 = Date.now();
    await expect(b.waitForFrame(hasMarker('never-sent'), 300, { what: 'the ghost frame' })).rejects.toThrow(/no the ghost frame on vb within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test('frames already captured satisfy a later wait; `after` waits only for newer frames', async () => {
    [a, b] = await Promise.all([Capture.start({ iface: 'va', netns: NS_A }), Capture.start({ iface: 'vb', netns: NS_B })]);
    await a.inject(markerFrame('early-frame'));
    const first = await b.waitForFrame(hasMarker('early-frame'), 5000);
    const again = await b.waitForFrame(hasMarker('early-frame'), 100);
    expect(again.index).toBe(first.index);
    const later = b.waitForFrame(hasMarker('early-frame'), 5000, { after: first.index });
    await a.inject(markerFrame('early-frame'));
    expect((await later).index).toBeGreaterThan(first.index);
  });

  test("timestamps are libpcap's, taken as the frame passed, not when the agent read it", async () => {
    [a, b] = await Promise.all([Capture.start({ iface: 'va', netns: NS_A }), Capture.start({ iface: 'vb', netns: NS_B })]);
    const pid = b.agentPid;
    expect(pid).toBeDefined();
    const beforeUs = Date.now() * 1000;
    process.kill(pid!, 'SIGSTOP');
    let resumedUs: number;
    try {
      await a.inject(markerFrame('ts-while-paused'));
      // The stimulus: time passes while the frame waits in the kernel for the paused agent.
      await new Promise((resolve) => setTimeout(resolve, 400));
    } finally {
      resumedUs = Date.now() * 1000;
      process.kill(pid!, 'SIGCONT');
    }
    const got = await b.waitForFrame(hasMarker('ts-while-paused'), 5000, { what: 'the frame injected while the agent was paused' });
    // A stamp taken on reading would be at or after the resume; libpcap's is from when the frame passed
    // (Date.now() has millisecond resolution: 1 ms of slack on the lower bound).
    expect(got.timestampUs).toBeGreaterThanOrEqual(beforeUs - 1000);
    expect(got.timestampUs).toBeLessThan(resumedUs - 300_000);
  });

  test('an interface that is not there is a clear error, not a hang', async () => {
    await expect(Capture.start({ iface: 'nosuch0', netns: NS_B, startTimeoutMs: 15_000 })).rejects.toThrow(/capture on nosuch0 in namespace .*: .*cannot capture on nosuch0/);
  });
});
