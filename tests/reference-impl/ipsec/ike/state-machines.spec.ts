// The oracle's IKEv1 state machines against each other on a virtual wire and clock (RFC 2409
// main/aggressive/quick mode, RFC 3706 DPD, RFC 3947 NAT-T, retransmission, lifetimes and
// rekeying, Delete), and the negative cases with the notification or drop each predicts.
import { test, expect } from '@playwright/test';
import { decodeMessage } from '../../../../reference-impl/ipsec/isakmp/message.ts';
import { EXCHANGE, ID_TYPE, MODP_GROUP, NOTIFY, type IdType } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import type { IkeGatewayConfig } from '../../../../reference-impl/ipsec/ike/ike-events.ts';
import { PHASE1_TRANSITIONS, QUICK_TRANSITIONS } from '../../../../reference-impl/ipsec/ike/transitions.ts';
import { PHASE1_HANDLERS } from '../../../../reference-impl/ipsec/ike/phase1.ts';
import { QUICK_HANDLERS } from '../../../../reference-impl/ipsec/ike/quick-mode.ts';
import { IKE_ASSUMPTIONS } from '../../../../reference-impl/ipsec/ike/profile.ts';
import { A, B, pair, type IkeSim } from './ike-sim.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** ISAKMP messages a node sent, decoded (header only for encrypted ones). */
function sent(sim: IkeSim, node: string) {
  return sim.actions(node, 'send').filter((a) => a.bytes.length > 1).map((a) => decodeMessage(a.localPort === 4500 ? a.bytes.subarray(4) : a.bytes));
}

function expectUp(sim: IkeSim): void {
  const [pa, pb] = [sim.actions(A, 'phase1Up'), sim.actions(B, 'phase1Up')];
  expect(pa).toHaveLength(1);
  expect(pb).toHaveLength(1);
  expect(pa[0].keys).toEqual(pb[0].keys);
  const [sa, sb] = [sim.actions(A, 'ipsecSaUp'), sim.actions(B, 'ipsecSaUp')];
  expect(sa).toHaveLength(1);
  expect(sb).toHaveLength(1);
  // What A sends, B receives: A's outbound SA is B's inbound one (same SPI, same keys).
  expect(sa[0].sa.outbound).toEqual(sb[0].sa.inbound);
  expect(sa[0].sa.inbound).toEqual(sb[0].sa.outbound);
  expect(sa[0].sa.inbound.spi).not.toBe(sa[0].sa.outbound.spi);
}

const AGGRESSIVE_A = (type: IdType, name: string): Partial<IkeGatewayConfig> => ({ exchange: 'aggressive', localId: { type, value: name } });
const AGGRESSIVE_B = (type: IdType, name: string): Partial<IkeGatewayConfig> => ({ exchange: 'aggressive', remote: 'any', remoteId: { type, value: name } });

test.describe('exchanges complete', () => {
  for (const pfs of [false, true]) {
    const p = pfs ? { pfsGroup: MODP_GROUP.modp1024 } : {};
    test(`main mode: 6 phase-1 messages, 3 quick-mode messages, same keys both ends${pfs ? ', with PFS' : ''}`, () => {
      const sim = pair(1, { ...p }, { ...p });
      sim.inject(A, { kind: 'connect', gateway: 1 });
      expectUp(sim);
      const ex = [...sent(sim, A), ...sent(sim, B)].map((m) => m.header.exchange);
      expect(ex.filter((e) => e === EXCHANGE.identityProtection)).toHaveLength(6);
      expect(ex.filter((e) => e === EXCHANGE.quick)).toHaveLength(3);
      expect(sim.actions(A, 'ipsecSaUp')[0].sa.pfsGroup).toBe(pfs ? MODP_GROUP.modp1024 : undefined);
      expect(sim.actions(A, 'log').map((l) => l.text)).toEqual([`[IKE] initiate ISAKMP phase to ${B} (local address ${A})`, `[IKE] initiate IPsec phase to ${B}`]);
      expect(sim.actions(B, 'log').map((l) => l.text)).toEqual([`[IKE] respond ISAKMP phase to ${A}`, `[IKE] respond IPsec phase to ${A}`]);
    });
    for (const [label, type] of [['KEY_ID', ID_TYPE.keyId], ['FQDN', ID_TYPE.fqdn], ['USER_FQDN', ID_TYPE.userFqdn]] as const) {
      test(`aggressive mode with ${label}: 3 phase-1 messages, responder has remote address any${pfs ? ', with PFS' : ''}`, () => {
        const sim = pair(2, { ...AGGRESSIVE_A(type, 'l2tpv3'), ...p }, { ...AGGRESSIVE_B(ID_TYPE.keyId, 'l2tpv3'), ...p });
        sim.inject(A, { kind: 'connect', gateway: 1 });
        expectUp(sim);
        const ex = [...sent(sim, A), ...sent(sim, B)].map((m) => m.header.exchange);
        expect(ex.filter((e) => e === EXCHANGE.aggressive)).toHaveLength(3);
        const am1 = sent(sim, A)[0];
        const id = am1.encrypted ? undefined : am1.payloads.find((x) => x.kind === 'id');
        expect(id).toMatchObject({ idType: type, data: Uint8Array.from(Buffer.from('l2tpv3')) });
      });
    }
  }

  for (const [cipher, hash, group] of [['3des-cbc', 'md5', MODP_GROUP.modp768], ['aes256-cbc', 'sha1', MODP_GROUP.modp1536], ['aes-cbc', 'sha256', MODP_GROUP.modp2048]] as const) {
    test(`phase 1 with ${cipher}/${hash}/group ${group} (key extension where the cipher needs more than the prf gives)`, () => {
      const suite = { phase1: [{ cipher, hash, group }] };
      const sim = pair(3, suite, suite);
      sim.inject(A, { kind: 'connect', gateway: 1 });
      expectUp(sim);
      const k = sim.actions(A, 'phase1Up')[0].keys;
      expect(k.encKey.length).toBe({ '3des-cbc': 24, 'aes256-cbc': 32, 'aes-cbc': 16 }[cipher]);
    });
  }

  test('a gateway with remote address any cannot initiate (yamaha-platform-facts.md §1.4)', () => {
    const sim = pair(4, {}, { remote: 'any' });
    sim.inject(B, { kind: 'connect', gateway: 1 });
    expect(sim.actions(B, 'send')).toEqual([]);
    expect(sim.actions(B, 'log')[0].text).toMatch(/cannot initiate/);
  });
});

test.describe('NAT traversal (RFC 3947)', () => {
  test('behind a NAT: detected from NAT-D, both float to 4500, UDP-encapsulated transport, keepalives from the NATed side only', () => {
    const sim = pair(5, {}, { remote: '203.0.113.9' });
    sim.nat = { inside: A, outside: '203.0.113.9', portShift: 1000 };
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expectUp(sim);
    expect(sim.actions(A, 'ipsecSaUp')[0].sa.udpEncapsulated).toBe(true);
    const aSends = sim.actions(A, 'send');
    expect(aSends.slice(0, 2).map((s) => s.localPort)).toEqual([500, 500]);
    expect(aSends.slice(2).every((s) => s.localPort === 4500 && s.to.port === 4500)).toBe(true);
    expect(sim.actions(B, 'ipsecSaUp')[0].sa.peer).toEqual({ address: '203.0.113.9', port: 5500 });
    sim.run(301_000);
    const keepalives = (n: string) => sim.actions(n, 'send').filter((s) => s.bytes.length === 1 && s.bytes[0] === 0xff);
    expect(keepalives(A).length).toBe(1); // NAT keepalive default 300 s (§1.4)
    expect(keepalives(B).length).toBe(0);
  });

  test('no NAT and force off: stays on 500, plain transport mode', () => {
    const sim = pair(6, {}, {});
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expectUp(sim);
    expect(sim.actions(A, 'ipsecSaUp')[0].sa.udpEncapsulated).toBe(false);
    expect(sim.actions(A, 'send').every((s) => s.localPort === 500)).toBe(true);
  });

  test('force=on without a NAT: floats and encapsulates anyway (assumption nat-t-force-fakes-nat-d)', () => {
    const force = { natTraversal: { on: true, force: true, keepaliveS: 300 as const } };
    const sim = pair(7, force, {});
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expectUp(sim);
    expect(sim.actions(A, 'ipsecSaUp')[0].sa.udpEncapsulated).toBe(true);
    expect(sim.actions(B, 'ipsecSaUp')[0].sa.udpEncapsulated).toBe(true);
  });
});

test.describe('retransmission, DPD, lifetimes', () => {
  test('a lost message 2 is recovered: the initiator resends after 10 s, the responder resends its answer to the duplicate', () => {
    const sim = pair(8, {}, {});
    let dropped = 0;
    sim.filter = (from) => !(from === B && dropped++ === 0);
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expect(sim.actions(A, 'phase1Up')).toEqual([]);
    sim.run(10_000);
    expectUp(sim);
    expect(sim.trace.find((e) => e.action.kind === 'phase1Up')?.t).toBe(10_000);
  });

  test('no answer at all: 5 retransmissions 10 s apart, then phase 1 is abandoned (assumption retransmission)', () => {
    const sim = pair(9, {}, {});
    sim.filter = (from) => from !== B;
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.run(100_000);
    const times = sim.trace.filter((e) => e.node === A && e.action.kind === 'send').map((e) => e.t);
    expect(times).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    const down = sim.trace.find((e) => e.node === A && e.action.kind === 'phase1Down');
    expect(down?.t).toBe(60_000);
  });

  test('DPD: R-U-THERE every interval is acknowledged; after the link dies the peer is declared dead after `count` unanswered', () => {
    const sim = pair(10, {}, {});
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.run(35_000);
    expect(sim.actions(A, 'peerDead')).toEqual([]);
    sim.filter = () => false;
    sim.run(200_000);
    const dead = sim.trace.find((e) => e.node === A && e.action.kind === 'peerDead');
    // Probes at 40..90 s go unanswered (6, the default count); the tick at 100 s declares the peer dead.
    expect(dead?.t).toBe(100_000);
    expect(sim.actions(A, 'ipsecSaDown')[0]?.reason).toBe('DPD: peer dead');
  });

  test('quick-mode rekey at 90 % of the lifetime; the old SA is deleted at expiry (ipsec auto refresh on)', () => {
    const life = { phase2LifetimeS: 100 };
    const sim = pair(11, life, life);
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.run(89_999);
    expect(sim.actions(A, 'ipsecSaUp')).toHaveLength(1);
    sim.run(90_000);
    expect(sim.actions(A, 'ipsecSaUp')).toHaveLength(2);
    expect(sim.actions(B, 'ipsecSaUp')).toHaveLength(2);
    sim.run(100_000);
    const first = sim.actions(A, 'ipsecSaUp')[0].sa.inbound.spi;
    expect(sim.actions(A, 'ipsecSaDown').map((d) => d.inboundSpi)).toEqual([first]);
    expect(sim.actions(B, 'ipsecSaDown')).toHaveLength(1);
    const [nodeA, nodeB] = [sim.nodes.get(A)!, sim.nodes.get(B)!];
    expect(nodeA.ipsecSas().size).toBe(1);
    expect(nodeB.ipsecSas().size).toBe(1);
  });

  test('ISAKMP SA rekey at 90 % of its lifetime, the old one deleted at expiry', () => {
    const life = { phase1LifetimeS: 200 };
    const sim = pair(12, life, life);
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.run(200_000);
    expect(sim.actions(A, 'phase1Up')).toHaveLength(2);
    expect(sim.trace.filter((e) => e.node === A && e.action.kind === 'phase1Up').map((e) => e.t)).toEqual([0, 180_000]);
    // Both ends expire the old SA at 200 s; whichever timer runs first sends the Delete the other acts on.
    const downs = sim.trace.filter((e) => e.node === A && e.action.kind === 'phase1Down');
    expect(downs.map((e) => e.t)).toEqual([200_000]);
    expect(['ISAKMP SA lifetime expired', 'peer sent Delete for the ISAKMP SA']).toContain(sim.actions(A, 'phase1Down')[0].reason);
    expect(sim.nodes.get(A)!.sas.size).toBe(1);
    expect(sim.actions(A, 'ipsecSaDown')).toEqual([]);
  });

  test('disconnect sends Delete for the ESP SA and the ISAKMP SA; the peer removes both', () => {
    const sim = pair(13, {}, {});
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.inject(A, { kind: 'disconnect', gateway: 1 });
    expect(sim.actions(B, 'ipsecSaDown').map((d) => d.reason)).toEqual(['peer sent Delete']);
    expect(sim.actions(B, 'phase1Down').map((d) => d.reason)).toEqual(['peer sent Delete for the ISAKMP SA']);
    expect(sim.actions(B, 'dropped')).toEqual([]);
  });
});

test.describe('negative cases: the notification or drop the oracle predicts', () => {
  test('wrong PSK in main mode: the responder cannot decrypt message 5 and drops it; the initiator gives up', () => {
    const sim = pair(14, {}, { psk: Uint8Array.from(Buffer.from('other')) });
    sim.inject(A, { kind: 'connect', gateway: 1 });
    const d = sim.actions(B, 'dropped')[0];
    expect(d.reason).toMatch(/decrypted payloads invalid|not a whole number/);
    sim.run(100_000);
    expect(sim.actions(A, 'phase1Down').map((x) => x.reason)).toEqual(['phase 1: no answer after retransmissions']);
    expect(sim.actions(B, 'phase1Up')).toEqual([]);
  });

  test('wrong PSK in aggressive mode: HASH_R fails at the initiator, which sends INVALID-HASH-INFORMATION', () => {
    const sim = pair(15, AGGRESSIVE_A(ID_TYPE.keyId, 'x'), { ...AGGRESSIVE_B(ID_TYPE.keyId, 'x'), psk: Uint8Array.from(Buffer.from('other')) });
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expect(sim.actions(B, 'notifyReceived')).toEqual([{ kind: 'notifyReceived', gateway: 1, notifyType: NOTIFY.invalidHashInformation, protected: false }]);
    expect(sim.actions(A, 'phase1Down')[0].reason).toBe('HASH_R does not verify');
  });

  test('mismatched phase-1 proposals: NO-PROPOSAL-CHOSEN to message 1', () => {
    const sim = pair(16, {}, { phase1: [{ cipher: '3des-cbc', hash: 'md5', group: MODP_GROUP.modp2048 }] });
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expect(sim.actions(A, 'notifyReceived')).toEqual([{ kind: 'notifyReceived', gateway: 1, notifyType: NOTIFY.noProposalChosen, protected: false }]);
    expect(sim.actions(A, 'phase1Down')).toHaveLength(1);
  });

  test('mismatched ESP proposal: protected NO-PROPOSAL-CHOSEN, quick mode abandoned, phase 1 stays', () => {
    const sim = pair(17, {}, { esp: { cipher: '3des-cbc', integrity: 'sha256-hmac' } });
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expect(sim.actions(A, 'phase1Up')).toHaveLength(1);
    expect(sim.actions(A, 'notifyReceived')).toEqual([{ kind: 'notifyReceived', gateway: 1, notifyType: NOTIFY.noProposalChosen, protected: true }]);
    expect(sim.actions(A, 'ipsecSaUp')).toEqual([]);
    expect(sim.actions(A, 'phase1Down')).toEqual([]);
  });

  test('wrong identity in aggressive mode: INVALID-ID-INFORMATION', () => {
    const sim = pair(18, AGGRESSIVE_A(ID_TYPE.keyId, 'intruder'), AGGRESSIVE_B(ID_TYPE.keyId, 'l2tpv3'));
    sim.inject(A, { kind: 'connect', gateway: 1 });
    expect(sim.actions(A, 'notifyReceived').map((n) => n.notifyType)).toEqual([NOTIFY.invalidIdInformation]);
    expect(sim.actions(B, 'phase1Down')[0].reason).toBe('no gateway for the peer identity');
  });
});

test('the transition tables are complete: every handler is used by one row, every start row reaches established/done', () => {
  expect(PHASE1_TRANSITIONS.map((t) => t.handler).sort()).toEqual(Object.keys(PHASE1_HANDLERS).sort());
  expect(QUICK_TRANSITIONS.map((t) => t.handler).sort()).toEqual(Object.keys(QUICK_HANDLERS).sort());
  for (const mode of ['main', 'aggressive'] as const) {
    for (const role of ['initiator', 'responder'] as const) {
      let s: string = 'start';
      const seen: string[] = [];
      for (;;) {
        const row = PHASE1_TRANSITIONS.find((t) => t.mode === mode && t.role === role && t.from === s);
        if (!row) break;
        seen.push(row.sends);
        s = row.to;
      }
      expect(s, `${mode} ${role}`).toBe('established');
      expect(seen.length).toBe(mode === 'main' ? (role === 'initiator' ? 4 : 3) : 2);
    }
  }
  expect(new Set(IKE_ASSUMPTIONS.map((a) => a.id)).size).toBe(IKE_ASSUMPTIONS.length);
});

test('same seed, same run: the state machines are deterministic', () => {
  const run = () => {
    const sim = pair(19, {}, {});
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.run(60_000);
    return sim.trace.map((e) => `${e.t} ${e.node} ${e.action.kind} ${e.action.kind === 'send' ? hex(e.action.bytes) : ''}`);
  };
  expect(run()).toEqual(run());
});
