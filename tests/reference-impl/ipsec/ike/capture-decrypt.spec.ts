// The capture decryptor (IKEV1 ICOOKIE ENCKEY, IVs from the capture's KE payloads) against
// Wireshark given the same key (issue 14 "What must be shown" 1, IKE part): the real strongSwan
// main mode + quick mode + informational exchanges of the reference capture, every payload
// compared octet by octet and field by field with tshark's dissection.
import { test, expect } from '@playwright/test';
import { Ikev1CaptureDecryptor, type CaptureDecryptResult } from '../../../../reference-impl/ipsec/ike/capture-decryptor.ts';
import { HEADER_LENGTH } from '../../../../reference-impl/ipsec/isakmp/message.ts';
import type { Payload } from '../../../../reference-impl/ipsec/isakmp/payloads.ts';
import { execFileSync } from 'node:child_process';
import { tsharkFields, tsharkMissing } from '../../../support/tshark.ts';
import { isakmpMessages, qemuCaptureMissing, QEMU_MM_CAPTURE, QEMU_MM_ENCKEY, QEMU_MM_ICOOKIE } from './capture-isakmp.ts';

test.skip(qemuCaptureMissing() !== null, qemuCaptureMissing() ?? '');

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const PREF = `uat:ikev1_decryption_table:${QEMU_MM_ICOOKIE},${QEMU_MM_ENCKEY}`;

function decryptAll(): Map<number, { result: CaptureDecryptResult; bytes: Uint8Array }> {
  const d = new Ikev1CaptureDecryptor([{ icookie: Buffer.from(QEMU_MM_ICOOKIE, 'hex'), encKey: Buffer.from(QEMU_MM_ENCKEY, 'hex') }]);
  const out = new Map<number, { result: CaptureDecryptResult; bytes: Uint8Array }>();
  for (const m of isakmpMessages(QEMU_MM_CAPTURE)) out.set(m.frame, { result: d.push(m.bytes), bytes: m.bytes });
  return out;
}

/**
 * The raw octets of every payload in the order Wireshark lists `isakmp.typepayload`: each top-level
 * payload, and inside an SA each proposal followed by its transforms. Walked from the octets by
 * the lengths alone, not by the codec.
 */
function rawPayloads(chain: Uint8Array, first: number): string[] {
  const out: string[] = [];
  let o = 0;
  let next = first;
  while (next !== 0) {
    const len = (chain[o + 2] << 8) | chain[o + 3];
    out.push(hex(chain.subarray(o, o + len)));
    if (next === 1) {
      let p = o + 4 + 8;
      while (p < o + len) {
        const plen = (chain[p + 2] << 8) | chain[p + 3];
        out.push(hex(chain.subarray(p, p + plen)));
        let t = p + 8 + chain[p + 6];
        while (t < p + plen) {
          const tlen = (chain[t + 2] << 8) | chain[t + 3];
          out.push(hex(chain.subarray(t, t + tlen)));
          t += tlen;
        }
        p += plen;
      }
    }
    next = chain[o];
    o += len;
  }
  return out;
}

/** `isakmp.typepayload` raw values per frame: -T fields prints only the type number, PDML has the octets. */
function tsharkPayloadOctets(): Map<number, string[]> {
  const pdml = execFileSync('tshark', ['-r', QEMU_MM_CAPTURE, '-o', PREF, '-Y', 'isakmp', '-T', 'pdml'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const out = new Map<number, string[]>();
  for (const pkt of pdml.split('<packet>').slice(1)) {
    const frame = Number(/<field name="frame.number"[^>]* show="(\d+)"/.exec(pkt)?.[1]);
    out.set(frame, [...pkt.matchAll(/<field name="isakmp.typepayload"[^>]* value="([0-9a-f]*)"/g)].map((m) => m[1]));
  }
  return out;
}

const of = <K extends Payload['kind']>(ps: Payload[], kind: K): Extract<Payload, { kind: K }>[] => ps.filter((p) => p.kind === kind) as Extract<Payload, { kind: K }>[];

test.describe('IKEv1 capture decryption against tshark', () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');

  test('every ISAKMP message of the reference capture decrypts, and each payload equals tshark\'s', () => {
    const ours = decryptAll();
    const fields = ['isakmp.ispi', 'isakmp.rspi', 'isakmp.exchangetype', 'isakmp.messageid', 'isakmp.hash', 'isakmp.nonce',
      'isakmp.key_exchange.data', 'isakmp.vid_bytes', 'isakmp.ike.nat_hash', 'isakmp.id.type', 'isakmp.id.port', 'isakmp.notify.msgtype',
      'isakmp.delete.spi', 'isakmp.spi', 'isakmp.trans.id', 'isakmp.ike.attr.type', 'isakmp.ipsec.attr.type'];
    const theirs = tsharkFields(QEMU_MM_CAPTURE, fields, { prefs: [PREF], filter: 'isakmp' });
    const octets = tsharkPayloadOctets();
    expect([...ours.keys()]).toEqual([...theirs.keys()]);
    const statuses: string[] = [];
    for (const [frame, { result, bytes }] of ours) {
      const t = theirs.get(frame)!;
      const f = (name: string): string[] => t.get(name) ?? [];
      expect(result.status === 'clear' || result.status === 'decrypted', `frame ${frame}: ${'reason' in result ? result.reason : ''}`).toBe(true);
      if (result.status !== 'clear' && result.status !== 'decrypted') continue;
      statuses.push(`${frame}:${result.status}`);
      const h = result.header;
      expect([hex(h.icookie), hex(h.rcookie), String(h.exchange), `0x${h.messageId.toString(16).padStart(8, '0')}`], `frame ${frame} header`).toEqual([f('isakmp.ispi')[0], f('isakmp.rspi')[0], f('isakmp.exchangetype')[0], f('isakmp.messageid')[0]]);
      const chain = result.status === 'decrypted' ? result.plaintext : bytes.subarray(HEADER_LENGTH);
      expect(rawPayloads(chain, h.nextPayload), `frame ${frame}: payload octets`).toEqual(octets.get(frame));
      const ps = result.payloads;
      expect(of(ps, 'hash').map((p) => hex(p.data)), `frame ${frame}: HASH`).toEqual(f('isakmp.hash'));
      expect(of(ps, 'nonce').map((p) => hex(p.data)), `frame ${frame}: Nonce`).toEqual(f('isakmp.nonce'));
      expect(of(ps, 'ke').map((p) => hex(p.data)), `frame ${frame}: KE`).toEqual(f('isakmp.key_exchange.data'));
      expect(of(ps, 'vendorId').map((p) => hex(p.data)), `frame ${frame}: VID`).toEqual(f('isakmp.vid_bytes'));
      expect(of(ps, 'natD').map((p) => hex(p.data)), `frame ${frame}: NAT-D`).toEqual(f('isakmp.ike.nat_hash'));
      expect(of(ps, 'id').map((p) => String(p.idType)), `frame ${frame}: ID type`).toEqual(f('isakmp.id.type'));
      expect(of(ps, 'id').map((p) => String(p.port)), `frame ${frame}: ID port`).toEqual(f('isakmp.id.port'));
      expect(of(ps, 'notification').map((p) => String(p.notifyType)), `frame ${frame}: notify type`).toEqual(f('isakmp.notify.msgtype'));
      // Wireshark puts the notification's SPI in isakmp.spi too; a delete's SPIs go to isakmp.delete.spi.
      expect([...of(ps, 'sa').flatMap((s) => s.proposals.filter((p) => p.spi.length).map((p) => hex(p.spi))), ...of(ps, 'notification').map((n) => hex(n.spi))], `frame ${frame}: SPI`).toEqual(f('isakmp.spi'));
      expect(of(ps, 'delete').flatMap((d) => d.spis.map(hex)), `frame ${frame}: Delete SPIs`).toEqual(f('isakmp.delete.spi'));
      const transforms = of(ps, 'sa').flatMap((s) => s.proposals.flatMap((p) => p.transforms.map((tr) => ({ p, tr }))));
      expect(transforms.map(({ tr }) => String(tr.transformId)), `frame ${frame}: transform IDs`).toEqual(f('isakmp.trans.id'));
      const attrTypes = (phase1: boolean): string[] => transforms.filter(({ p }) => (p.protocolId === 1) === phase1).flatMap(({ tr }) => tr.attributes.map((a) => String(a.type)));
      expect(attrTypes(true), `frame ${frame}: phase-1 attributes`).toEqual(f('isakmp.ike.attr.type'));
      expect(attrTypes(false), `frame ${frame}: IPsec attributes`).toEqual(f('isakmp.ipsec.attr.type'));
    }
    // Main mode 1-4 in the clear, 5-6 and quick mode and both informationals decrypted.
    expect(statuses).toEqual(['11:clear', '12:clear', '13:clear', '14:clear', '15:decrypted', '16:decrypted', '17:decrypted', '18:decrypted', '19:decrypted', '50:decrypted', '51:decrypted']);
  });
});

test('without the KE messages the IV cannot be built: the decryptor says so instead of guessing', () => {
  const d = new Ikev1CaptureDecryptor([{ icookie: Buffer.from(QEMU_MM_ICOOKIE, 'hex'), encKey: Buffer.from(QEMU_MM_ENCKEY, 'hex') }]);
  const msgs = isakmpMessages(QEMU_MM_CAPTURE).filter((m) => m.frame >= 15);
  const r = d.push(msgs[0].bytes);
  expect(r.status).toBe('undecryptable');
  if (r.status === 'undecryptable') expect(r.reason).toMatch(/KE payloads/);
});

test('a wrong key gives "failed" with the offset and reason of the first bad payload field', () => {
  const wrong = Buffer.from(QEMU_MM_ENCKEY, 'hex');
  wrong[0] ^= 1;
  const d = new Ikev1CaptureDecryptor([{ icookie: Buffer.from(QEMU_MM_ICOOKIE, 'hex'), encKey: wrong }]);
  const results = isakmpMessages(QEMU_MM_CAPTURE).map((m) => d.push(m.bytes));
  const failed = results.filter((r) => r.status === 'failed');
  expect(failed.length).toBeGreaterThan(0);
  for (const f of failed) if (f.status === 'failed') expect(f.offset === undefined || f.offset >= HEADER_LENGTH).toBe(true);
  expect(results.filter((r) => r.status === 'decrypted')).toEqual([]);
});

test('a message for a cookie without a key is reported as such; a retransmitted message decrypts like its first copy', () => {
  const msgs = isakmpMessages(QEMU_MM_CAPTURE);
  const none = new Ikev1CaptureDecryptor([]);
  const r = none.push(msgs.find((m) => m.frame === 15)!.bytes);
  expect(r.status === 'undecryptable' && /no key/.test(r.reason)).toBe(true);
  const d = new Ikev1CaptureDecryptor([{ icookie: Buffer.from(QEMU_MM_ICOOKIE, 'hex'), encKey: Buffer.from(QEMU_MM_ENCKEY, 'hex') }]);
  let mm5: CaptureDecryptResult | undefined;
  for (const m of msgs) {
    const x = d.push(m.bytes);
    if (m.frame === 15) mm5 = x;
  }
  expect(d.push(msgs.find((m) => m.frame === 15)!.bytes)).toEqual(mm5);
});
