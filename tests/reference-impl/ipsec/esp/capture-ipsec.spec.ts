// Capture-level unwrapping (reference-impl/ipsec/capture-ipsec.ts): a capture of oracle-protected
// L2TPv3 decodes, after unwrapping with the key log, to exactly what the same capture without
// IPsec decodes to (same frames, same fields); without keys every ESP frame shows its SPI and
// sequence and says it was not decrypted; a forged ICV and a replay are reported as the drops the
// oracle predicts, with offsets in the captured frame; IKE on 4500 behind the non-ESP marker and
// NAT-keepalives are recognised.
import { test, expect } from '@playwright/test';
import { decodeCapture, readCaptureFile, type CaptureFile, type CaptureRecord } from '../../../../reference-impl/capture/index.ts';
import { buildEthernetFrame, buildUdpPacket, ETHERTYPE } from '../../../../reference-impl/capture/ip.ts';
import { LINKTYPE, writePcapng } from '../../../../reference-impl/capture/capture-file.ts';
import { unwrapIpsecCapture, type EspFrameInfo } from '../../../../reference-impl/ipsec/capture-ipsec.ts';
import { formatIpsecFrame } from '../../../../reference-impl/ipsec/capture-ipsec-format.ts';
import { natKeepalive, protectTransport, withNonEspMarker } from '../../../../reference-impl/ipsec/esp/index.ts';
import { espKeyLogEntry, type KeyLogEntry } from '../../../../reference-impl/ipsec/key-log.ts';
import { avps, encodeControlMessage } from '../../../../reference-impl/l2tpv3/index.ts';
import { dataMessage, iv, l2tpIpPacket, l2tpUdpPacket, testSa } from './esp-fixtures.ts';

const A = '192.0.2.1';
const B = '198.51.100.2';
const saAB = testSa('aes-cbc', 'sha-hmac', 0xa0b0c0d0);
const saBA = testSa('3des-cbc', 'sha256-hmac', 0x0d0c0b0a);
const KEYS: KeyLogEntry[] = [espKeyLogEntry(saAB, A, B), espKeyLogEntry(saBA, B, A)];
const eth = (ip: Uint8Array, v6 = false): Uint8Array => buildEthernetFrame({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', etherType: v6 ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4, payload: ip });
const file = (frames: Uint8Array[]): CaptureFile => ({ format: 'pcapng', linkTypes: [LINKTYPE.ETHERNET], records: frames.map((data, i): CaptureRecord => ({ timestampUs: 1e15 + i, data, interfaceId: 0 })) });

/** The clear packets: an ICRQ-like control message, data both ways, and data over IP/115. */
function clearPackets(): { packet: Uint8Array; from: 'A' | 'B' }[] {
  const icrq = encodeControlMessage({ ccid: 7, ns: 0, nr: 0, avps: [avps.messageType(10), avps.localSessionId(0xc8), avps.remoteSessionId(0), avps.pseudowireType(5)] });
  return [
    { packet: l2tpUdpPacket(A, B, icrq), from: 'A' },
    { packet: l2tpUdpPacket(A, B, dataMessage('udp')), from: 'A' },
    { packet: l2tpUdpPacket(B, A, dataMessage('udp', 100)), from: 'B' },
    { packet: l2tpIpPacket(A, B, dataMessage('ip')), from: 'A' },
  ];
}

function protectedCapture(mode: 'esp' | 'udp'): { clear: CaptureFile; wrapped: CaptureFile } {
  const seqs = { A: 0, B: 0 };
  const clear: Uint8Array[] = [];
  const wrapped: Uint8Array[] = [];
  for (const { packet, from } of clearPackets()) {
    const sa = from === 'A' ? saAB : saBA;
    clear.push(eth(packet));
    wrapped.push(eth(protectTransport(packet, { sa, sequence: ++seqs[from], iv: iv(sa, seqs[from]), encapsulation: { kind: mode } })));
  }
  return { clear: file(clear), wrapped: file(wrapped) };
}

for (const mode of ['esp', 'udp'] as const) {
  test(`${mode === 'esp' ? 'plain ESP' : 'ESP in UDP 4500'}: unwrapped, the capture decodes exactly as without IPsec`, () => {
    const { clear, wrapped } = protectedCapture(mode);
    // Through the pcapng writer and reader, as a capture file on disk would go.
    const { file: out, frames } = unwrapIpsecCapture(readCaptureFile(writePcapng(wrapped.records, LINKTYPE.ETHERNET)), KEYS);
    expect(frames.map((f) => [f.frame, f.layer, f.layer === 'esp' && f.status, f.layer === 'esp' && f.sequence])).toEqual([
      [1, 'esp', 'decrypted', 1], [2, 'esp', 'decrypted', 2], [3, 'esp', 'decrypted', 1], [4, 'esp', 'decrypted', 3],
    ]);
    const want = [...decodeCapture(clear)].map((p) => ({ ...p, timestampUs: 0 }));
    const got = [...decodeCapture(out)].map((p) => ({ ...p, timestampUs: 0 }));
    expect(got).toEqual(want);
    expect(got.length).toBe(4);
    expect(got.filter((p) => p.kind === 'data').length).toBe(3);
  });
}

test('without keys: SPI and sequence shown, "not decrypted", and no L2TPv3 decoded', () => {
  const { wrapped } = protectedCapture('esp');
  const { file: out, frames } = unwrapIpsecCapture(wrapped, []);
  expect(frames.map((f) => f.layer === 'esp' && [f.status, f.spi, f.sequence])).toEqual([
    ['no-key', saAB.spi, 1], ['no-key', saAB.spi, 2], ['no-key', saBA.spi, 1], ['no-key', saAB.spi, 3],
  ]);
  expect(formatIpsecFrame(frames[2])).toBe(`3 ESP ${B} > ${A} spi=0x0d0c0b0a seq=1 not decrypted: no key for this SPI`);
  expect([...decodeCapture(out)]).toEqual([]);
});

test('a key for the wrong addresses is not used (SA chosen by SPI and addresses, RFC 4303 §3.4.2)', () => {
  const { wrapped } = protectedCapture('esp');
  const { frames } = unwrapIpsecCapture(wrapped, [espKeyLogEntry(saAB, B, A)]);
  expect(frames.map((f) => f.layer === 'esp' && f.status)).toEqual(['no-key', 'no-key', 'no-key', 'no-key']);
});

test('of several lines with the SPI, the one naming the addresses is used, whatever the order', () => {
  const { wrapped } = protectedCapture('esp');
  const decoy = { ...espKeyLogEntry(testSa('aes-cbc', 'sha-hmac', saAB.spi), '*', '*'), encKey: new Uint8Array(16).fill(7) };
  const { frames } = unwrapIpsecCapture(wrapped, [decoy, ...KEYS]);
  expect(frames.map((f) => f.layer === 'esp' && f.status)).toEqual(['decrypted', 'decrypted', 'decrypted', 'decrypted']);
});

test('a forged ICV is dropped at the ICV offset in the frame; a replayed frame is shown, or dropped with anti-replay on', () => {
  const { wrapped } = protectedCapture('udp');
  const forged = wrapped.records[1].data.slice();
  forged[forged.length - 2] ^= 0x10;
  const replay = wrapped.records[0].data;
  const cap = file([...wrapped.records.map((r) => r.data), forged, replay]);
  const shown = unwrapIpsecCapture(cap, KEYS).frames as EspFrameInfo[];
  expect(shown[4]).toMatchObject({ frame: 5, status: 'rejected', spi: saAB.spi, sequence: 2, error: { kind: 'icv-mismatch', offset: forged.length - 12 } });
  expect(formatIpsecFrame(shown[4])).toContain(`rejected at offset ${forged.length - 12}: icv-mismatch`);
  expect(shown[5]).toMatchObject({ frame: 6, status: 'decrypted', sequence: 1 });
  const strict = unwrapIpsecCapture(cap, KEYS, { antiReplay: { check: 'on' } }).frames as EspFrameInfo[];
  // ESP header in the frame: Ethernet 14 + IPv4 20 + UDP 8; the sequence number 4 octets further.
  expect(strict[5]).toMatchObject({ frame: 6, status: 'rejected', error: { kind: 'replayed', offset: 14 + 20 + 8 + 4 } });
  expect(strict.slice(0, 4).every((f) => f.status === 'decrypted')).toBe(true);
});

test('UDP 4500: IKE behind the non-ESP marker goes to the ISAKMP reader; NAT-keepalives and stray octets are named', () => {
  const isakmpHeaderOnly = new Uint8Array(28);
  isakmpHeaderOnly.set([1, 2, 3, 4, 5, 6, 7, 8], 0);
  isakmpHeaderOnly[16] = 0; // no payloads
  isakmpHeaderOnly[17] = 0x10; // IKEv1
  isakmpHeaderOnly[18] = 5; // informational
  isakmpHeaderOnly[27] = 28;
  const udp = (payload: Uint8Array): Uint8Array => eth(buildUdpPacket({ src: A, dst: B, srcPort: 4500, dstPort: 4500, payload }));
  const { frames } = unwrapIpsecCapture(file([udp(withNonEspMarker(isakmpHeaderOnly)), udp(natKeepalive()), udp(Uint8Array.of(9, 9))]), KEYS);
  expect(frames[0]).toMatchObject({ layer: 'isakmp', natT: true, status: 'clear', header: { icookie: '0102030405060708', exchange: 5 }, payloads: [] });
  expect(formatIpsecFrame(frames[0])).toBe(`1 ISAKMP/4500 ${A}:4500 > ${B}:4500 Informational icookie=0102030405060708 rcookie=0000000000000000 msgid=0x00000000 []`);
  expect(frames[1]).toMatchObject({ layer: 'nat-t', status: 'nat-keepalive' });
  expect(frames[2]).toMatchObject({ layer: 'nat-t', status: 'malformed', offset: 14 + 20 + 8 });
});

test('IPv6 frames unwrap too', () => {
  const v6 = testSa('aes256-cbc', 'md5-hmac', 0x6666);
  const inner = l2tpUdpPacket('2001:db8::1', '2001:db8::2', dataMessage('udp'));
  const wire = eth(protectTransport(inner, { sa: v6, sequence: 1, iv: iv(v6), encapsulation: { kind: 'udp' } }), true);
  const { file: out, frames } = unwrapIpsecCapture(file([wire]), [{ ...espKeyLogEntry(v6, '*', '*') }]);
  expect(frames[0]).toMatchObject({ status: 'decrypted', ipVersion: 6, srcPort: 4500 });
  expect(formatIpsecFrame(frames[0])).toBe('1 ESP-in-UDP [2001:db8::1]:4500 > [2001:db8::2]:4500 spi=0x00006666 seq=1 decrypted aes256-cbc/md5-hmac ICV ok next-header=17');
  expect([...decodeCapture(out)].map((p) => p.data?.sessionId)).toEqual([0xc8]);
});
