// Unit tests of the bridge oracle against the documented facts (yamaha-platform-facts.md §1.3, §4.2,
// §4.3; seed "L2TPv3とブリッジ機能", learning-table sizes table).
import { test, expect } from '@playwright/test';
import { LearningBridge, learningTimerFromCommand, type LearningBridgeOptions } from '../../../reference-impl/bridge/index.ts';
import { BROADCAST, bpduFrame, ethFrame, hostMac } from './frames.ts';

// seed learning-table table, RTX1220 row: 動的 256 / 静的 32.
const RTX1220 = { dynamicCapacity: 256, staticCapacity: 32 };
const A = hostMac(1);
const B = hostMac(2);
const C = hostMac(3);

function bridge(extra: Partial<LearningBridgeOptions> = {}): LearningBridge {
  return new LearningBridge({
    members: [
      { name: 'lan1', kind: 'lan' },
      { name: 'lan2', kind: 'lan' },
      { name: 'tunnel1', kind: 'tunnel' },
    ],
    establishedTunnels: ['tunnel1'],
    ...RTX1220,
    ...extra,
  });
}

test.describe('learning and flooding (§4.2, seed ブリッジ機能)', () => {
  test('unknown unicast, broadcast and multicast go to every member but the ingress', () => {
    const br = bridge();
    expect(br.forward(ethFrame(B, A), 'lan1', 0).egress).toEqual(['lan2', 'tunnel1']);
    expect(br.forward(ethFrame(BROADCAST, A), 'lan2', 0).egress).toEqual(['lan1', 'tunnel1']);
    expect(br.forward(ethFrame('01:00:5e:00:00:01', A), 'tunnel1', 0).egress).toEqual(['lan1', 'lan2']);
  });

  test('a learned source MAC receives unicast on its member only', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    const d = br.forward(ethFrame(A, B), 'lan1', 10);
    expect(d.egress).toEqual(['tunnel1']);
    expect(d.reason).toBe('known-unicast');
    // and B was learned on lan1 by that frame
    expect(br.forward(ethFrame(B, A), 'tunnel1', 20).egress).toEqual(['lan1']);
  });

  test('a station that moves is re-learned on its new member', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, A), 'lan1', 0);
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 5);
    expect(br.forward(ethFrame(A, B), 'lan2', 6).egress).toEqual(['tunnel1']);
  });

  test('802.1Q-tagged frames and BPDUs are bridged (§4.3), tags and all', () => {
    const br = bridge();
    const tagged = ethFrame(BROADCAST, A, { vid: 10 });
    expect(br.forward(tagged, 'lan1', 0).egress).toEqual(['lan2', 'tunnel1']);
    // the tagged frame taught the bridge where A is
    expect(br.forward(ethFrame(A, B, { vid: 10 }), 'tunnel1', 1).egress).toEqual(['lan1']);
    expect(br.forward(bpduFrame(C), 'lan2', 2).egress).toEqual(['lan1', 'tunnel1']);
  });

  test('without tagged-frame support (vRX, §4.3) a tagged frame is not bridged', () => {
    const br = bridge({ passTaggedFrames: false });
    expect(br.forward(ethFrame(BROADCAST, A, { vid: 10 }), 'lan1', 0).egress).toEqual([]);
    expect(br.forward(ethFrame(BROADCAST, A), 'lan1', 0).egress).toEqual(['lan2', 'tunnel1']);
  });

  test('an L2MS-like frame (EtherType the bridge does not interpret) follows the same rules (seed L2TPv3とL2MS)', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, B), 'tunnel1', 0);
    expect(br.forward(ethFrame(B, A, { etherType: 0x9999 }), 'lan1', 1).egress).toEqual(['tunnel1']);
    expect(br.forward(ethFrame('01:a0:de:00:00:01', A, { etherType: 0x9999 }), 'lan1', 2).egress).toEqual(['lan2', 'tunnel1']);
  });

  test('a malformed frame and an unknown ingress give clear answers', () => {
    const br = bridge();
    const d = br.forward(new Uint8Array(10), 'lan1', 0);
    expect(d.egress).toEqual([]);
    expect(d.reason).toBe('drop-malformed');
    expect(() => br.forward(ethFrame(B, A), 'lan9', 0)).toThrow(/bridge1 has no member lan9/);
    expect(() => br.forward(ethFrame(B, A), 'lan1', -5)).toThrow(/time went backwards/);
  });
});

test.describe('ageing (§1.3 timer default 300 s, 30..32767 or off; §4.2)', () => {
  test('the default timer forgets a MAC 300 s after its last frame', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    expect(br.forward(ethFrame(A, B), 'lan1', 299_999).egress).toEqual(['tunnel1']);
    expect(br.forward(ethFrame(A, B), 'lan1', 300_000).egress).toEqual(['lan2', 'tunnel1']);
  });

  test('each frame from the MAC restarts its timer', () => {
    const br = bridge({ ageingMs: learningTimerFromCommand('30') });
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 20_000);
    expect(br.forward(ethFrame(A, B), 'lan1', 49_000).egress).toEqual(['tunnel1']);
    expect(br.forward(ethFrame(A, B), 'lan1', 50_000).egress).toEqual(['lan2', 'tunnel1']);
  });

  test('timer off: entries never age', () => {
    const br = bridge({ ageingMs: learningTimerFromCommand('off') });
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    expect(br.forward(ethFrame(A, B), 'lan1', 32767_000 * 100).egress).toEqual(['tunnel1']);
  });

  test('the timer command accepts 30..32767 and off, and names a bad value', () => {
    expect(learningTimerFromCommand('30')).toBe(30_000);
    expect(learningTimerFromCommand('32767')).toBe(32_767_000);
    expect(learningTimerFromCommand('off')).toBeNull();
    expect(() => learningTimerFromCommand('29')).toThrow(/29 s is outside 30\.\.32767/);
    expect(() => learningTimerFromCommand('32768')).toThrow(/outside/);
    expect(() => learningTimerFromCommand('5m')).toThrow(/"5m"/);
  });
});

test.describe('capacity (seed learning-table sizes; §4.2 oldest entry dropped)', () => {
  test('the 257th MAC on an RTX1220-sized table drops the oldest entry', () => {
    const br = bridge();
    for (let i = 0; i < 256; i++) br.forward(ethFrame(BROADCAST, hostMac(100 + i)), 'tunnel1', i);
    expect(br.table(300).rows).toHaveLength(256);
    const d = br.forward(ethFrame(BROADCAST, hostMac(1000)), 'lan2', 400);
    expect(d.evicted?.mac).toBe(hostMac(100));
    const rows = br.table(401).rows;
    expect(rows).toHaveLength(256);
    expect(rows.some((r) => r.mac === hostMac(100))).toBe(false);
    // the dropped MAC floods again; the next-oldest is still known (the source is already in the
    // table, so these lookups learn nothing new and evict nothing)
    expect(br.forward(ethFrame(hostMac(100), hostMac(1000)), 'lan1', 402).egress).toEqual(['lan2', 'tunnel1']);
    expect(br.forward(ethFrame(hostMac(101), hostMac(1000)), 'lan1', 403).egress).toEqual(['tunnel1']);
  });

  test('vRX-sized table (3000 dynamic) holds 3000 MACs', () => {
    const br = bridge({ dynamicCapacity: 3000, staticCapacity: 300 });
    for (let i = 0; i < 3000; i++) br.forward(ethFrame(BROADCAST, hostMac(i + 10)), 'lan2', 0);
    expect(br.table(0).rows).toHaveLength(3000);
    // source already known: no new entry, so nothing is evicted by the lookup itself
    expect(br.forward(ethFrame(hostMac(10), hostMac(11)), 'lan1', 1).egress).toEqual(['lan2']);
    expect(br.forward(ethFrame(BROADCAST, A), 'lan1', 2).evicted?.mac).toBe(hostMac(10));
  });

  test('static entries beyond the static size are refused (RTX1220: 32)', () => {
    const br = bridge();
    for (let i = 0; i < 32; i++) expect(br.addStatic(hostMac(500 + i), 'lan1')).toEqual({ ok: true });
    const r = br.addStatic(hostMac(600), 'lan1');
    expect(r.ok).toBe(false);
  });
});

test.describe('static entries (§1.3 CR §45.4, §4.2)', () => {
  test('a static entry wins over a learned one', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, A), 'lan2', 0);
    expect(br.addStatic(A, 'lan1')).toEqual({ ok: true });
    const d = br.forward(ethFrame(A, B), 'tunnel1', 1);
    expect(d.egress).toEqual(['lan1']);
    expect(d.reason).toBe('static-unicast');
  });

  test('static entries accept LAN members of this bridge only', () => {
    const br = bridge();
    expect(br.addStatic(A, 'tunnel1').ok).toBe(false);
    expect(br.addStatic(A, 'lan3').ok).toBe(false);
    expect(br.forward(ethFrame(A, B), 'lan2', 0).egress).toEqual(['lan1', 'tunnel1']);
    expect(() => br.addStatic('not-a-mac', 'lan1')).toThrow(/"not-a-mac" is not a MAC address/);
  });

  test('static entries do not age', () => {
    const br = bridge({ ageingMs: 30_000 });
    br.addStatic(A, 'lan1');
    expect(br.forward(ethFrame(A, B), 'lan2', 10_000_000).egress).toEqual(['lan1']);
  });
});

test.describe('clear bridge learning and learning off', () => {
  test('clear removes dynamic entries only (§1.3 CR §56.4.9)', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    br.addStatic(C, 'lan2');
    expect(br.clear()).toBe(1);
    expect(br.table(1).rows).toEqual([{ mac: C, member: 'lan2', type: 'static' }]);
    expect(br.forward(ethFrame(A, B), 'lan1', 2).egress).toEqual(['lan2', 'tunnel1']);
    expect(br.forward(ethFrame(C, B), 'lan1', 3).egress).toEqual(['lan2']);
  });

  test('learning off: nothing new is learned, frames flood, static entries still decide', () => {
    const br = bridge({ learning: false });
    br.addStatic(C, 'lan2');
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    expect(br.forward(ethFrame(A, B), 'lan1', 1).egress).toEqual(['lan2', 'tunnel1']);
    expect(br.forward(ethFrame(C, B), 'lan1', 2).egress).toEqual(['lan2']);
    expect(br.table(3).rows.filter((r) => r.type === 'dynamic')).toEqual([]);
    br.setLearning(true);
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 4);
    expect(br.forward(ethFrame(A, B), 'lan1', 5).egress).toEqual(['tunnel1']);
  });
});

test.describe('tunnel member state (§4.3: bridges only while established)', () => {
  test('a down tunnel gets no flood, sends nothing in, and loses its learned MACs', () => {
    const br = bridge();
    br.forward(ethFrame(BROADCAST, A), 'tunnel1', 0);
    br.setTunnelEstablished('tunnel1', false);
    expect(br.forward(ethFrame(BROADCAST, B), 'lan1', 1).egress).toEqual(['lan2']);
    expect(br.forward(ethFrame(A, B), 'lan1', 2).egress).toEqual(['lan2']);
    expect(br.forward(ethFrame(BROADCAST, A), 'tunnel1', 3).egress).toEqual([]);
    br.setTunnelEstablished('tunnel1', true);
    expect(br.forward(ethFrame(A, B), 'lan1', 4).egress).toEqual(['lan2', 'tunnel1']);
  });

  test('a tunnel starts down until established', () => {
    const br = bridge({ establishedTunnels: [] });
    expect(br.forward(ethFrame(BROADCAST, A), 'lan1', 0).egress).toEqual(['lan2']);
    expect(() => br.setTunnelEstablished('lan1', true)).toThrow(/lan1 is a LAN member/);
  });
});

test('table view lists static and dynamic entries with idle time', () => {
  const br = bridge();
  br.forward(ethFrame(BROADCAST, B), 'tunnel1', 1_000);
  br.addStatic(A, 'lan1');
  const v = br.table(4_000);
  expect(v).toMatchObject({ bridge: 'bridge1', learning: true, ageingMs: 300_000, dynamicCapacity: 256, staticCapacity: 32 });
  expect(v.rows).toEqual([
    { mac: A, member: 'lan1', type: 'static' },
    { mac: B, member: 'tunnel1', type: 'dynamic', idleMs: 3_000 },
  ]);
});
