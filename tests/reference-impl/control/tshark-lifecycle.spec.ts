// Issue 3, point 6 (an independent check of the oracle): a full life cycle of two nodes with
// tunnel auth on, digest method, written to a pcap and decoded by Wireshark's dissector
// (tshark, facts §6): no malformed packet and no incorrect digest with the right secret;
// every message flagged with a wrong secret (so the digest check is really on).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { LINKTYPE, writePcap } from '../../../reference-impl/capture/capture-file.ts';
import { buildUdpPacket } from '../../../reference-impl/capture/ip.ts';
import { decodeControlMessage, messageTypeOf } from '../../../reference-impl/l2tpv3/index.ts';
import { A, bothUp, makePair, start } from './harness.ts';

const TSHARK = '/usr/bin/tshark';
const SECRET = 'lifecycle-secret';
const EPOCH_US = 1_700_000_000_000_000;

function tshark(args: string[]): string {
  return execFileSync(TSHARK, args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
}

test('a digest-authenticated life cycle decodes in tshark with no malformed packet and no incorrect digest', async () => {
  const testInfo = test.info();
  test.skip(!existsSync(TSHARK), 'tshark is not installed at /usr/bin/tshark');
  const auth = { enabled: true, password: SECRET };
  const keepalive = { use: true, intervalS: 5, count: 3 };
  const { sim, a, b } = makePair({
    seed: 4242,
    a: { auth, keepalive, localRouterId: '10.0.0.1', remoteRouterId: '10.0.0.2' },
    b: { auth, keepalive, localRouterId: '10.0.0.2', remoteRouterId: '10.0.0.1' },
    profile: { tunnelAuthMethod: 'digest', cookieLength: 8, l2ssOffered: 1 },
    channel: { loss: 0.1, duplicate: 0.1, minDelayMs: 5, maxDelayMs: 40 },
  });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 60_000)).toBe(true);
  sim.runFor(20_000); // Hellos and their ACKs
  sim.inject(A, { kind: 'disconnect', tunnel: 1 });
  sim.runFor(40_000); // StopCCN, its ACK, the hold
  const records: { timestampUs: number; data: Uint8Array }[] = [];
  const sentTypes: (number | undefined)[] = [];
  for (const e of sim.trace) {
    if (!('action' in e) || e.action.kind !== 'send') continue;
    const d = decodeControlMessage(e.action.bytes, 'udp');
    sentTypes.push(d.ok ? (d.message.avps.length === 0 ? 0 : messageTypeOf(d.message)) : -1);
    const udp = buildUdpPacket({ src: e.node, dst: e.action.to, srcPort: 1701, dstPort: 1701, payload: e.action.bytes });
    records.push({ timestampUs: EPOCH_US + e.t * 1000, data: udp });
  }
  // The life cycle has every message kind we expect to check.
  for (const t of [1, 2, 3, 4, 6, 10, 11, 12, 20]) expect(sentTypes, `message type ${t}`).toContain(t);
  const file = testInfo.outputPath('lifecycle.pcap');
  writeFileSync(file, writePcap(records, LINKTYPE.RAW));
  await testInfo.attach('lifecycle.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });

  const fields = tshark(['-r', file, '-o', `l2tp.shared_secret:${SECRET}`, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number', '-e', 'l2tp.avp.message_type', '-e', 'l2tp.version']);
  const rows = fields.trim().split('\n').map((l) => l.split('\t'));
  expect(rows).toHaveLength(records.length);
  // tshark sees the same message type we sent, frame by frame (ZLBs have none; we send explicit ACKs).
  expect(rows.map((r) => Number(r[1]))).toEqual(sentTypes);
  expect(rows.every((r) => r[2] === '3')).toBe(true);

  const bad = tshark(['-r', file, '-o', `l2tp.shared_secret:${SECRET}`, '-Y', '_ws.malformed || l2tp.incorrect_digest || l2tp.avp_length.bad || _ws.expert.severity >= "Warning"']);
  expect(bad.trim()).toBe('');

  // With a wrong secret every message fails (the SCCRQ's digest uses the secret too, just no
  // nonces): the digest check is live, so the clean run above means something.
  const flagged = tshark(['-r', file, '-o', 'l2tp.shared_secret:not-the-secret', '-Y', 'l2tp.incorrect_digest', '-T', 'fields', '-e', 'frame.number']);
  expect(flagged.trim().split('\n').filter(Boolean).length).toBe(records.length);
});
