// Issue 4 point 2: the same frame sequence through a real Linux bridge (netns, veth ports, STP off,
// multicast snooping off, same ageing time) and through the learning oracle gives the same egress
// ports for every frame. Capacity (the seed's per-model table sizes) has no Linux counterpart and is
// tested against the oracle alone in learning-bridge.spec.ts.
//
// The ageing time is 3 s in both: far below the RTX command's 30 s minimum (§1.3), which only the
// config parser enforces; the oracle's ageing mechanism is the same at any length.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { LearningBridge } from '../../../reference-impl/bridge/index.ts';
import { BROADCAST, bpduFrame, ethFrame, hostMac } from './frames.ts';
import { LinuxBridge } from './linux-bridge-fixture.ts';

const AGEING_MS = 3_000;
const PORTS = 4;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function hasTools(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    execFileSync('bridge', ['-V'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

const A = hostMac(0xa);
const B = hostMac(0xb);
const C = hostMac(0xc);
const D = hostMac(0xd);
const E = hostMac(0xe);

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Test payload marker understood by linux-bridge-ports.py: "BX" + u32 id + kind. */
function marker(id: number, kind: 0 | 1): number[] {
  return [0x42, 0x58, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, kind];
}

interface Step {
  note: string;
  port: number;
  src: string;
  dst: string;
  vid?: number;
  bpdu?: boolean;
}

test.describe('Linux bridge cross-check', () => {
  test.describe.configure({ mode: 'serial' });
  test.skip(!isRoot, 'needs root to create network namespaces');
  test.skip(isRoot && !hasTools(), 'needs python3 and iproute2 `bridge`');

  const lb = new LinuxBridge({ prefix: `brx${process.pid}`, ports: PORTS, ageingCentiseconds: AGEING_MS / 10 });
  const oracle = new LearningBridge({
    members: lb.ports.map((name) => ({ name, kind: 'lan' as const })),
    // Linux has no learning limit by default; the seed's sizes are tested against the oracle only.
    dynamicCapacity: 100_000,
    staticCapacity: 100,
    ageingMs: AGEING_MS,
  });
  let t0 = 0;
  let nextId = 1;
  const lastSeen = new Map<string, number>();

  test.beforeAll(async () => {
    lb.tearDown(); // leftovers of a crashed earlier run with the same pid
    lb.setUp();
    await lb.waitForwarding();
    await lb.startHelper();
    t0 = performance.now();
  });

  test.afterAll(() => {
    lb.tearDown();
  });

  /** Sends one step through both bridges and checks they agree; returns the egress ports. */
  async function both(step: Step): Promise<string[]> {
    const id = nextId++;
    const frame = step.bpdu
      ? bpduFrame(step.src, id)
      : ethFrame(step.dst, step.src, { vid: step.vid, etherType: 0x88b5, payload: marker(id, 0) });
    const probeId = nextId++;
    const probe = ethFrame(BROADCAST, `02:ff:00:00:00:0${step.port}`, { etherType: 0x88b5, payload: marker(probeId, 1) });
    const now = performance.now() - t0;
    const res = await lb.request({ op: 'send', port: lb.hostPorts[step.port], frame: hex(frame), probe: hex(probe), probeId });
    expect(res.ok, `${step.note}: ${res.error ?? ''}`).toBe(true);
    const linux: string[] = [];
    for (const [h, frames] of Object.entries(res.received ?? {})) {
      if (frames.length === 0) continue;
      // a bridged frame leaves each port once and unchanged (tags included, §4.3)
      expect(frames, `${step.note}: frames out of ${h}`).toEqual([hex(frame)]);
      linux.push(h.replace(/^h/, 'p'));
    }
    linux.sort();
    const predicted = [...oracle.forward(frame, lb.ports[step.port], now).egress].sort();
    expect(predicted, `${step.note}: oracle vs Linux at t=${now.toFixed(0)} ms`).toEqual(linux);
    lastSeen.set(step.src, now);
    return linux;
  }

  test('learning, flooding, tags, BPDUs and moves give the same egress ports', async () => {
    const steps: Step[] = [
      { note: 'broadcast from A floods', port: 0, src: A, dst: BROADCAST },
      { note: 'unknown unicast A->B floods', port: 0, src: A, dst: B },
      { note: 'B->A goes to A only (learned)', port: 1, src: B, dst: A },
      { note: 'A->B goes to B only (learned)', port: 0, src: A, dst: B },
      { note: 'multicast from C floods', port: 2, src: C, dst: '01:00:5e:01:02:03' },
      { note: 'tagged C->A (VID 10) to A only', port: 2, src: C, dst: A, vid: 10 },
      { note: 'tagged D->B (VID 20) to B only', port: 3, src: D, dst: B, vid: 20 },
      { note: 'tagged B->D (VID 20), D learned from a tagged frame', port: 1, src: B, dst: D, vid: 20 },
      { note: 'BPDU from E floods (no STP)', port: 3, src: E, dst: '01:80:c2:00:00:00', bpdu: true },
      { note: 'unknown unicast to a never-seen MAC floods', port: 1, src: B, dst: hostMac(0x77) },
      { note: 'A moves to p2: broadcast', port: 2, src: A, dst: BROADCAST },
      { note: 'B->A follows the move', port: 1, src: B, dst: A },
      { note: 'A->C where C is on the ingress port: discarded', port: 2, src: A, dst: C },
      { note: 'frame to itself: discarded', port: 2, src: A, dst: A },
      { note: 'group source address: dropped', port: 0, src: '03:00:00:00:00:01', dst: BROADCAST },
      { note: 'E->D to D only', port: 3, src: E, dst: D },
    ];
    for (const s of steps) await both(s);
    // a few spot checks that the sequence exercised what it claims (Linux side)
    expect(lb.learnedMacs().has(A)).toBe(true);
  });

  test('ageing: a silent MAC is forgotten after the timer, a refreshed one is kept', async () => {
    test.setTimeout(30_000);
    await both({ note: 'A learned', port: 0, src: A, dst: BROADCAST });
    await both({ note: 'D learned', port: 3, src: D, dst: BROADCAST });
    await both({ note: 'B learned', port: 1, src: B, dst: BROADCAST });
    expect(await both({ note: 'C->A before ageing: A only', port: 2, src: C, dst: A })).toEqual(['p0']);
    // Event-driven wait: poll the kernel's FDB until A and D are gone (and our clock agrees the
    // timer has run out); refresh B about once a second, each refresh itself a compared step.
    const quiet = [A, D];
    const agedBy = () => Math.max(...quiet.map((m) => lastSeen.get(m) ?? 0)) + AGEING_MS + 100;
    let lastRefresh = performance.now() - t0;
    const deadline = Date.now() + AGEING_MS + 8_000;
    while (quiet.some((m) => lb.learnedMacs().has(m)) || performance.now() - t0 < agedBy()) {
      if (Date.now() > deadline) throw new Error('the kernel FDB did not age out A and D in time');
      if (performance.now() - t0 - lastRefresh >= 1_000) {
        await both({ note: 'B refresh (broadcast)', port: 1, src: B, dst: BROADCAST });
        lastRefresh = performance.now() - t0;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await both({ note: 'B->A after A aged: floods', port: 1, src: B, dst: A })).toEqual(['p0', 'p2', 'p3']);
    expect(await both({ note: 'B->D after D aged: floods', port: 1, src: B, dst: D })).toEqual(['p0', 'p2', 'p3']);
    expect(await both({ note: 'C->B: B kept by its refreshes', port: 2, src: C, dst: B })).toEqual(['p1']);
  });
});
