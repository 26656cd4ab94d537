// Each IKE/ESP misbehaviour of the peer, shown by its effect on a well-behaved peer at the other end
// (the oracle, as an RTX would answer): wrong PSK and unoffered proposals are refused in phase 1 or
// quick mode (RFC 2409; NO-PROPOSAL-CHOSEN, RFC 2408 §3.14.1), a wrong aggressive-mode identity
// gets INVALID-ID-INFORMATION, a replayed ESP packet is dropped by the replay window and a corrupted
// one by the ICV check (RFC 4303 §3.4.3, §3.4.4), unanswered DPD ends in "peer dead" (RFC 3706
// §5.5), and a Delete mid-session takes both SAs down (RFC 2408 §3.15).
import { test, expect } from '@playwright/test';
import { ID_TYPE } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import { Pair } from './pair.ts';

const FRAME = Uint8Array.from([...Array(6).fill(0xff), 2, 0, 0, 0, 0x52, 1, 0x08, 0x06, ...Array(46).fill(0x33)]);
const frameIn = (e: { kind: string; frame?: Uint8Array }) => (e.kind === 'frame' ? e.frame : undefined);

test('ike-wrong-psk: the responder cannot decrypt main mode message 5 and drops it; phase 1 never comes up', async () => {
  const pair = await Pair.open({ aMisbehave: ['ike-wrong-psk'], retransmitMs: 300 });
  try {
    const { a, b } = pair;
    const why = await b.ipsec.waitFor((e) => (e.kind === 'ikeDropped' ? e.reason : undefined), 10_000, 'the refusal');
    expect(why).toMatch(/wrong key/);
    // The initiator gives up after its retransmissions; neither side ever had an ISAKMP SA.
    await a.ipsec.waitFor((e) => (e.kind === 'phase1Down' ? e : undefined), 10_000, 'phase 1 abandoned');
    expect([...a.ipsec.events, ...b.ipsec.events].filter((e) => e.kind === 'phase1Up')).toEqual([]);
  } finally {
    await pair.close(test.info());
  }
});

test('ike-proposal=phase1: the responder answers NO-PROPOSAL-CHOSEN in the clear', async () => {
  const pair = await Pair.open({ aMisbehave: ['ike-proposal'] });
  try {
    const n = await pair.a.ipsec.waitFor((e) => (e.kind === 'notify' ? e : undefined), 10_000, 'a notification');
    expect(n).toMatchObject({ name: 'noProposalChosen', protected: false });
    expect(await pair.a.ipsec.waitFor((e) => (e.kind === 'phase1Down' ? e.reason : undefined), 5000, 'phase 1 down')).toMatch(/noProposalChosen/);
  } finally {
    await pair.close(test.info());
  }
});

test('ike-proposal=esp: phase 1 comes up, quick mode is refused with a protected NO-PROPOSAL-CHOSEN and no SA', async () => {
  const pair = await Pair.open({ aMisbehave: ['ike-proposal=esp'] });
  try {
    await pair.a.ipsec.waitFor((e) => (e.kind === 'phase1Up' ? e : undefined), 10_000, 'phase 1');
    const n = await pair.a.ipsec.waitFor((e) => (e.kind === 'notify' ? e : undefined), 10_000, 'a notification');
    expect(n).toMatchObject({ name: 'noProposalChosen', protected: true });
    expect([...pair.a.ipsec.events, ...pair.b.ipsec.events].filter((e) => e.kind === 'saUp')).toEqual([]);
  } finally {
    await pair.close(test.info());
  }
});

test('ike-wrong-id: an aggressive-mode identity the responder does not know gets INVALID-ID-INFORMATION', async () => {
  const expected = { type: ID_TYPE.fqdn, value: 'peer-a.example' };
  const pair = await Pair.open({ a: { mode: 'aggressive', localId: expected }, b: { mode: 'aggressive', remoteId: expected }, bAny: true, aMisbehave: ['ike-wrong-id'] });
  try {
    const n = await pair.a.ipsec.waitFor((e) => (e.kind === 'notify' ? e : undefined), 10_000, 'a notification');
    expect(n).toMatchObject({ name: 'invalidIdInformation', protected: false });
    expect([...pair.a.ipsec.events, ...pair.b.ipsec.events].filter((e) => e.kind === 'phase1Up')).toEqual([]);
  } finally {
    await pair.close(test.info());
  }
});

test('esp-replay: the copy of a data packet is dropped by the replay window, the frame arrives once', async () => {
  const pair = await Pair.open({ aMisbehave: ['esp-replay'] });
  try {
    const { a, b } = pair;
    await a.peer.established(15_000);
    await b.peer.established(15_000);
    a.peer.sendFrame(FRAME);
    const drop = await b.ipsec.waitFor((e) => (e.kind === 'espDropped' ? e : undefined), 5000, 'the replayed copy dropped');
    expect(drop.error).toBe('replayed');
    expect(b.peer.events.filter((e) => e.kind === 'frame')).toHaveLength(1);
    // Control messages were not replayed (the misbehaviour's default is data only).
    expect(b.ipsec.events.filter((e) => e.kind === 'espDropped')).toHaveLength(1);
  } finally {
    await pair.close(test.info());
  }
});

test('esp-bad-icv: data packets with a corrupted ICV are dropped unread; the control connection is unharmed', async () => {
  const pair = await Pair.open({ aMisbehave: ['esp-bad-icv'] });
  try {
    const { a, b } = pair;
    await a.peer.established(15_000);
    await b.peer.established(15_000);
    a.peer.sendFrame(FRAME);
    const drop = await b.ipsec.waitFor((e) => (e.kind === 'espDropped' ? e : undefined), 5000, 'the corrupted packet dropped');
    expect(drop.error).toBe('icv-mismatch');
    expect(b.peer.events.filter(frameIn)).toEqual([]);
    // The other direction still works: B's frame reaches A.
    b.peer.sendFrame(FRAME);
    await a.peer.waitFor(frameIn, 5000, "B's frame");
  } finally {
    await pair.close(test.info());
  }
});

test('dpd-silent: the responder probing with DPD declares the silent peer dead and drops its SAs', async () => {
  const pair = await Pair.open({ aMisbehave: ['dpd-silent'], b: { dpd: { intervalS: 1, count: 2 } }, a: { dpd: { intervalS: 60, count: 6 } } });
  try {
    const { a, b } = pair;
    await b.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 10_000, 'the SA');
    await b.ipsec.waitFor((e) => (e.kind === 'peerDead' ? true : undefined), 10_000, 'DPD to give up');
    expect(await b.ipsec.waitFor((e) => (e.kind === 'saDown' ? e.reason : undefined), 1000, 'the SA down')).toMatch(/DPD/);
    // A did receive the R-U-THEREs (they decrypted) and answered none.
    expect(a.ipsec.events.filter((e) => e.kind === 'ikeDropped')).toEqual([]);
  } finally {
    await pair.close(test.info());
  }
});

test('ike-delete: a Delete mid-session takes down the responder\'s IPsec SA and ISAKMP SA; data stops', async () => {
  const pair = await Pair.open({ aMisbehave: ['ike-delete=0'] });
  try {
    const { a, b } = pair;
    await a.peer.established(15_000);
    expect(await b.ipsec.waitFor((e) => (e.kind === 'saDown' ? e.reason : undefined), 5000, 'the IPsec SA down')).toBe('peer sent Delete');
    expect(await b.ipsec.waitFor((e) => (e.kind === 'phase1Down' ? e.reason : undefined), 5000, 'the ISAKMP SA down')).toMatch(/Delete/);
    expect(a.ipsec.saUp).toBe(false);
    expect(b.ipsec.saUp).toBe(false);
    // No new negotiation: A's frame waits for an SA that never comes, B sees nothing.
    a.peer.sendFrame(FRAME);
    expect(a.ipsec.events.filter((e) => e.kind === 'log' && /initiate ISAKMP/.test(e.text))).toHaveLength(1);
  } finally {
    await pair.close(test.info());
  }
});
