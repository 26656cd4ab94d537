// Peer against peer over L2TPv3/IPsec on loopback (both ends the oracle): IKEv1 phase 1 (main and
// aggressive mode), quick mode for udp/1701, then the L2TPv3 control connection and session inside
// ESP in UDP 4500 (RFC 3948), and an Ethernet frame across. The capture holds only ISAKMP and
// ESP-in-UDP; tshark with the key log decrypts it into L2TPv3 (ipsec-facts.md "Wireshark/tshark
// 4.0"); the pre-shared key appears nowhere.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { ID_TYPE } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import { tsharkKeyOptions } from '../../../../reference-impl/ipsec/key-log.ts';
import { tsharkFields, tsharkMissing } from '../../../support/tshark.ts';
import { Pair, PSK, scratchFile } from './pair.ts';

const FRAME = Uint8Array.from([...Array(6).fill(0xff), 2, 0, 0, 0, 0x51, 1, 0x08, 0x06, ...Array(46).fill(0x5a)]);

for (const mode of ['main', 'aggressive'] as const) {
  test(`${mode} mode: IKE, quick mode, then the L2TPv3 session inside ESP in UDP and a frame across`, async () => {
    const aggressive = mode === 'aggressive';
    const pair = await Pair.open({
      a: { mode, localId: aggressive ? { type: ID_TYPE.fqdn, value: 'peer-a.example' } : undefined },
      b: { mode, remoteId: aggressive ? { type: ID_TYPE.fqdn, value: 'peer-a.example' } : undefined },
      bAny: aggressive,
    });
    try {
      const { a, b } = pair;
      await a.ipsec.waitFor((e) => (e.kind === 'phase1Up' ? e : undefined), 15_000, 'phase 1');
      const saA = await a.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 15_000, 'the IPsec SA');
      const saB = await b.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 15_000, 'the IPsec SA');
      // One SA pair: what A sends on is what B receives on, and both are ESP in UDP (force).
      expect(saA.outboundSpi).toBe(saB.inboundSpi);
      expect(saB.outboundSpi).toBe(saA.inboundSpi);
      expect([saA.udpEncapsulated, saB.udpEncapsulated]).toEqual([true, true]);
      await a.peer.established(15_000);
      await b.peer.established(15_000);
      expect(a.peer.sendFrame(FRAME)).toBe(true);
      const got = await b.peer.waitFor((e) => (e.kind === 'frame' ? e.frame : undefined), 5000, 'the frame');
      expect(Buffer.from(got).equals(Buffer.from(FRAME))).toBe(true);
      // Nothing crossed in the clear: every datagram on the wire is on port 500 or 4500.
      const ports = new Set(a.conversation.datagrams.flatMap((d) => [d.src.port, d.dst.port]));
      expect([...ports].sort()).toEqual([4500, 500].sort());
      expect(a.ipsec.events.filter((e) => e.kind === 'espDropped' || e.kind === 'error')).toEqual([]);
      expect(b.ipsec.events.filter((e) => e.kind === 'espDropped' || e.kind === 'error')).toEqual([]);
    } finally {
      await pair.close(test.info());
    }
  });
}

test('the capture decrypts with the key log into L2TPv3 (and not without it); the PSK is nowhere', async () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
  const pair = await Pair.open();
  try {
    const { a, b } = pair;
    await a.peer.established(15_000);
    await b.peer.established(15_000);
    a.peer.sendFrame(FRAME);
    await b.peer.waitFor((e) => (e.kind === 'frame' ? true : undefined), 5000, 'the frame');
    await a.peer.close();
    const file = scratchFile('decrypt.pcap');
    a.conversation.writePcap(file);
    const fields = ['isakmp.exchangetype', 'esp.spi', 'l2tp.ccid', 'l2tp.avp.type', 'l2tp.sid', 'eth.src'];
    const clear = [...tsharkFields(file, fields).values()];
    expect(clear.some((f) => f.has('isakmp.exchangetype'))).toBe(true);
    expect(clear.some((f) => f.has('l2tp.ccid') || f.has('l2tp.sid'))).toBe(false);
    const keys = a.keyLog.entries;
    expect(keys.map((k) => k.kind).sort()).toEqual(['ESP', 'ESP', 'IKEV1']);
    const decrypted = [...tsharkFields(file, fields, { prefs: tsharkKeyOptions(keys) }).values()];
    // The control connection (L2TPv3 control messages with AVPs) and the data message with A's frame.
    expect(decrypted.filter((f) => f.has('l2tp.avp.type')).length).toBeGreaterThanOrEqual(4);
    expect(decrypted.some((f) => f.get('eth.src')?.includes('02:00:00:00:51:01'))).toBe(true);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(PSK))).toBe(false);
  } finally {
    await pair.close(test.info());
  }
});

test('rekey: with 3 s lifetimes the initiator negotiates new SAs before expiry and the pseudowire keeps carrying frames', async () => {
  const pair = await Pair.open({ a: { lifetimeS: 3 }, b: { lifetimeS: 3 } });
  try {
    const { a, b } = pair;
    await a.peer.established(15_000);
    await b.peer.established(15_000);
    const first = await a.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 1000, 'the first SA');
    // 'rekey-margin': at 90 % of the lifetime the initiator starts the replacement.
    const second = await a.ipsec.waitFor((e) => (e.kind === 'saUp' && e.inboundSpi !== first.inboundSpi ? e : undefined), 10_000, 'the second SA');
    await a.ipsec.waitFor((e) => (e.kind === 'saDown' && e.inboundSpi === first.inboundSpi ? e : undefined), 10_000, 'the first SA to expire');
    const seen = b.peer.events.filter((e) => e.kind === 'frame').length;
    a.peer.sendFrame(FRAME);
    await b.peer.waitFor((e) => (e.kind === 'frame' && b.peer.events.filter((x) => x.kind === 'frame').length > seen ? true : undefined), 5000, 'a frame on the new SA');
    expect(b.ipsec.events.some((e) => e.kind === 'espReceived' && e.spi === second.outboundSpi)).toBe(true);
    expect([...a.peer.events, ...b.peer.events].filter((e) => e.kind === 'sessionDown')).toEqual([]);
  } finally {
    await pair.close(test.info());
  }
});

test('--nat-t on without a NAT: the SA is plain ESP, which the peer cannot send; it says so instead of sending', async () => {
  const pair = await Pair.open({ a: { natT: 'on' }, b: { natT: 'on' } });
  try {
    const sa = await pair.a.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 15_000, 'the SA');
    expect(sa.udpEncapsulated).toBe(false);
    const err = await pair.a.ipsec.waitFor((e) => (e.kind === 'error' ? e.text : undefined), 5000, 'the error');
    expect(err).toMatch(/plain ESP .* use --nat-t force/);
    expect(pair.a.conversation.datagrams.filter((d) => d.dst.port === 4500 || d.src.port === 4500)).toEqual([]);
  } finally {
    await pair.close(test.info());
  }
});
