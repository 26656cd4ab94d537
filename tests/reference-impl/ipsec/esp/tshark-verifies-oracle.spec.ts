// Issue 14, "What must be shown" 3 (second half): tshark decrypts and verifies the ICV of ESP the
// oracle produced, plain (IP protocol 50) and in UDP 4500, over IPv4 and IPv6, for every cipher and
// HMAC RTX offers, given only the key log's tshark options (key-log.ts tsharkKeyOptions); and it
// dissects the L2TPv3 inside (control over UDP/1701, data over UDP/1701 and over IP/115) with the
// fields the oracle put there.
import { test, expect } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { buildEthernetFrame, ETHERTYPE } from '../../../../reference-impl/capture/ip.ts';
import { LINKTYPE, writePcap, type CaptureRecord } from '../../../../reference-impl/capture/capture-file.ts';
import { protectTransport, type EspEncapsulationMode, type EspSa } from '../../../../reference-impl/ipsec/esp/index.ts';
import { espKeyLogEntry, parseKeyLog, tsharkKeyOptions, writeKeyLog, type KeyLogEntry } from '../../../../reference-impl/ipsec/key-log.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../../support/tshark.ts';
import { dataMessage, HELLO, iv, l2tpIpPacket, l2tpUdpPacket, PAIRS, testSa } from './esp-fixtures.ts';

// Files for tshark and the CLI go to a folder of this file's own: the shared test-results folder is
// emptied by any other Playwright run starting in the same checkout (several helpers run at once).
let SCRATCH = '';
test.beforeAll(() => {
  SCRATCH = mkdtempSync(join(tmpdir(), 'esp-test-'));
});
test.afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));
const scratchPath = (name: string): string => join(SCRATCH, `${test.info().testId}-${name}`);

interface Sent { frame: number; sa: EspSa; sequence: number; inner: 'hello' | 'data-udp' | 'data-ip'; nextHeader: number; padLength: number }

const FIELDS = ['esp.spi', 'esp.sequence', 'esp.icv_good', 'esp.pad_len', 'esp.protocol', 'udpencap.non_esp_marker', 'l2tp.ccid', 'l2tp.avp.message_type', 'l2tp.sid', 'l2tp.cookie', 'eth.src'];
const FAMILIES = [{ src: '192.0.2.1', dst: '198.51.100.2', keySrc: '192.0.2.1', keyDst: '198.51.100.2' }, { src: '2001:db8::1', dst: '2001:db8::2', keySrc: '*', keyDst: '*' }];
const MODES: EspEncapsulationMode[] = [{ kind: 'esp' }, { kind: 'udp' }];

function buildCapture(): { records: CaptureRecord[]; keys: KeyLogEntry[]; sent: Sent[] } {
  const records: CaptureRecord[] = [];
  const keys: KeyLogEntry[] = [];
  const sent: Sent[] = [];
  let spi = 0x00c10000;
  for (const fam of FAMILIES) {
    for (const mode of MODES) {
      for (const { cipher, integrity } of PAIRS) {
        const sa = testSa(cipher, integrity, ++spi);
        keys.push({ ...espKeyLogEntry(sa, fam.keySrc, fam.keyDst) });
        const inners: [Sent['inner'], Uint8Array, number][] = [
          ['hello', l2tpUdpPacket(fam.src, fam.dst), HELLO.length + 8],
          ['data-udp', l2tpUdpPacket(fam.src, fam.dst, dataMessage('udp', 60)), dataMessage('udp', 60).length + 8],
          ['data-ip', l2tpIpPacket(fam.src, fam.dst, dataMessage('ip', 61)), dataMessage('ip', 61).length],
        ];
        inners.forEach(([inner, packet, payloadLen], i) => {
          const sequence = i + 1;
          const wire = protectTransport(packet, { sa, sequence, iv: iv(sa, 0x20 + records.length), encapsulation: mode });
          const block = sa.cipher.blockBytes;
          records.push({ timestampUs: 1_700_000_000_000_000 + records.length * 1000, data: buildEthernetFrame({ src: '02:00:00:00:01:01', dst: '02:00:00:00:01:02', etherType: fam.src.includes(':') ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4, payload: wire }) });
          sent.push({ frame: records.length, sa, sequence, inner, nextHeader: inner === 'data-ip' ? 115 : 17, padLength: (block - ((payloadLen + 2) % block)) % block });
        });
      }
    }
  }
  return { records, keys, sent };
}

test('tshark decrypts and authenticates every oracle ESP packet and dissects the L2TPv3 inside', () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
  const { records, keys, sent } = buildCapture();
  // Through the key-log text and back: the options come from what a file would hold.
  const text = writeKeyLog(keys, ['oracle SAs for the tshark check']);
  const parsed = parseKeyLog(text);
  expect(parsed.errors).toEqual([]);
  const file = scratchPath('oracle-esp.pcap');
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  writeFileSync(scratchPath('oracle-esp.keys'), text);
  const prefs = [...tsharkKeyOptions(parsed.entries), 'l2tp.cookie_size:cookie4', 'l2tp.l2_specific:none'];
  const theirs = tsharkFields(file, FIELDS, { prefs, decodeAs: ['l2tp.pw_type==0,eth'] });
  expect(tsharkMatching(file, '_ws.malformed || esp.icv_bad == 1 || esp.icv_good == 0', prefs)).toEqual([]);
  const mismatches: string[] = [];
  const check = (s: Sent, field: string, want: string[]): void => {
    const got = theirs.get(s.frame)?.get(field) ?? [];
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`frame ${s.frame} (${s.sa.cipher.name}/${s.sa.integrity.name} ${s.inner}) ${field}: tshark ${JSON.stringify(got)}, oracle ${JSON.stringify(want)}`);
  };
  for (const s of sent) {
    check(s, 'esp.spi', [`0x${s.sa.spi.toString(16).padStart(8, '0')}`]);
    check(s, 'esp.sequence', [String(s.sequence)]);
    check(s, 'esp.icv_good', ['1']);
    check(s, 'esp.pad_len', [String(s.padLength)]);
    check(s, 'esp.protocol', [`0x${s.nextHeader.toString(16).padStart(2, '0')}`]);
    if (s.inner === 'hello') {
      check(s, 'l2tp.ccid', ['0x0000beef']);
      check(s, 'l2tp.avp.message_type', ['6']);
    } else {
      check(s, 'l2tp.sid', ['0x000000c8']);
      check(s, 'l2tp.cookie', ['c0ffee01']);
      check(s, 'eth.src', ['02:00:00:00:01:01', '02:00:00:00:00:0a']);
    }
  }
  expect(mismatches).toEqual([]);
  expect(sent.length).toBe(FAMILIES.length * MODES.length * PAIRS.length * 3);
});

test('without the keys tshark sees opaque ESP and no L2TPv3 (the check above depends on the keys)', () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
  const { records } = buildCapture();
  const file = scratchPath('oracle-esp-nokeys.pcap');
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  const theirs = tsharkFields(file, ['esp.spi', 'l2tp.sid', 'l2tp.ccid']);
  expect([...theirs.values()].filter((f) => f.has('esp.spi')).length).toBe(records.length);
  expect([...theirs.values()].filter((f) => f.has('l2tp.sid') || f.has('l2tp.ccid'))).toEqual([]);
});
