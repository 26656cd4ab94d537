// Issue 2 point 5 (the codec benchmark's fast path): the allocation-light decoder reads the
// same packets, fields, digest verdicts and errors as the full decoder behind `decode`, on the
// sample capture (every message type, hidden AVPs, digests, every data layout), on every
// shared capture, under other link types and pcapng, and packet by packet with the sample's
// own facts (tests/support/l2tp-sample-capture.ts).
import { test, expect } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FastCaptureDecoder } from '../../../reference-impl/capture/fast-decoder.ts';
import { PACKET_KIND } from '../../../reference-impl/capture/fast-packet.ts';
import { LINKTYPE, readCaptureFile, writePcap, writePcapng, type CaptureRecord } from '../../../reference-impl/capture/index.ts';
import { SAMPLE_LAYOUTS, SAMPLE_SECRET, sampleCapture, sampleCaptureRecords } from '../../support/l2tp-sample-capture.ts';
import { decodeFast, disagreement } from './fast-agreement.ts';
import { rewrap } from './link-wrappers.ts';

const CAPTURES = resolve('..', 'shared', 'captures');

test('sample capture: the fast decoder agrees with the full one on every packet, with and without the secret', () => {
  const bytes = sampleCapture();
  for (const opts of [{ secret: SAMPLE_SECRET }, {}, { secret: 'not-the-secret' }]) {
    expect(disagreement(bytes, opts), `options ${JSON.stringify(opts)}`).toBeNull();
  }
  const out = decodeFast(bytes, { secret: SAMPLE_SECRET });
  if (!('packets' in out)) throw new Error(out.fileError);
  expect(out.packets.length, 'every sample record is an L2TPv3 packet').toBe(sampleCaptureRecords().length);
  expect(out.packets.filter((p) => p.kind === 'error'), 'the sample is well formed').toEqual([]);
  const verdicts = new Set(out.packets.filter((p) => p.kind === 'control').map((p) => p.digest));
  expect(verdicts, 'digests verify with the right secret (the challenge conversation has none)').toEqual(new Set(['valid', 'absent']));
});

test('sample capture: data packets carry the cookie each receiver assigned and its sublayer (learnt from the control exchange)', () => {
  const d = new FastCaptureDecoder(sampleCapture(), { secret: SAMPLE_SECRET });
  const p = d.packet;
  const cookieLengths = new Set<number>();
  let data = 0;
  let tagged = 0;
  while (d.next()) {
    if (p.kind !== PACKET_KIND.Data) continue;
    data++;
    cookieLengths.add(p.cookieLength);
    // The sample's sessions: 0x1000+ (A's) and 0x2000+ (B's) IDs, layout i for the i-th pair.
    const i = Math.floor(((p.sessionId & 0xff) - 1) / 2);
    const l = SAMPLE_LAYOUTS[i];
    const toA = (p.sessionId & 0xf000) === 0x1000;
    expect(p.cookieLength, `session 0x${p.sessionId.toString(16)}`).toBe(toA ? l.aCookie : l.bCookie);
    expect(p.hasL2ss).toBe(l.l2ss === 'default');
    expect(p.hasEthernet && p.etherType, 'inner IPv4 (sample builds 0x0800)').toBe(0x0800);
    if (p.vlanCount) {
      tagged++;
      expect(p.vlanId(0) - 100, 'VLAN 100 + seq; tagged frames have odd seq').toBe(2 * i + 1);
    }
  }
  expect(data, '4 layouts x 2 directions x tagged/untagged x 3 paths').toBe(48);
  expect(tagged).toBe(24);
  expect([...cookieLengths].sort()).toEqual([0, 4, 8]);
});

test('forced layouts (--cookie-size / --l2ss) give the same result on both paths', () => {
  const bytes = sampleCapture();
  for (const forceLayout of [{ cookieLength: 4 as const }, { l2ss: 'default' as const }, { cookieLength: 0 as const, l2ss: 'none' as const }, { cookieLength: 8 as const, l2ss: 'default' as const }]) {
    expect(disagreement(bytes, { secret: SAMPLE_SECRET, forceLayout }), JSON.stringify(forceLayout)).toBeNull();
  }
});

test('other link types, outer VLAN tags, pcapng with several interfaces, another UDP port', () => {
  const records = sampleCaptureRecords();
  for (const linkType of [LINKTYPE.LINUX_SLL, LINKTYPE.LINUX_SLL2, LINKTYPE.RAW, LINKTYPE.NULL, LINKTYPE.LOOP]) {
    const bytes = writePcap(records.map((r) => ({ ...r, data: rewrap(r.data, linkType) })), linkType);
    expect(disagreement(bytes, { secret: SAMPLE_SECRET }), `link type ${linkType}`).toBeNull();
    const out = decodeFast(bytes, { secret: SAMPLE_SECRET });
    expect('packets' in out && out.packets.length, `link type ${linkType}: every packet found`).toBe(records.length);
  }
  const tagged = writePcap(records.map((r) => ({ ...r, data: rewrap(r.data, 'vlan') })), LINKTYPE.ETHERNET);
  expect(disagreement(tagged, { secret: SAMPLE_SECRET }), 'outer 802.1Q tag').toBeNull();
  const links = [LINKTYPE.ETHERNET, LINKTYPE.RAW, LINKTYPE.LINUX_SLL2];
  const mixed: CaptureRecord[] = records.map((r, i) => ({ ...r, interfaceId: i % 3, data: rewrap(r.data, links[i % 3]) }));
  expect(disagreement(writePcapng(mixed, links), { secret: SAMPLE_SECRET }), 'pcapng, 3 interfaces').toBeNull();
  // Not on the L2TP port: neither decoder sees UDP packets; IP/115 ones remain.
  const other = decodeFast(sampleCapture(), { udpPort: 4500 });
  expect('packets' in other && other.packets.every((p) => p.transport === 'ip')).toBe(true);
  expect(disagreement(sampleCapture(), { udpPort: 4500 })).toBeNull();
});

const sharedFiles = existsSync(CAPTURES)
  ? readdirSync(CAPTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => readdirSync(join(CAPTURES, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CAPTURES, d.name, f)))
  : [];

test('every shared capture: same packets and fields under every option set', () => {
  test.skip(sharedFiles.length === 0, `no captures under ${CAPTURES}`);
  // captures/README.md: the auth file's secret is s3cret; data-only files need a forced layout.
  const optionSets = [{}, { secret: 's3cret' }, { forceLayout: { cookieLength: 0 as const, l2ss: 'default' as const } }, { forceLayout: { cookieLength: 4 as const, l2ss: 'none' as const } }, { forceLayout: { cookieLength: 4 as const, l2ss: 'default' as const } }];
  let packets = 0;
  for (const file of sharedFiles) {
    const bytes = new Uint8Array(readFileSync(file));
    for (const opts of optionSets) expect(disagreement(bytes, opts), `${file} ${JSON.stringify(opts)}`).toBeNull();
    packets += readCaptureFile(bytes).records.length;
  }
  expect(packets, 'the shared captures hold packets to compare').toBeGreaterThan(20);
});

test('a Buffer from readFileSync decodes as a plain Uint8Array does (and is not written to)', () => {
  const plain = sampleCapture();
  const buf = Buffer.from(plain);
  const before = Buffer.from(buf);
  expect(JSON.stringify(decodeFast(buf, { secret: SAMPLE_SECRET }))).toBe(JSON.stringify(decodeFast(plain, { secret: SAMPLE_SECRET })));
  expect(buf.equals(before), 'digest checks work on copies').toBe(true);
});
